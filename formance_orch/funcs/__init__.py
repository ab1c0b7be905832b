"""The operations, one module each, re-exported here on first access.

``from formance_orch.funcs import orchestration_v2_get_instance`` loads that
operation's module (and its models) only; importing the module directly,
``from formance_orch.funcs.orchestration_v2_get_instance import ...``, does
the same without going through this package's lookup.
"""

from __future__ import annotations

import sys
import types
from typing import TYPE_CHECKING, Any

from formance_orch._lazy import lazy_exports

if TYPE_CHECKING:
    from formance_orch.funcs.orchestration_v2_cancel_event import (
        orchestration_v2_cancel_event as orchestration_v2_cancel_event,
    )
    from formance_orch.funcs.orchestration_v2_create_trigger import (
        orchestration_v2_create_trigger as orchestration_v2_create_trigger,
    )
    from formance_orch.funcs.orchestration_v2_create_workflow import (
        orchestration_v2_create_workflow as orchestration_v2_create_workflow,
    )
    from formance_orch.funcs.orchestration_v2_delete_trigger import (
        orchestration_v2_delete_trigger as orchestration_v2_delete_trigger,
    )
    from formance_orch.funcs.orchestration_v2_delete_workflow import (
        orchestration_v2_delete_workflow as orchestration_v2_delete_workflow,
    )
    from formance_orch.funcs.orchestration_v2_get_instance import (
        orchestration_v2_get_instance as orchestration_v2_get_instance,
    )
    from formance_orch.funcs.orchestration_v2_get_instance_history import (
        orchestration_v2_get_instance_history as orchestration_v2_get_instance_history,
    )
    from formance_orch.funcs.orchestration_v2_get_instance_stage_history import (
        orchestration_v2_get_instance_stage_history as orchestration_v2_get_instance_stage_history,
    )
    from formance_orch.funcs.orchestration_v2_get_server_info import (
        orchestration_v2_get_server_info as orchestration_v2_get_server_info,
    )
    from formance_orch.funcs.orchestration_v2_get_workflow import (
        orchestration_v2_get_workflow as orchestration_v2_get_workflow,
    )
    from formance_orch.funcs.orchestration_v2_list_instances import (
        orchestration_v2_list_instances as orchestration_v2_list_instances,
    )
    from formance_orch.funcs.orchestration_v2_list_triggers import (
        orchestration_v2_list_triggers as orchestration_v2_list_triggers,
    )
    from formance_orch.funcs.orchestration_v2_list_triggers_occurrences import (
        orchestration_v2_list_triggers_occurrences as orchestration_v2_list_triggers_occurrences,
    )
    from formance_orch.funcs.orchestration_v2_list_workflows import (
        orchestration_v2_list_workflows as orchestration_v2_list_workflows,
    )
    from formance_orch.funcs.orchestration_v2_read_trigger import (
        orchestration_v2_read_trigger as orchestration_v2_read_trigger,
    )
    from formance_orch.funcs.orchestration_v2_run_workflow import (
        orchestration_v2_run_workflow as orchestration_v2_run_workflow,
    )
    from formance_orch.funcs.orchestration_v2_send_event import (
        orchestration_v2_send_event as orchestration_v2_send_event,
    )
    from formance_orch.funcs.orchestration_v2_test_trigger import (
        orchestration_v2_test_trigger as orchestration_v2_test_trigger,
    )

#: Every operation; each lives in the module of the same name.
OPERATIONS = (
    "orchestration_v2_cancel_event",
    "orchestration_v2_create_trigger",
    "orchestration_v2_create_workflow",
    "orchestration_v2_delete_trigger",
    "orchestration_v2_delete_workflow",
    "orchestration_v2_get_instance",
    "orchestration_v2_get_instance_history",
    "orchestration_v2_get_instance_stage_history",
    "orchestration_v2_get_server_info",
    "orchestration_v2_get_workflow",
    "orchestration_v2_list_instances",
    "orchestration_v2_list_triggers",
    "orchestration_v2_list_triggers_occurrences",
    "orchestration_v2_list_workflows",
    "orchestration_v2_read_trigger",
    "orchestration_v2_run_workflow",
    "orchestration_v2_send_event",
    "orchestration_v2_test_trigger",
)

__all__ = list(OPERATIONS)


class _OperationsPackage(types.ModuleType):
    """The funcs package, exporting each operation's function under its module's name.

    Importing ``formance_orch.funcs.<name>`` makes Python bind the *module*
    as this package's attribute ``<name>``; the package exports the function
    of that name instead, whichever way it was first imported.
    """

    def __setattr__(self, name: str, value: Any) -> None:
        if name in OPERATIONS and isinstance(value, types.ModuleType):
            value = getattr(value, name)
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _OperationsPackage

__getattr__, __dir__ = lazy_exports(__name__, {name: name for name in OPERATIONS})
