"""``to_wire``/``from_wire``/``to_json``/``from_json``: models to their wire form and back."""

from __future__ import annotations

import enum
import json
import pickle
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import formance_orch.models as models
from formance_orch import (
    Err,
    ErrorCode,
    Ok,
    WireFormatError,
    from_json,
    from_wire,
    to_json,
    to_wire,
)
from formance_orch.models import (
    CursorPage,
    V2Error,
    V2Monetary,
    V2StageStatus,
    V2Workflow,
    V2WorkflowConfig,
    V2WorkflowInstance,
)
from formance_orch.stages import Account, Delay, Monetary, Send
from tests.agreement import drop_key, mutate
from tests.support import NANOS, instance_json, workflow_json
from tests.test_fastgen import TYPES, wire

MODEL_CLASSES = {
    name: getattr(models, name)
    for name in models.__all__
    if isinstance(getattr(models, name), type) and attrs.has(getattr(models, name))
}
EVERY_TYPE = {**TYPES, **MODEL_CLASSES}
WHEN = datetime(2024, 9, 23, 10, 0, 0, 123456, tzinfo=timezone(timedelta(hours=2)))
ROUND_TRIP = settings(
    max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True
)


def send_stage(amount: Any) -> dict[str, Any]:
    return {"send": {"amount": {"asset": "USD/2", "amount": amount}, "source": {}}}


amounts = st.integers() | st.sampled_from([2**53 - 1, 2**53, 2**63, -(2**64), "${amount}"])
configs = st.builds(
    lambda stages, name: {"stages": stages, **({"name": name} if name else {})},
    st.lists(
        st.one_of(amounts.map(send_stage), st.just({"delay": {"duration": "1s"}})), max_size=4
    ),
    st.none() | st.text(max_size=5),
)


def check_round_trip(model: Any, value: Any) -> None:
    """Every way back from the wire form gives ``value`` again."""
    data = to_wire(value)
    assert isinstance(data, Ok), data
    assert from_wire(model, data.value) == Ok(value)
    assert json.loads(json.dumps(data.value)) == data.value  # JSON-ready as it is
    text = to_json(value)
    assert isinstance(text, Ok), text
    assert json.loads(text.value) == data.value
    assert from_json(model, text.value) == Ok(value)
    assert from_json(model, text.value.encode()) == Ok(value)
    assert to_json(value, sort_keys=True) == to_json(
        from_json(model, text.value).unwrap(), sort_keys=True
    )
    assert pickle.loads(pickle.dumps(value)) == value


@pytest.mark.parametrize("name", sorted(EVERY_TYPE))
def test_wire_forms_round_trip_and_never_raise(name: str) -> None:
    model = EVERY_TYPE[name]

    @ROUND_TRIP
    @given(wire(model), st.data(), st.sampled_from([None, None, mutate, drop_key]))
    def round_trip(data: Any, draw: st.DataObject, spoil: Any) -> None:
        if spoil is not None:
            spoil(data, draw)
        result = from_wire(model, data)
        if spoil is None:  # what the model's own type allows always reads
            assert isinstance(result, Ok), result
        if isinstance(result, Ok):
            check_round_trip(model, result.value)
        else:
            assert isinstance(result.error, WireFormatError)
            assert result.error.path.startswith("$")
            assert result.error.path in result.error.message

    round_trip()


@ROUND_TRIP
@given(configs)
def test_workflow_configs_round_trip_with_exact_amounts(data: dict[str, Any]) -> None:
    config = from_wire(V2WorkflowConfig, data).unwrap()
    check_round_trip(V2WorkflowConfig, config)
    workflow = from_wire(V2Workflow, workflow_json(config=data)).unwrap()
    check_round_trip(V2Workflow, workflow)


def test_the_wire_form_is_camel_case_iso_and_exact() -> None:
    status = V2StageStatus(stage=2, instance_id="i", started_at=WHEN, temporal_run_id="r")
    instance = V2WorkflowInstance(
        id="i",
        workflow_id="w",
        created_at=WHEN,
        updated_at=WHEN.astimezone(UTC),
        terminated=False,
        status=[status],
    )

    assert to_wire(instance).unwrap() == {
        "id": "i",
        "workflowID": "w",
        "createdAt": "2024-09-23T10:00:00.123456+02:00",
        "updatedAt": "2024-09-23T08:00:00.123456+00:00",
        "terminated": False,
        "status": [
            {
                "stage": 2,
                "instanceID": "i",
                "startedAt": "2024-09-23T10:00:00.123456+02:00",
                "temporalRunID": "r",
            }
        ],
    }
    assert to_json(V2Monetary(asset="USD/2", amount=2**100)).unwrap() == (
        '{"asset":"USD/2","amount":1267650600228229401496703205376}'
    )


def test_request_side_amounts_follow_the_wire_rule() -> None:
    config = V2WorkflowConfig(stages=[send_stage(2**64), send_stage(2**53 - 1)], name="n")

    data = to_wire(config).unwrap()

    assert [stage["send"]["amount"]["amount"] for stage in data["stages"]] == [
        "18446744073709551616",
        9007199254740991,
    ]
    assert from_wire(V2WorkflowConfig, data).unwrap() == config
    # History inputs are responses: their amounts stay JSON numbers.
    assert to_wire(V2Monetary(asset="X", amount=2**64)).unwrap()["amount"] == 2**64


def test_answers_decode_as_from_wire_reads_them() -> None:
    text = json.dumps(instance_json())

    instance = from_json(V2WorkflowInstance, text).unwrap()

    assert instance.created_at == datetime.fromisoformat(NANOS[:26] + NANOS[29:])
    assert from_wire(V2WorkflowInstance, to_wire(instance).unwrap()) == Ok(instance)


def test_builders_and_lists_have_a_wire_form() -> None:
    stages = [
        Send(amount=Monetary("USD/2", 2**64), source=Account("a"), destination=Account("b")),
        Delay(duration=timedelta(minutes=90)),
        {"wait_event": {"event": "paid"}},
    ]

    assert to_wire(stages).unwrap() == [
        {
            "send": {
                "amount": {"asset": "USD/2", "amount": "18446744073709551616"},
                "source": {"account": {"id": "a"}},
                "destination": {"account": {"id": "b"}},
            }
        },
        {"delay": {"duration": "1h30m"}},
        {"wait_event": {"event": "paid"}},
    ]
    page = CursorPage(page_size=1, data=[V2WorkflowConfig(stages=[])])
    assert to_wire(page).unwrap() == {
        "pageSize": 1,
        "hasMore": False,
        "data": [{"stages": []}],
    }
    assert from_wire(CursorPage[V2WorkflowConfig], to_wire(page).unwrap()) == Ok(page)


def test_subclasses_of_json_types_become_plain_values() -> None:
    class Level(enum.IntEnum):
        HIGH = 2

    data = to_wire({"code": ErrorCode.INTERNAL, "level": Level.HIGH, "x": (1, 2)}).unwrap()

    assert data == {"code": "INTERNAL", "level": 2, "x": [1, 2]}
    assert [type(value) for value in data.values()] == [str, int, list]
    error = from_wire(V2Error, {"errorCode": "X", "details": [Level.HIGH, ErrorCode.INTERNAL]})
    assert [type(value) for value in error.unwrap().details] == [int, str]


def test_indented_and_sorted_json() -> None:
    config = V2WorkflowConfig(stages=[], name="n")

    assert to_json(config, indent=2, sort_keys=True).unwrap() == (
        '{\n  "name": "n",\n  "stages": []\n}'
    )


# --- errors: values, never exceptions ----------------------------------------------------


def error_of(result: Any) -> WireFormatError:
    assert isinstance(result, Err), result
    assert isinstance(result.error, WireFormatError)
    return result.error


@pytest.mark.parametrize(
    ("data", "path", "reason"),
    [
        ([], "$", "expected an object"),
        ({**instance_json(), "id": 5}, "$.id", "expected a string, got number"),
        (
            {**instance_json(), "status": [instance_json()["status"][0], {"stage": 1}]},
            "$.status[1].instanceID",
            "missing",
        ),
        (
            {
                **instance_json(),
                "status": [{**instance_json()["status"][0], "startedAt": "yesterday"}],
            },
            "$.status[0].startedAt",
            "isoformat",
        ),
        ({**instance_json(), "status": [{"stage": "1"}]}, "$.status[0].stage", "a number"),
    ],
)
def test_from_wire_names_the_json_path(data: Any, path: str, reason: str) -> None:
    error = error_of(from_wire(V2WorkflowInstance, data))

    assert error.path == path
    assert reason in error.reason
    assert error.message == f"not a valid wire form at {path}: {error.reason}"
    assert error_of(from_json(V2WorkflowInstance, json.dumps(data))).path == path


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("{", "not valid JSON"),
        (b"\xff", "not valid JSON"),
        ("", "not valid JSON"),
        ("[" * 100_000, "nested too deeply"),
    ],
)
def test_from_json_refuses_what_is_not_json(text: Any, reason: str) -> None:
    error = error_of(from_json(V2WorkflowInstance, text))

    assert error.path == "$"
    assert reason in error.reason


def test_from_wire_refuses_what_is_not_json() -> None:
    data = {**instance_json(), "status": [{**instance_json()["status"][0], "error": object()}]}
    assert error_of(from_wire(V2WorkflowInstance, data)).path == '$["status"][0]["error"]'
    assert error_of(from_wire(V2Error, {"errorCode": "X", "details": [float("inf")]})).path == (
        '$["details"][0]'
    )
    assert "keys must be strings" in error_of(from_wire(V2Error, {1: "x"})).reason


def test_deep_or_self_containing_data_is_refused_not_raised() -> None:
    looped: dict[str, Any] = {"errorCode": "X"}
    looped["details"] = looped
    deep: Any = []
    for _ in range(600):  # within what the JSON parser reads, beyond what may be structured
        deep = [deep]

    for result in (
        from_wire(V2Error, looped),
        from_wire(V2Error, {"errorCode": "X", "details": deep}),
        from_json(V2Error, '{"errorCode": "X", "details": ' + "[" * 600 + "]" * 600 + "}"),
    ):
        error = error_of(result)
        assert error.path == "$"
        assert "nested more than" in error.reason


def test_the_model_shares_nothing_with_the_data() -> None:
    data = {"stages": [{"delay": {"duration": "1s"}}], "name": "n"}

    config = from_wire(V2WorkflowConfig, data).unwrap()
    data["stages"][0]["delay"]["duration"] = "2s"

    assert config.stages == [{"delay": {"duration": "1s"}}]


def test_from_wire_refuses_what_no_model_reads() -> None:
    assert error_of(from_wire(V2Workflow, object())).path == "$"
    assert error_of(from_wire(object, {})).path == "$"
    assert error_of(from_json(V2Workflow, None)).path == "$"


def test_to_wire_names_the_path_of_what_has_no_wire_form() -> None:
    instance = from_json(V2WorkflowInstance, json.dumps(instance_json())).unwrap()
    bad_status = attrs.evolve(instance.status[1], stage="1")
    bad = attrs.evolve(instance, status=[instance.status[0], bad_status])

    assert error_of(to_wire(bad)).path == "$.status[1].stage"
    assert error_of(to_wire([instance, bad])).path == "$[1].status[1].stage"
    assert error_of(to_wire(attrs.evolve(instance, created_at="now"))).path == "$.createdAt"
    nan = V2WorkflowConfig(stages=[{"delay": {"x": float("nan")}}])
    assert error_of(to_wire(nan)).path == '$["stages"][0]["delay"]["x"]'
    assert error_of(to_wire({"k": {1: "v"}})).path == '$["k"]'
    assert "has no JSON form" in error_of(to_wire({"k": object()})).reason
    assert error_of(to_json(object())).path == "$"
    assert error_of(to_wire(V2WorkflowConfig(stages=[{"send": {"amount": {"amount": 10**5000}}}])))
