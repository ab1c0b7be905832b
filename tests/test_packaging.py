"""`make dist` builds a wheel and an sdist that carry py.typed (typed for users' mypy)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from tests.mypy_run import ROOT


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_dist_builds_a_typed_wheel_and_sdist(tmp_path: Path) -> None:
    venv_bin = Path(sys.executable).parent
    # -o: the venv running this test is the one to build with; never reinstall it here.
    subprocess.run(
        ["make", "-o", ".venv/.installed-test", "dist", f"DIST={tmp_path}", f"BIN={venv_bin}"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )

    [wheel] = tmp_path.glob("formance_orch-*-py3-none-any.whl")
    [sdist] = tmp_path.glob("formance_orch-*.tar.gz")
    wheel_files = zipfile.ZipFile(wheel).namelist()
    assert "formance_orch/py.typed" in wheel_files
    assert "formance_orch/waiting.py" in wheel_files
    assert not [name for name in wheel_files if name.startswith("tests/")]
    with tarfile.open(sdist) as archive:
        sdist_files = archive.getnames()
    assert any(name.endswith("/formance_orch/py.typed") for name in sdist_files)
    assert any(name.endswith("/pyproject.toml") for name in sdist_files)
