"""``check_pipeline_laws`` without hypothesis says which extra brings it."""

from __future__ import annotations

import subprocess
import sys
import textwrap

# hypothesis is installed here, so a fresh interpreter blocks its import the way a missing
# package does: a ``None`` entry in sys.modules makes ``import hypothesis`` raise
# ModuleNotFoundError.
SCRIPT = textwrap.dedent(
    """
    import sys
    sys.modules["hypothesis"] = None

    from wumbo.testing import assert_matches_reference, check_pipeline_laws

    assert_matches_reference([str.strip, len], " ab ")  # the other helpers need no hypothesis
    try:
        check_pipeline_laws([str.strip, len], None)
    except ModuleNotFoundError as error:
        print(type(error).__name__, error.name, "|", error)
    else:
        raise SystemExit("no error")
    """
)


def test_missing_hypothesis_names_the_extra_to_install() -> None:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    kind, name, message = done.stdout.replace(" | ", " ", 1).split(" ", 2)
    assert (kind, name) == ("ModuleNotFoundError", "hypothesis")
    assert "check_pipeline_laws needs hypothesis" in message
    assert "pip install 'wumbo[testing]'" in message
