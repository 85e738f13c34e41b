"""What a package index and a packager get: the wheel and the sdist, built once for this module.

Both are built offline from this tree (``python -m build --no-isolation``: setuptools and build
come from the ``tests`` dependency group), the wheel from the sdist, as packagers do.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tarfile
import zipfile
from dataclasses import dataclass
from email import message_from_string
from email.message import Message
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
#: Folders the sdist carries whole, so that its tests, docs and type checks run from it alone.
SOURCE_FOLDERS = ("tests", "docs", "stubs", "benchmarks")
#: Single files the sdist carries.
SOURCE_FILES = (
    "LICENSE",
    "README.md",
    "CHANGELOG.md",
    "Makefile",
    "mkdocs.yml",
    "pyproject.toml",
    "requirements/dev.lock",
    ".ci/run",
)


@dataclass(frozen=True)
class Built:
    wheel: Path
    sdist: Path

    def wheel_names(self) -> set[str]:
        with zipfile.ZipFile(self.wheel) as wheel:
            return set(wheel.namelist())

    def wheel_metadata(self) -> Message:
        with zipfile.ZipFile(self.wheel) as wheel:
            [name] = [n for n in wheel.namelist() if n.endswith(".dist-info/METADATA")]
            return message_from_string(wheel.read(name).decode())

    def sdist_names(self) -> set[str]:
        """The sdist's paths, without its top folder (``wumbo-0.1.0/``)."""
        with tarfile.open(self.sdist) as sdist:
            return {name.split("/", 1)[1] for name in sdist.getnames() if "/" in name}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    out = tmp_path_factory.mktemp("dist")
    done = subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    [wheel] = out.glob("*.whl")
    [sdist] = out.glob("*.tar.gz")
    return Built(wheel=wheel, sdist=sdist)


def test_the_wheel_carries_the_license(built: Built) -> None:
    licenses = {name for name in built.wheel_names() if ".dist-info/licenses/" in name}
    assert {name.rsplit("/", 1)[1] for name in licenses} == {"LICENSE"}
    metadata = built.wheel_metadata()
    assert metadata["License-Expression"] == "MIT"
    assert metadata.get_all("License-File") == ["LICENSE"]


def test_the_metadata_names_no_placeholder_url_and_no_dev_tools(built: Built) -> None:
    metadata = built.wheel_metadata()
    assert "example.invalid" not in metadata.as_string()
    assert metadata.get_all("Project-URL") is None
    extras = set(metadata.get_all("Provides-Extra") or [])
    assert "dev" not in extras
    assert "testing" in extras
    requirements = metadata.get_all("Requires-Dist") or []
    assert not [r for r in requirements if "pytest" in r or "mypy" in r or "pyright" in r]


def test_runtime_dependencies_have_floors_and_no_caps(built: Built) -> None:
    runtime = [r for r in built.wheel_metadata().get_all("Requires-Dist") or [] if ";" not in r]
    assert runtime, "no runtime dependency in the metadata"
    for requirement in runtime:
        assert ">=" in requirement, requirement
        assert "<" not in requirement, requirement
        assert "==" not in requirement, requirement


def test_the_package_description_has_no_relative_link(built: Built) -> None:
    description = built.wheel_metadata().get_payload()
    assert isinstance(description, str)
    assert "make demo" in description  # it is the README
    targets = re.findall(r"\]\(([^)\s]+)", description) + re.findall(
        r"""(?:href|src)=["']([^"']+)""", description
    )
    relative = [t for t in targets if not re.match(r"(https?://|mailto:|#)", t)]
    assert relative == [], f"links that break on a package index: {relative}"


def test_the_sdist_is_the_whole_source_tree(built: Built) -> None:
    names = built.sdist_names()
    expected = {
        path.relative_to(ROOT).as_posix()
        for folder in SOURCE_FOLDERS
        for path in (ROOT / folder).rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
    }
    assert {"tests/conftest.py", "tests/runtime/conftest.py", "docs/index.md"} <= expected
    assert any(name.startswith("stubs/toolz/") for name in expected)
    missing = sorted(expected - names) + [name for name in SOURCE_FILES if name not in names]
    assert missing == [], f"missing from the sdist: {missing}"
    assert not [name for name in names if "__pycache__" in name or name.endswith(".pyc")]
