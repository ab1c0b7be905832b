"""Checked by mypy --strict in ``tests/test_sync_typing.py``; never run.

* ``# sync: NAME`` / ``# async: NAME``: the two revealed types must be the
  same signature, minus ``core`` and ``async``;
* ``# E: CODE``: mypy must report an error with that code on that line, and
  no line without such a comment may have an error.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import assert_type, reveal_type

from formance_orch import SyncCore, SyncSDK
from formance_orch import funcs as f
from formance_orch.errors import (
    InvalidRequestError,
    NoContentOperationError,
    OperationError,
    WaitTimeoutError,
)
from formance_orch.funcs.orchestration_v2_get_instance import orchestration_v2_get_instance
from formance_orch.funcs.orchestration_v2_list_instances import orchestration_v2_list_instances
from formance_orch.models.common import CursorPage
from formance_orch.models.instances import V2WorkflowInstance
from formance_orch.models.triggers import V2Trigger
from formance_orch.pagination import PaginationError
from formance_orch.result import Err, Ok, Result
from formance_orch.sync import pages, paginate
from formance_orch.sync.pagination import Paginator

sdk = SyncSDK(server_url="http://localhost")
v2 = sdk.orchestration.v2
core = SyncCore(server_url="http://localhost", timeout=5.0)

# --- every operation: the async signature, minus core and async -------------------------------
reveal_type(v2.cancel_event)  # sync: cancel_event
reveal_type(f.orchestration_v2_cancel_event)  # async: cancel_event
reveal_type(v2.create_trigger)  # sync: create_trigger
reveal_type(f.orchestration_v2_create_trigger)  # async: create_trigger
reveal_type(v2.create_workflow)  # sync: create_workflow
reveal_type(f.orchestration_v2_create_workflow)  # async: create_workflow
reveal_type(v2.delete_trigger)  # sync: delete_trigger
reveal_type(f.orchestration_v2_delete_trigger)  # async: delete_trigger
reveal_type(v2.delete_workflow)  # sync: delete_workflow
reveal_type(f.orchestration_v2_delete_workflow)  # async: delete_workflow
reveal_type(v2.get_instance)  # sync: get_instance
reveal_type(f.orchestration_v2_get_instance)  # async: get_instance
reveal_type(v2.get_instance_history)  # sync: get_instance_history
reveal_type(f.orchestration_v2_get_instance_history)  # async: get_instance_history
reveal_type(v2.get_instance_stage_history)  # sync: get_instance_stage_history
reveal_type(f.orchestration_v2_get_instance_stage_history)  # async: get_instance_stage_history
reveal_type(v2.get_server_info)  # sync: get_server_info
reveal_type(f.orchestration_v2_get_server_info)  # async: get_server_info
reveal_type(v2.get_workflow)  # sync: get_workflow
reveal_type(f.orchestration_v2_get_workflow)  # async: get_workflow
reveal_type(v2.list_instances)  # sync: list_instances
reveal_type(f.orchestration_v2_list_instances)  # async: list_instances
reveal_type(v2.list_triggers)  # sync: list_triggers
reveal_type(f.orchestration_v2_list_triggers)  # async: list_triggers
reveal_type(v2.list_triggers_occurrences)  # sync: list_triggers_occurrences
reveal_type(f.orchestration_v2_list_triggers_occurrences)  # async: list_triggers_occurrences
reveal_type(v2.list_workflows)  # sync: list_workflows
reveal_type(f.orchestration_v2_list_workflows)  # async: list_workflows
reveal_type(v2.read_trigger)  # sync: read_trigger
reveal_type(f.orchestration_v2_read_trigger)  # async: read_trigger
reveal_type(v2.run_workflow)  # sync: run_workflow
reveal_type(f.orchestration_v2_run_workflow)  # async: run_workflow
reveal_type(v2.send_event)  # sync: send_event
reveal_type(f.orchestration_v2_send_event)  # async: send_event
reveal_type(v2.test_trigger)  # sync: test_trigger
reveal_type(f.orchestration_v2_test_trigger)  # async: test_trigger

# --- right: these type-check, with these types ------------------------------------------------
assert_type(v2.get_instance("inst-1"), Result[V2WorkflowInstance, OperationError])
assert_type(v2.delete_workflow("wf-1"), Result[None, NoContentOperationError])
assert_type(
    v2.list_instances(page_size=2, running=True),
    Result[CursorPage[V2WorkflowInstance], OperationError],
)
assert_type(
    core.call(orchestration_v2_get_instance, "inst-1"), Result[V2WorkflowInstance, OperationError]
)
assert_type(
    core.call(f.orchestration_v2_send_event, "inst-1", name="paid"),
    Result[None, NoContentOperationError],
)
assert_type(
    paginate(orchestration_v2_list_instances, core, running=True), Paginator[V2WorkflowInstance]
)
assert_type(paginate(v2.list_triggers).take(10), Paginator[V2Trigger])
assert_type(next(paginate(v2.list_triggers, page_size=10)), V2Trigger)
assert_type(
    pages(orchestration_v2_list_instances, core),
    Iterator[
        Ok[CursorPage[V2WorkflowInstance]]
        | Err[OperationError | PaginationError | InvalidRequestError]
    ],
)
assert_type(
    SyncSDK(core).wait_for_instance("inst-1", timeout=30),
    Result[V2WorkflowInstance, OperationError | WaitTimeoutError],
)
with SyncSDK(core) as shared:
    assert_type(shared, SyncSDK)
match v2.get_instance("inst-1"):
    case Ok(value=instance):
        assert_type(instance, V2WorkflowInstance)
    case Err(error=error):
        assert_type(error, OperationError)

# --- wrong: each line is an error -------------------------------------------------------------
v2.get_instance(42)  # E: arg-type
v2.get_instance()  # E: call-arg
v2.get_instance("inst-1", "extra")  # E: call-arg, arg-type
v2.list_instances(pagesize=2)  # E: call-arg
v2.list_instances(2)  # E: call-arg, arg-type
v2.get_instance_stage_history("inst-1", "0")  # E: arg-type
v2.run_workflow("wf-1", variables={"amount": 100})  # E: dict-item
unwrapped: V2WorkflowInstance = v2.get_instance("inst-1")  # E: assignment
core.call(orchestration_v2_get_instance, 1)  # E: arg-type
core.call(orchestration_v2_get_instance)  # E: call-arg
core.call(orchestration_v2_list_instances, page_size="2")  # E: arg-type
core.call(v2.get_instance, "inst-1")  # E: call-arg, arg-type
SyncCore(timeout="5")  # E: arg-type
SyncSDK(session=None)  # E: call-arg
paginate(orchestration_v2_get_instance, core)  # E: call-overload
paginate(orchestration_v2_list_instances, core, workflw_id="wf-1")  # E: call-arg, arg-type
paginate(v2.list_instances, page_size="big")  # E: call-overload
pages(v2.list_triggers, nam="x")  # E: call-overload


async def awaits() -> None:
    await v2.get_instance("inst-1")  # E: misc
