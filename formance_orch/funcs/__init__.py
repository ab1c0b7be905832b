"""The operations, one module each, re-exported here on first access.

``from formance_orch.funcs import orchestration_v2_get_instance`` loads that
operation's module (and its models) only; importing the module directly,
``from formance_orch.funcs.orchestration_v2_get_instance import ...``, does
the same without going through this package's lookup.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from formance_orch.funcs.orchestration_v2_create_workflow import (
        orchestration_v2_create_workflow,
    )
    from formance_orch.funcs.orchestration_v2_get_instance import orchestration_v2_get_instance
    from formance_orch.funcs.orchestration_v2_get_server_info import (
        orchestration_v2_get_server_info,
    )
    from formance_orch.funcs.orchestration_v2_list_instances import (
        orchestration_v2_list_instances,
    )

#: Every operation; each lives in the module of the same name.
OPERATIONS = (
    "orchestration_v2_create_workflow",
    "orchestration_v2_get_instance",
    "orchestration_v2_get_server_info",
    "orchestration_v2_list_instances",
)

__all__ = list(OPERATIONS)


def __getattr__(name: str) -> Any:
    if name not in OPERATIONS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{name}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *OPERATIONS])
