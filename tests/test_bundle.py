"""The classroom bundle round trip, as an instructor and a learner would run it (issue 9).

``bash tools/bundle.sh write`` on this machine (it reaches PyPI), then on a fresh copy of the course with no
virtual environment and no package index (pip pointed at a dead address, no Debian mirror used),
``bash tools/bundle.sh install`` must set the course up from the bundle alone — a kit image removed from the
engine comes back from ``kit.tar`` with the same image ID — and chapter 01 must run with papermill.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.engine, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[1]
SKIP = shutil.ignore_patterns(".venv", "workspace", "build", ".git", "__pycache__", "*.egg-info", ".pytest_cache",
                              ".ruff_cache")
OFFLINE = {"PIP_INDEX_URL": "http://127.0.0.1:9/simple", "PIP_CONFIG_FILE": os.devnull, "PIP_RETRIES": "0",
           "PIP_TIMEOUT": "2", "http_proxy": "http://127.0.0.1:9", "https_proxy": "http://127.0.0.1:9"}


def test_write_wipe_install_and_run_a_chapter(tmp_path, engine):
    bundle = tmp_path / "bundle"
    write = subprocess.run(["bash", "tools/bundle.sh", "write", str(bundle)], cwd=REPO, capture_output=True,
                           text=True, timeout=900)
    assert write.returncode == 0, write.stdout[-800:] + write.stderr[-800:]
    assert (bundle / "kit.tar").stat().st_size > 10_000_000 and any((bundle / "wheels").glob("docker-*.whl"))

    course = tmp_path / "course"
    shutil.copytree(REPO, course, ignore=SKIP)
    hello = engine.images.get("learn-docker-ko/hello:0.1").id
    engine.images.remove("learn-docker-ko/hello:0.1")  # the wipe the bundle must undo
    try:
        env = {**{k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "VIRTUAL_ENV"))}, **OFFLINE}
        install = subprocess.run(["bash", "tools/bundle.sh", "install", str(bundle)], cwd=course, env=env,
                                 capture_output=True, text=True, timeout=900)
        assert install.returncode == 0, install.stdout[-1500:] + install.stderr[-1500:]
        assert engine.images.get("learn-docker-ko/hello:0.1").id == hello
        assert "apt-get" not in install.stdout + install.stderr
    finally:
        if not any("learn-docker-ko/hello:0.1" in i.tags for i in engine.images.list()):
            subprocess.run([sys.executable, "-m", "helpers", "kit", "--load", str(bundle / "kit.tar")], check=False)

    python = course / ".venv" / "bin" / "python"
    out = tmp_path / "01.ipynb"
    run = subprocess.run([str(python), "-m", "papermill", "--cwd", str(course / "notebooks"), "-k", "python3",
                          str(course / "notebooks" / "01-before-you-begin.ipynb"), str(out)],
                         cwd=course, env=env, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-1500:]
    where = subprocess.run([str(python), "-c", "import helpers; print(helpers.__file__)"], cwd=tmp_path,
                           capture_output=True, text=True)
    assert where.stdout.startswith(str(course)), where  # the copy's own package, not this repository's
