"""wumbo's speed benchmarks: ``python -m benchmarks [SUITE ...] [--quick] [--json PATH]``.

Each suite is a module with a ``DESCRIPTION`` and a ``run(settings)`` that prints its report
and returns its data; ``benchmarks.__main__.SUITES`` registers them. Shared timing code lives in
``benchmarks._timing``. See ``benchmarks/README.md``.
"""
