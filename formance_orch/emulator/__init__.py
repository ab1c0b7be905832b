"""A local Orchestration v2 server that behaves like the real one (docs/emulator.md).

    from formance_orch.emulator import Emulator, ManualClock

    async with Emulator(clock=ManualClock()) as emu:
        async with emu.core() as core:
            ...

Importing this package is cheap: ``Emulator`` (and aiohttp's server) load on
first access, so the pytest plugin costs nothing until a fixture is used.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from formance_orch.emulator.app import Emulator as Emulator
    from formance_orch.emulator.clock import ManualClock as ManualClock
    from formance_orch.emulator.clock import SystemClock as SystemClock
    from formance_orch.emulator.faults import Fault as Fault
    from formance_orch.emulator.faults import FaultPlan as FaultPlan
    from formance_orch.emulator.policy import Policy as Policy

#: Which module defines each public name.
_WHERE = {
    "Emulator": "app",
    "Fault": "faults",
    "FaultPlan": "faults",
    "ManualClock": "clock",
    "Policy": "policy",
    "SystemClock": "clock",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_WHERE])
