"""A run without ../shared says once, at the end, that the contract tests were skipped."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.contract import SPEC
from tests.mypy_run import ROOT

NOTICE = "contract tests skipped"


def run_contract_tests(contract: Path) -> str:
    env = {**os.environ, "FORMANCE_ORCH_CONTRACT": str(contract)}
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "tests/test_contract_checker.py",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return completed.stdout


def test_a_missing_contract_is_announced_once(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.yaml"

    output = run_contract_tests(missing)

    assert output.count(NOTICE) == 1
    assert f"{missing} does not exist" in output
    assert "skipped" in output.splitlines()[-1]


@pytest.mark.skipif(not SPEC.is_file(), reason="needs the contract in ../shared")
def test_nothing_is_said_when_the_contract_is_there() -> None:
    output = run_contract_tests(SPEC)

    assert NOTICE not in output
    assert "skipped" not in output.splitlines()[-1]
