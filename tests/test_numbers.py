"""Fields the contract types as ``number`` accept any JSON number.

The contract's mock server fills them with values such as ``54191615.1``;
the real server sends integers. Either way the answer decodes: an integral
number is an ``int`` (so a stage number can index and be passed on), any
other a ``float``.
"""

from __future__ import annotations

import json
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from formance_orch import Ok, RetryConfig, _json, _serde, paginate
from formance_orch.funcs.orchestration_v2_get_instance import orchestration_v2_get_instance
from formance_orch.funcs.orchestration_v2_list_instances import orchestration_v2_list_instances
from formance_orch.funcs.orchestration_v2_list_triggers_occurrences import (
    orchestration_v2_list_triggers_occurrences,
)
from formance_orch.funcs.orchestration_v2_run_workflow import orchestration_v2_run_workflow
from tests.bodies import occurrence_json, page
from tests.contract import _load as load_contract
from tests.contract import contract
from tests.support import Reply, instance_json
from tests.test_roundtrip import MODELS, Generator

MOCK_STAGE = 54191615.1  # what the contract's mock server sent

numbers = (
    st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.sampled_from([0.0, 3.0, 1e21, 2.0**64, -0.0, 0.1, MOCK_STAGE])
)


def number_fields(spec: dict[str, Any]) -> list[tuple[str, str]]:
    """Every (schema, property) the contract types as ``number``, ``allOf`` parts included."""
    schemas = spec["components"]["schemas"]
    found = []
    for name, schema in schemas.items():
        parts = [schema, *schema.get("allOf", [])]
        for part in parts:
            for prop, sub in part.get("properties", {}).items():
                if sub.get("type") == "number" or "number" in (sub.get("type") or []):
                    found.append((name, prop))
    return found


def field_of(model: Any, wire: str) -> str:
    cls = getattr(model, "__origin__", model)
    (field,) = [f.name for f in attrs.fields(cls) if _serde.field_wire_name(f) == wire]
    return field


def test_the_contract_has_number_fields_and_the_sdk_models_them() -> None:
    found = number_fields(contract().spec)

    assert ("V2StageStatus", "stage") in found
    assert {name for name, _ in found} <= set(MODELS)


_LOADED = load_contract()
# Empty without ../shared: the test is then reported as skipped.
NUMBER_FIELDS = number_fields(_LOADED.spec) if _LOADED is not None else []


@pytest.mark.parametrize("where", NUMBER_FIELDS, ids=str)
def test_every_number_field_decodes_any_json_number(where: tuple[str, str]) -> None:
    name, prop = where
    spec = contract().spec
    model = MODELS[name]
    field = field_of(model, prop)
    strategy = Generator(spec).strategy(spec["components"]["schemas"][name])
    detailed = _serde._detailed_converter()

    @settings(
        max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True
    )
    @given(strategy, numbers)
    def decodes(data: dict[str, Any], number: int | float) -> None:
        data = {**data, prop: number}
        # As it arrives: parsed from JSON text, with and without literal-keeping floats.
        for exact in (False, True):
            wire = _json.loads(json.dumps(data).encode(), exact_numbers=exact)
            for converter in (_serde.converter, detailed):
                value = getattr(converter.structure(wire, model), field)
                assert value == number
                integral = float(number).is_integer()
                assert type(value) is (int if integral else float)
                if integral:
                    assert value == int(number)

    decodes()


def test_a_number_field_still_refuses_what_is_not_a_number() -> None:
    from formance_orch.models.instances import V2StageStatus

    for bad, kind in (("3", "string"), (True, "boolean"), (None, "null"), ([], "array")):
        data = {"stage": bad, "instanceID": "i", "startedAt": "2024-01-01T00:00:00Z"}
        with pytest.raises(TypeError, match=f"expected a number, got {kind}"):
            _serde.converter.structure(data, V2StageStatus)
        assert _serde.locate_failure(data, V2StageStatus) == (
            "$.stage",
            f"expected a number, got {kind}",
        )
    # Python's parser reads NaN and Infinity, which are not JSON numbers.
    for literal in (b"NaN", b"Infinity", b"-Infinity"):
        data = {
            "stage": _json.loads(literal),
            "instanceID": "i",
            "startedAt": "2024-01-01T00:00:00Z",
        }
        with pytest.raises(ValueError, match="expected a number, got"):
            _serde.converter.structure(data, V2StageStatus)


def mock_instance(instance_id: str = "inst-1") -> dict[str, Any]:
    """An instance as the contract's mock server answers: a fractional stage number."""
    body = instance_json(instance_id)
    body["status"][1]["stage"] = MOCK_STAGE
    return body


@pytest.fixture
def core(make_core):
    return make_core(retries=RetryConfig.none())


async def test_get_instance_accepts_a_fractional_stage(server, core) -> None:
    server.reply(Reply(json={"data": mock_instance()}))

    result = await orchestration_v2_get_instance(core, "inst-1")

    assert isinstance(result, Ok), result
    stages = [status.stage for status in result.value.status]
    assert stages == [0, MOCK_STAGE, 2]
    assert [type(stage) for stage in stages] == [int, float, int]


async def test_run_workflow_accepts_a_fractional_stage(server, core) -> None:
    server.reply(Reply(status=201, json={"data": mock_instance()}))

    result = await orchestration_v2_run_workflow(core, "wf-1")

    assert isinstance(result, Ok), result
    assert result.value.status[1].stage == MOCK_STAGE


async def test_list_operations_accept_a_fractional_stage(server, core) -> None:
    server.reply(Reply(json=page([mock_instance("a"), mock_instance("b")], hasMore=False)))
    instances = await orchestration_v2_list_instances(core)
    assert isinstance(instances, Ok), instances
    assert [i.status[1].stage for i in instances.value.data] == [MOCK_STAGE, MOCK_STAGE]

    server.reply(Reply(json=page([occurrence_json(workflowInstance=mock_instance())])))
    occurrences = await orchestration_v2_list_triggers_occurrences(core, "trg-1")
    assert isinstance(occurrences, Ok), occurrences
    instance = occurrences.value.data[0].workflow_instance
    assert instance is not None
    assert instance.status[1].stage == MOCK_STAGE


async def test_the_readme_paginate_example_runs_on_mock_answers(server, core) -> None:
    first = page([mock_instance("a")], next="c2")
    last = page([mock_instance("b")], hasMore=False)
    del last["cursor"]["next"]
    server.reply(Reply(json=first), Reply(json=last))

    seen = []
    async for instance in paginate(orchestration_v2_list_instances, core, running=True):
        seen.append((instance.id, instance.status[1].stage))

    assert seen == [("a", MOCK_STAGE), ("b", MOCK_STAGE)]
