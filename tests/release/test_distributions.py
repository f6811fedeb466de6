"""The sdist and the wheel as they would be published: ``python -m build`` then ``twine check``
pass, and each carries the LICENSE, the schemas, ``py.typed`` and the metadata PyPI shows.

Built once per session (about 3 s without build isolation, 10 s with it)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from email.message import Message
from email.parser import Parser
from pathlib import Path

import pytest

import bottlecalc
from bottlecalc.report.jsondoc import SCHEMA_VERSIONS, schema_file

ROOT = Path(__file__).parent.parent.parent
NAME = f"bottlecalc-{bottlecalc.__version__}"


def pythons_the_matrix_passed() -> set[str]:
    """The Python versions of docs/compatibility.md's passing rows: ``{"3.11", ...}``."""
    text = (ROOT / "docs" / "compatibility.md").read_text(encoding="utf-8")
    return set(re.findall(r"^\| [\d.]+ \| (3\.\d+)\.\d+ \| pass \|", text, re.M))


def build(out: Path) -> subprocess.CompletedProcess[str]:
    """``python -m build``: without isolation when this environment has the build backend
    pyproject.toml asks for, else in pip's isolated environment (needs the package index)."""
    argv = [sys.executable, "-m", "build", "--sdist", "--wheel", "--outdir", str(out), str(ROOT)]
    fast = subprocess.run([*argv, "--no-isolation"], capture_output=True, text=True, timeout=300)
    if fast.returncode == 0:
        return fast
    return subprocess.run(argv, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="session")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    proc = build(out)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    shutil.rmtree(ROOT / "build", ignore_errors=True)  # setuptools' scratch space
    return out


@pytest.fixture(scope="session")
def wheel(dist: Path) -> zipfile.ZipFile:
    return zipfile.ZipFile(dist / f"{NAME}-py3-none-any.whl")


@pytest.fixture(scope="session")
def sdist_names(dist: Path) -> set[str]:
    with tarfile.open(dist / f"{NAME}.tar.gz") as archive:
        return {name.removeprefix(f"{NAME}/") for name in archive.getnames()}


@pytest.fixture(scope="session")
def metadata(wheel: zipfile.ZipFile) -> Message:
    return Parser().parsestr(wheel.read(f"{NAME}.dist-info/METADATA").decode("utf-8"))


def test_twine_check_passes_on_both_distributions(dist: Path) -> None:
    files = sorted(str(path) for path in dist.iterdir())
    assert len(files) == 2
    proc = subprocess.run([sys.executable, "-m", "twine", "check", "--strict", *files],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.count("PASSED") == 2


def test_wheel_carries_license_types_and_schemas(wheel: zipfile.ZipFile) -> None:
    names = set(wheel.namelist())
    assert f"{NAME}.dist-info/licenses/LICENSE" in names
    assert "bottlecalc/py.typed" in names
    for command in SCHEMA_VERSIONS:
        shipped = wheel.read(f"bottlecalc/schemas/{schema_file(command)}")
        assert shipped == (ROOT / "bottlecalc" / "schemas" / schema_file(command)).read_bytes()


def test_wheel_holds_the_package_and_nothing_else(wheel: zipfile.ZipFile) -> None:
    tops = {name.split("/")[0] for name in wheel.namelist()}
    assert tops == {"bottlecalc", f"{NAME}.dist-info"}


def test_sdist_carries_license_changelog_schemas_docs_and_tests(sdist_names: set[str]) -> None:
    expected = {"LICENSE", "CHANGELOG.md", "README.md", "pyproject.toml", "bottlecalc/py.typed",
                "docs/json.md", "docs/compatibility.md", "tests/conftest.py",
                *(f"bottlecalc/schemas/{schema_file(c)}" for c in SCHEMA_VERSIONS)}
    assert expected <= sdist_names
    assert not [name for name in sdist_names if "__pycache__" in name or ".hypothesis" in name]


def test_metadata_says_license_version_and_where_to_read_more(metadata: Message) -> None:
    assert metadata["Version"] == bottlecalc.__version__
    assert metadata["License-Expression"] == "MIT"
    assert metadata["License-File"] == "LICENSE"
    assert metadata["Requires-Python"] == ">=3.11"
    urls = dict(value.split(", ", 1) for value in metadata.get_all("Project-URL", []))
    assert set(urls) >= {"Documentation", "Changelog", "Issues", "Source"}
    assert metadata["Description-Content-Type"] == "text/markdown"
    assert "pytorch" in metadata["Keywords"].split(",")


def test_classifiers_name_python_topic_and_typing(metadata: Message) -> None:
    classifiers = metadata.get_all("Classifier", [])
    pythons = {c.rsplit(" ", 1)[1] for c in classifiers
               if re.fullmatch(r"Programming Language :: Python :: 3\.\d+", c)}
    assert pythons == pythons_the_matrix_passed()
    assert len(pythons) >= 1
    assert "Typing :: Typed" in classifiers
    assert [c for c in classifiers if c.startswith("Topic :: ")]
    assert [c for c in classifiers if c.startswith("Development Status :: ")]
