"""A local Orchestration v2 server that behaves like the real one (docs/emulator.md).

    from formance_orch.emulator import Emulator, ManualClock

    async with Emulator(clock=ManualClock()) as emu:
        async with emu.core() as core:
            ...

Importing this package is cheap: ``Emulator`` (and aiohttp's server) load on
first access, so the pytest plugin costs nothing until a fixture is used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from formance_orch._lazy import lazy_exports

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


__getattr__, __dir__ = lazy_exports(__name__, _WHERE)
