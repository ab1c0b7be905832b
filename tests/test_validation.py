"""Invalid arguments are rejected before any I/O, as Err values."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from formance_orch import Err, InvalidRequestError, Ok, RequestOptions, SDKCore
from formance_orch.funcs.orchestration_v2_create_workflow import orchestration_v2_create_workflow
from formance_orch.funcs.orchestration_v2_get_instance import orchestration_v2_get_instance
from formance_orch.funcs.orchestration_v2_get_server_info import (
    orchestration_v2_get_server_info,
)
from formance_orch.funcs.orchestration_v2_list_instances import orchestration_v2_list_instances
from tests.support import Reply, workflow_json


def assert_rejected(result, parameter: str | None, fragment: str) -> None:
    assert isinstance(result, Err)
    error = result.error
    assert isinstance(error, InvalidRequestError)
    assert error.parameter == parameter
    assert fragment in error.message
    assert result.meta.attempts == 0


@pytest.mark.parametrize(
    ("instance_id", "fragment"),
    [
        ("", "must not be empty"),
        (None, "is required"),
        (42, "must be a str"),
        (b"id", "must be a str"),
    ],
)
async def test_bad_path_ids(server, core, instance_id, fragment) -> None:
    result = await orchestration_v2_get_instance(core, instance_id)

    assert_rejected(result, "instance_id", fragment)
    assert server.requests == []
    assert server.token_requests == []  # not even a token was fetched


@pytest.mark.parametrize(
    ("kwargs", "parameter", "fragment"),
    [
        ({"page_size": 0}, "page_size", "must be at least 1, got 0"),
        ({"page_size": 1001}, "page_size", "must be at most 1000, got 1001"),
        ({"page_size": "10"}, "page_size", "must be an int"),
        ({"page_size": True}, "page_size", "must be an int"),
        ({"running": "true"}, "running", "must be a bool"),
        ({"running": 1}, "running", "must be a bool"),
        ({"workflow_id": ""}, "workflow_id", "must not be empty"),
        ({"cursor": 5}, "cursor", "must be a str"),
    ],
)
async def test_bad_list_parameters(server, core, kwargs, parameter, fragment) -> None:
    result = await orchestration_v2_list_instances(core, **kwargs)

    assert_rejected(result, parameter, fragment)
    assert server.requests == []


async def test_enum_subclasses_are_accepted(server, core) -> None:
    import enum

    class Instance(enum.StrEnum):
        FIRST = "inst/1"

    class Size(enum.IntEnum):
        SMALL = 5

    server.reply(Reply(json={"cursor": {"pageSize": 5, "hasMore": False, "data": []}}))
    await orchestration_v2_list_instances(core, workflow_id=Instance.FIRST, page_size=Size.SMALL)

    assert server.requests[0].query == {"workflowID": "inst/1", "pageSize": "5"}


async def test_page_size_bounds_are_inclusive(server, core) -> None:
    server.reply(Reply(json={"cursor": {"pageSize": 1, "hasMore": False, "data": []}}))

    assert isinstance(await orchestration_v2_list_instances(core, page_size=1), Ok)
    assert isinstance(await orchestration_v2_list_instances(core, page_size=1000), Ok)
    assert len(server.requests) == 2


@pytest.mark.parametrize(
    ("kwargs", "parameter", "fragment"),
    [
        ({"config": [1, 2]}, "config", "must be a V2WorkflowConfig or a mapping, got list"),
        ({"config": "stages"}, "config", "got str"),
        ({"config": {"stages": "x"}}, "config", "at $.stages: expected an array"),
        ({"config": {"name": "n"}}, "config", "at $.stages: a required field is missing"),
        ({"config": {1: "x"}}, "config", "keys must be str"),
        ({"config": {"stages": [{"delay": object()}]}}, "config", "cannot be encoded as JSON"),
        ({"config": {"stages": [], "x": float("nan")}}, "config", "cannot be encoded as JSON"),
        ({}, "stages", "stages is required"),
        ({"name": "only a name"}, "stages", "stages is required"),
        ({"stages": "not a list"}, "stages", "stages is invalid at $.stages: expected an array"),
        ({"stages": [["not", "a", "mapping"]]}, "stages", "$.stages[0]: expected an object"),
        ({"stages": [], "name": 7}, "name", "name must be a str, got int"),
        ({"stages": [], "name": ""}, "name", "name must not be empty"),
        ({"stages": [], "config": {"stages": []}}, "config", "cannot be combined with stages"),
    ],
)
async def test_bad_workflow_bodies(server, core, kwargs, parameter, fragment) -> None:
    result = await orchestration_v2_create_workflow(core, **kwargs)

    assert_rejected(result, parameter, fragment)
    assert server.requests == []


async def test_datetimes_in_a_body_are_sent_as_rfc3339(server, core) -> None:
    server.reply(Reply(status=201, json={"data": workflow_json()}))
    until = datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)

    await orchestration_v2_create_workflow(core, stages=[{"delay": {"until": until}}])

    assert server.requests[0].json == {
        "stages": [{"delay": {"until": "2030-01-02T03:04:05+00:00"}}]
    }


async def test_not_a_core(server) -> None:
    result = await orchestration_v2_get_server_info("http://localhost")  # type: ignore[arg-type]

    assert_rejected(result, None, "core must be an SDKCore")


async def test_bad_options(server, core) -> None:
    result = await orchestration_v2_get_server_info(core, options={"timeout": 1})  # type: ignore[arg-type]

    assert_rejected(result, "options", "must be a RequestOptions")


def test_request_options_reject_nonsense_timeouts() -> None:
    with pytest.raises(ValueError, match="timeout"):
        RequestOptions(timeout=0)


async def test_closed_core_is_rejected(server, make_core) -> None:
    core: SDKCore = make_core()
    await core.aclose()

    result = await orchestration_v2_get_server_info(core)

    assert_rejected(result, None, "closed")
    assert server.requests == []


async def test_a_model_holding_what_its_types_forbid_is_an_err(server, core) -> None:
    from formance_orch.models.workflows import V2WorkflowConfig
    from formance_orch.stages import Delay

    config = V2WorkflowConfig(stages=[Delay(duration="1m")])  # type: ignore[list-item]

    result = await orchestration_v2_create_workflow(core, config=config)

    assert_rejected(result, "config", "cannot be encoded")
    assert server.requests == []


from formance_orch import funcs as f  # noqa: E402

PATH_ID_CALLS = [
    ("workflow_id", lambda core, v: f.orchestration_v2_get_workflow(core, v)),
    ("workflow_id", lambda core, v: f.orchestration_v2_delete_workflow(core, v)),
    ("workflow_id", lambda core, v: f.orchestration_v2_run_workflow(core, v)),
    ("instance_id", lambda core, v: f.orchestration_v2_send_event(core, v, name="e")),
    ("instance_id", lambda core, v: f.orchestration_v2_cancel_event(core, v)),
    ("instance_id", lambda core, v: f.orchestration_v2_get_instance_history(core, v)),
    ("instance_id", lambda core, v: f.orchestration_v2_get_instance_stage_history(core, v, 0)),
    ("trigger_id", lambda core, v: f.orchestration_v2_read_trigger(core, v)),
    ("trigger_id", lambda core, v: f.orchestration_v2_delete_trigger(core, v)),
    ("trigger_id", lambda core, v: f.orchestration_v2_test_trigger(core, v, payload={})),
    ("trigger_id", lambda core, v: f.orchestration_v2_list_triggers_occurrences(core, v)),
]


@pytest.mark.parametrize(("parameter", "call"), PATH_ID_CALLS)
@pytest.mark.parametrize("bad_id", ["", None, 7])
async def test_every_path_id_is_checked(server, core, parameter, call, bad_id) -> None:
    result = await call(core, bad_id)

    assert_rejected(result, parameter, "")
    assert server.requests == []


@pytest.mark.parametrize(
    ("call", "parameter", "fragment"),
    [
        (
            lambda c: f.orchestration_v2_run_workflow(c, "w", variables={"n": 1}),
            "variables",
            "must map to str values, got int",
        ),
        (
            lambda c: f.orchestration_v2_run_workflow(c, "w", variables=["a"]),
            "variables",
            "must be a mapping",
        ),
        (lambda c: f.orchestration_v2_run_workflow(c, "w", wait="yes"), "wait", "must be a bool"),
        (lambda c: f.orchestration_v2_send_event(c, "i", name=""), "name", "must not be empty"),
        (lambda c: f.orchestration_v2_send_event(c, "i", name=None), "name", "is required"),
        (
            lambda c: f.orchestration_v2_get_instance_stage_history(c, "i", -1),
            "number",
            "must be at least 0, got -1",
        ),
        (
            lambda c: f.orchestration_v2_get_instance_stage_history(c, "i", "1"),
            "number",
            "must be an int",
        ),
        (
            lambda c: f.orchestration_v2_get_instance_stage_history(c, "i", True),
            "number",
            "must be an int",
        ),
        (
            lambda c: f.orchestration_v2_test_trigger(c, "t", payload=[1]),
            "payload",
            "must be a mapping",
        ),
        (lambda c: f.orchestration_v2_create_trigger(c, workflow_id="w"), "event", "is required"),
        (lambda c: f.orchestration_v2_create_trigger(c, event="e"), "workflow_id", "is required"),
        (
            lambda c: f.orchestration_v2_create_trigger(c, event="e", workflow_id="w", vars=["x"]),
            "vars",
            "expected an object",
        ),
        (
            lambda c: f.orchestration_v2_create_trigger(c, event="e", trigger={"event": "e"}),
            "trigger",
            "cannot be combined with event",
        ),
        (
            lambda c: f.orchestration_v2_create_trigger(c, trigger={"event": "e"}),
            "trigger",
            "$.workflowID: a required field is missing",
        ),
        (lambda c: f.orchestration_v2_list_triggers(c, name=""), "name", "must not be empty"),
        (
            lambda c: f.orchestration_v2_list_workflows(c, page_size=5000),
            "page_size",
            "must be at most 1000",
        ),
    ],
)
async def test_bad_arguments_of_the_other_operations(
    server, core, call, parameter, fragment
) -> None:
    result = await call(core)

    assert_rejected(result, parameter, fragment)
    assert server.requests == []
