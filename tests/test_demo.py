"""examples/demo.py runs to the end on the emulator, also when it holds other data."""

from __future__ import annotations

import os
import subprocess
import sys

from formance_orch import Ok
from formance_orch.emulator import Emulator
from formance_orch.funcs.orchestration_v2_create_workflow import orchestration_v2_create_workflow
from formance_orch.funcs.orchestration_v2_run_workflow import orchestration_v2_run_workflow
from formance_orch.stages import WaitEvent
from tests.mypy_run import ROOT

sys.path.insert(0, str(ROOT / "examples"))

import demo


def test_demo_runs_against_the_emulator() -> None:
    env = {name: value for name, value in os.environ.items() if not name.startswith("FORMANCE_")}
    completed = subprocess.run(
        [sys.executable, "examples/demo.py"], cwd=ROOT, env=env, capture_output=True, text=True
    )

    assert completed.returncode == 0, completed.stderr
    assert "waits for 'confirmed': sending it" in completed.stderr
    assert "has 1 instance(s)" in completed.stderr


async def test_other_workflows_and_instances_do_not_disturb_it() -> None:
    async with Emulator() as emu, emu.core() as core:
        for _ in range(2):
            other = await orchestration_v2_create_workflow(core, stages=[WaitEvent("never")])
            assert isinstance(other, Ok)
            for _ in range(3):
                assert isinstance(await orchestration_v2_run_workflow(core, other.value.id), Ok)

        assert await demo.main(core) == 0
