"""One dependency list in two formats, and notebooks committed without outputs."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.version import Version

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    tomllib = pytest.importorskip("tomli")

ROOT = Path(__file__).resolve().parents[2]
CONDA_TO_PYPI = {"docker-py": "docker"}  # conda-forge's name for the docker SDK
NOTEBOOK_DIRS = ("notebooks", "source", "release")


def pyproject_deps() -> dict[str, SpecifierSet]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    reqs = [Requirement(r) for r in data["project"]["dependencies"]]
    return {r.name.lower(): r.specifier for r in reqs}


def conda_deps() -> dict[str, SpecifierSet]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    deps = {}
    for item in env["dependencies"]:
        if isinstance(item, dict):  # the nested pip: list — PyPI-only packages, then this package itself
            for line in item.get("pip", []):
                if not line.startswith("-"):
                    req = Requirement(line.split("#")[0].strip())
                    deps[req.name.lower()] = req.specifier
            continue
        m = re.fullmatch(r"([A-Za-z0-9_.\-]+)\s*(.*)", item.strip())
        name, spec = m.group(1).lower(), m.group(2).replace(" ", "")
        if name in ("python", "pip"):
            continue
        if re.fullmatch(r"=[^=<>!].*", spec):  # conda's `=1.2.3` is pip's `==1.2.3`
            spec = "=" + spec
        deps[CONDA_TO_PYPI.get(name, name)] = SpecifierSet(spec)
    return deps


def test_pyproject_and_environment_yml_list_the_same_packages_and_pins():
    pypi, conda = pyproject_deps(), conda_deps()
    assert set(pypi) == set(conda), f"only in pyproject: {set(pypi) - set(conda)}, only in environment.yml: " \
                                    f"{set(conda) - set(pypi)}"
    for name in pypi:
        assert pypi[name] == conda[name], f"{name}: pyproject {pypi[name]} vs environment.yml {conda[name]}"


@pytest.mark.parametrize(("name", "allowed", "refused"), [
    ("nbgrader", ["0.9.6"], ["0.9.5", "0.9.4", "0.9.7", "0.10.0"]),
    ("docker", ["7.1.0", "7.2.0"], ["6.1.3", "8.0.0"]),
    ("jupyterlab", ["4.3.0", "4.6.6"], ["3.6.8", "5.0.0"]),
    ("ipywidgets", ["8.1.5"], ["7.8.5", "9.0.0"]),
    ("papermill", ["2.7.0"], ["2.6.0", "2.8.0"]),
])
def test_pins_the_course_relies_on(name, allowed, refused):
    spec = pyproject_deps()[name]
    for v in allowed:
        assert Version(v) in spec, f"{name} {spec} should allow {v}"
    for v in refused:
        assert Version(v) not in spec, f"{name} {spec} should refuse {v}"


def test_a_jupyter_server_start_does_not_build_the_iri_parsers():
    """jsonschema 4.25+ imports rfc3987_syntax (35 Earley parsers built at import) when jupyter_server starts: the
    pin keeps it out, and with it about half of a server's start-up CPU (the class server starts one per learner)."""
    import sys

    done = subprocess.run([sys.executable, "-c", "import sys, jupyter_server.serverapp, nbformat.validator; "
                                                 "print('rfc3987_syntax' in sys.modules)"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False", "rfc3987_syntax is imported: is jsonschema >= 4.25 installed?"


def test_python_versions_agree():
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    python = next(d for d in env["dependencies"] if isinstance(d, str) and d.startswith("python"))
    version = python.split("=", 1)[1]
    assert Version(version) in SpecifierSet(data["project"]["requires-python"])


def tracked_files() -> list[str]:
    """Files git tracks (read-only `git ls-files`); every file when this is not a git checkout."""
    if shutil.which("git") and (ROOT / ".git").exists():
        run = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, text=True, check=True)
        return [p for p in run.stdout.split("\0") if p]
    return [str(p.relative_to(ROOT)) for p in ROOT.rglob("*") if p.is_file() and ".git" not in p.parts]


def tracked_notebooks() -> list[str]:
    return [p for p in tracked_files() if p.endswith(".ipynb") and p.split("/", 1)[0] in NOTEBOOK_DIRS]


def test_tracked_notebooks_have_no_outputs_or_execution_counts():
    notebooks = tracked_notebooks()
    if not notebooks:
        pytest.skip("no notebook is tracked yet")
    dirty = []
    for rel in notebooks:
        nb = json.loads((ROOT / rel).read_text(encoding="utf-8"))
        for i, cell in enumerate(nb["cells"]):
            if cell.get("cell_type") != "code":
                continue
            if cell.get("outputs") or cell.get("execution_count") is not None:
                dirty.append(f"{rel} cell {i}")
    assert not dirty, "notebooks committed with outputs (strip them): " + ", ".join(dirty[:10])


def test_no_untitled_checkpoint_or_spaced_file_names_are_tracked():
    bad = [p for p in tracked_files()
           if " " in p or "Untitled" in p or ".ipynb_checkpoints" in p or "__pycache__" in p]
    assert not bad, bad
