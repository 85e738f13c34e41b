"""wumbo's core: templates, ``|`` composition, the Result railway and the combinators.

Nothing here imports from the layers above it (runtime, decorators, framework, command line).

Examples:
    >>> from wumbo import template
    >>> (template(str.strip) | len).run("  abc ")
    3
"""
