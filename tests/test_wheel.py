"""The package works from a wheel, with no clone in sight (issue 18).

The wheel is built the way a release would be (an sdist of the repository's tree, then a wheel from
the unpacked sdist), installed with --no-deps into a fresh virtual environment in a temporary folder,
and run from another temporary folder. The dependencies come from this test environment through a
path line in a .pth file (no download, and that folder's own .pth files — among them the editable
install's pointer to src/ — are not processed), so doha_compliance itself can only come from the
wheel: PYTHONPATH is unset, the working folder is empty, and the tests check where it was imported
from.
"""
from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT

EXPECTED = ROOT / "examples" / "oct2020"
NOT_SOURCE = shutil.ignore_patterns(".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".hypothesis",
                                    ".pytest_cache", "results")


def _run(*args, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    result = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"{' '.join(map(str, args))}\n{result.stdout}\n{result.stderr}"
    return result


def _pip(*args, cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PIP_DISABLE_PIP_VERSION_CHECK="1")
    return _run(sys.executable, "-m", "pip", *args, cwd=cwd, env=env)


def _build_wheel(source: Path, out: Path) -> Path:
    """pip wheel without build isolation: setuptools comes from the test extra, nothing is downloaded."""
    _pip("wheel", "--no-deps", "--no-build-isolation", "-q", "-w", out, source, cwd=source)
    (wheel,) = out.glob("doha_compliance-*.whl")
    return wheel


class Installed:
    def __init__(self, venv: Path, cwd: Path, wheel: Path, tree_wheel: Path):
        self.venv, self.cwd, self.wheel, self.tree_wheel = venv, cwd, wheel, tree_wheel
        self.env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}

    def command(self, *args: str) -> subprocess.CompletedProcess:
        return _run(self.venv / "bin" / "doha-compliance", *args, cwd=self.cwd, env=self.env)

    def python(self, code: str) -> str:
        return _run(self.venv / "bin" / "python", "-c", code, cwd=self.cwd, env=self.env).stdout.strip()


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Installed:
    if os.name != "posix":
        pytest.skip("the venv layout used here (bin/) is POSIX's")
    base = tmp_path_factory.mktemp("wheel")
    assert ROOT not in base.resolve().parents, "the test must build and install outside the repository"
    tree = base / "tree"  # a copy, so the build leaves nothing (build/, *.egg-info) in the repository
    shutil.copytree(ROOT, tree, symlinks=True, ignore=NOT_SOURCE)
    sdist_dir = base / "sdist"
    _run(sys.executable, "-c", f"from setuptools import build_meta; build_meta.build_sdist({str(sdist_dir)!r})",
         cwd=tree)
    (sdist,) = sdist_dir.glob("doha_compliance-*.tar.gz")
    with tarfile.open(sdist) as archive:
        archive.extractall(base / "unpacked", **({"filter": "data"} if hasattr(tarfile, "data_filter") else {}))
    (unpacked,) = (base / "unpacked").iterdir()
    wheel = _build_wheel(unpacked, base / "dist")
    tree_wheel = _build_wheel(tree, base / "dist-tree")

    venv = base / "venv"
    _run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=base)
    _pip("--python", venv / "bin" / "python", "install", "--no-deps", "-q", wheel, cwd=base)
    site = _run(venv / "bin" / "python", "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])",
                cwd=base).stdout.strip()
    ours = dict.fromkeys(sysconfig.get_paths()[k] for k in ("purelib", "platlib"))
    (Path(site) / "test_dependencies.pth").write_text("".join(f"{p}\n" for p in ours), encoding="utf-8")
    elsewhere = base / "elsewhere"
    elsewhere.mkdir()
    return Installed(venv, elsewhere, wheel, tree_wheel)


def _version_in_pyproject() -> str:
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    return re.search(r'^version\s*=\s*"([^"]+)"', text, re.MULTILINE).group(1)


def test_the_package_comes_from_the_wheel_only(installed):
    where = installed.python("import doha_compliance, doha_compliance.bundled as b; "
                             "print(doha_compliance.__file__); print(b.data_root())").splitlines()
    package, data = (Path(line) for line in where)
    assert installed.venv in package.parents and installed.venv in data.parents
    assert ROOT not in package.parents


def test_version_from_the_metadata(installed):
    version = _version_in_pyproject()
    assert installed.command("--version").stdout.splitlines()[0] == f"doha-compliance {version}"
    assert installed.python("import doha_compliance; print(doha_compliance.__version__)") == version


def test_report_with_the_bundled_rules_and_example(installed):
    """The issue's 'done': --rules doha and an events file, from a folder that is no clone."""
    events = installed.python("from doha_compliance import bundled; print(bundled.example('oct2020').events)")
    assert installed.venv in Path(events).parents
    report = installed.command("report", "--rules", "doha", "--events", events, "--as-of", "2020-10-31")
    assert report.stdout == (EXPECTED / "expected.txt").read_text(encoding="utf-8")  # the text report names no file


def test_the_readme_command_from_a_wheel(installed):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## From a wheel", 1)[1].split("\n## ", 1)[0]
    (line,) = [line for line in section.splitlines() if line.startswith("python3 -m pip install ")]
    install, run = line.split(" && ")
    assert install.endswith(".whl") and shlex.split(run)[0] == "doha-compliance"
    report = installed.command(*shlex.split(run)[1:])
    assert report.stdout == (EXPECTED / "expected.txt").read_text(encoding="utf-8")


def test_json_report_from_the_wheel_is_the_expected_one(installed):
    """Byte for byte but for where the event file lies: the expected one was run from a clone."""
    report = installed.command("report", "--rules", "doha", "--events", "example:oct2020", "--as-of", "2020-10-31",
                               "--format", "json")
    data_root = installed.python("from doha_compliance import bundled; print(bundled.data_root())")
    relative = report.stdout.replace(json.dumps(data_root + "/")[1:-1], "")
    assert relative != report.stdout
    assert json.loads(relative) == json.loads((EXPECTED / "expected.json").read_text(encoding="utf-8"))


def test_rules_list_and_examples_from_the_wheel(installed):
    listing = installed.command("rules", "list").stdout
    assert "doha  doha-2020, signed 2020-02-29" in listing and _version_in_pyproject() in listing
    assert "Agreement for Bringing Peace to Afghanistan" in listing
    assert "strikes.defensive_only" in installed.command("rules", "list", "doha").stdout
    assert ": ok — doha-2020" in installed.command("rules", "check", "doha").stdout
    shown = installed.command("example", "oct2020").stdout
    assert "doha-compliance report --rules doha --events example:oct2020 --as-of 2020-10-31\n" in shown


def test_wheel_from_the_tree_equals_wheel_from_the_sdist(installed):
    """`pip wheel .` in a clone and a build from the sdist ship the same files (MANIFEST.in misses nothing)."""
    def names(wheel: Path) -> list:
        with zipfile.ZipFile(wheel) as archive:
            return sorted(n for n in archive.namelist() if not n.endswith("RECORD"))
    shipped = names(installed.wheel)
    assert shipped == names(installed.tree_wheel)
    for name in ("rules/doha/agreement.yaml", "rules/doha/strikes.yaml", "examples/oct2020/expected.txt",
                 "examples/acled/README.md", "examples/ucdp/ged_afghanistan_sample.csv",
                 "rules/lebanon-2024/zones/lebanon.geojson", "examples/lebanon_2024/expected-2025-04-30.txt"):
        assert f"doha_compliance/data/{name}" in shipped
    # a rule set's files, and its zones/ folder's (issue 25)
    in_repository = {p.relative_to(ROOT).as_posix() for p in (*(ROOT / "rules").glob("*/*"), *(ROOT / "rules").glob("*/*/*"),
                                                               *(ROOT / "examples").glob("*/*"))
                     if p.is_file() and "__pycache__" not in p.parts}
    in_wheel = {n[len("doha_compliance/data/"):] for n in shipped if n.startswith("doha_compliance/data/")}
    assert in_wheel == in_repository  # every rule file and example file ships, and nothing else
