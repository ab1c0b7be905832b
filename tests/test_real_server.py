"""What the real Go server sends that the contract does not say, per operation."""

from __future__ import annotations

import json

import pytest

from formance_orch import (
    Err,
    Ok,
    ResponseValidationError,
    RetryConfig,
    UnexpectedResponseError,
    to_wire,
)
from formance_orch.funcs.orchestration_v2_get_instance_history import (
    orchestration_v2_get_instance_history,
)
from formance_orch.funcs.orchestration_v2_get_instance_stage_history import (
    orchestration_v2_get_instance_stage_history,
)
from formance_orch.funcs.orchestration_v2_list_triggers import orchestration_v2_list_triggers
from formance_orch.funcs.orchestration_v2_list_triggers_occurrences import (
    orchestration_v2_list_triggers_occurrences,
)
from formance_orch.funcs.orchestration_v2_read_trigger import orchestration_v2_read_trigger
from formance_orch.funcs.orchestration_v2_run_workflow import orchestration_v2_run_workflow
from formance_orch.funcs.orchestration_v2_test_trigger import orchestration_v2_test_trigger
from formance_orch.models.activities import V2ActivityAddAccountMetadata, V2PaymentStatus
from formance_orch.models.history import V2StageSend
from tests.bodies import occurrence_json, stage_history_json, trigger_json
from tests.support import NANOS, Reply, instance_json


@pytest.fixture
def core(make_core):
    return make_core(retries=RetryConfig.none())


def history_with_amount(literal: str) -> Reply:
    """A history whose send amount is the number ``literal``, exactly as written."""
    entry = {
        "name": "send",
        "terminated": True,
        "startedAt": NANOS,
        "input": {
            "amount": {"asset": "USD/2", "amount": "AMOUNT"},
            "source": {"account": {"id": "w"}},
        },
    }
    return Reply(body=json.dumps({"data": [entry]}).replace('"AMOUNT"', literal))


@pytest.mark.parametrize(
    ("literal", "expected"),
    [
        ("36893488147419103000", 36893488147419103000),
        ("1.2345678901234568e+23", 123456789012345680000000),
        ("1e+21", 10**21),
        ("100.0", 100),
    ],
)
async def test_history_amounts_through_float64_decode_exactly(
    server, core, literal, expected
) -> None:
    server.reply(history_with_amount(literal))

    history = (await orchestration_v2_get_instance_history(core, "i")).unwrap()

    stage = history[0].input
    assert isinstance(stage, V2StageSend)
    assert stage.amount is not None
    assert stage.amount.amount == expected
    assert type(stage.amount.amount) is int


async def test_a_non_integral_amount_is_a_validation_error(server, core) -> None:
    server.reply(history_with_amount("1.5"))

    result = await orchestration_v2_get_instance_history(core, "i")

    assert isinstance(result, Err)
    assert isinstance(result.error, ResponseValidationError)
    assert result.error.path == "$.data[0].input.amount.amount"


async def test_history_null_and_unknown_stage_shapes(server, core) -> None:
    server.reply(Reply(json={"data": None}))
    assert (await orchestration_v2_get_instance_history(core, "i")).unwrap() == []

    unknown = {"name": "noop", "terminated": False, "startedAt": NANOS, "input": {"future": 1}}
    server.reply(Reply(json={"data": [unknown]}))
    history = (await orchestration_v2_get_instance_history(core, "i")).unwrap()
    assert history[0].input == {"future": 1}


async def test_stage_history_capitalised_keys(server, core) -> None:
    body = [
        {
            "name": "GetAccount",
            "input": {"GetAccount": {"ID": "users:1", "Ledger": "default"}},
            "terminated": True,
            "startedAt": NANOS,
            "attempt": 2,
        },
        {
            "name": "CreateTransaction",
            "input": {
                "CreateTransaction": {
                    "Ledger": "default",
                    "Data": {
                        "postings": [
                            {
                                "amount": 1e21,
                                "asset": "USD/2",
                                "source": "world",
                                "destination": "a",
                            }
                        ],
                        "metadata": None,
                    },
                }
            },
            "terminated": True,
            "startedAt": NANOS,
            "attempt": 1,
        },
    ]
    server.reply(Reply(json={"data": body}))

    stages = (await orchestration_v2_get_instance_stage_history(core, "i", 0)).unwrap()

    get_account = stages[0].input.get_account
    assert get_account is not None
    assert (get_account.id, get_account.ledger) == ("users:1", "default")
    transaction = stages[1].input.create_transaction
    assert transaction is not None
    assert transaction.ledger == "default"
    assert transaction.data is not None
    assert transaction.data.postings is not None
    assert transaction.data.postings[0].amount == 10**21
    assert transaction.data.metadata == {}


@pytest.mark.parametrize(
    "sent",
    [
        {"ledger": "main", "account": "users:1", "metadata": {"tier": "gold"}},  # the server
        {"ledger": "main", "id": "users:1", "metadata": {"tier": "gold"}},  # the contract
        {"Ledger": "main", "Account": "users:1", "Metadata": {"tier": "gold"}},
        {"ledger": "main", "id": "users:1", "account": "users:2", "metadata": {"tier": "gold"}},
    ],
    ids=["account", "id", "capitalised", "id-preferred"],
)
async def test_add_account_metadata_names_the_account_account_or_id(server, core, sent) -> None:
    entry = {
        "name": "AddAccountMetadata",
        "input": {"AddAccountMetadata": sent},
        "terminated": True,
        "startedAt": NANOS,
        "attempt": 1,
    }
    server.reply(Reply(json={"data": [entry]}))

    stages = (await orchestration_v2_get_instance_stage_history(core, "i", 0)).unwrap()

    update = stages[0].input.add_account_metadata
    assert update == V2ActivityAddAccountMetadata(
        id="users:1", ledger="main", metadata={"tier": "gold"}
    )
    # Written back in the contract's form.
    assert to_wire(update).unwrap() == {
        "id": "users:1",
        "ledger": "main",
        "metadata": {"tier": "gold"},
    }


async def test_add_account_metadata_without_an_account_is_a_validation_error(server, core) -> None:
    entry = {
        "name": "AddAccountMetadata",
        "input": {"AddAccountMetadata": {"ledger": "main", "metadata": {}}},
        "terminated": True,
        "startedAt": NANOS,
    }
    server.reply(Reply(json={"data": [entry]}))

    result = await orchestration_v2_get_instance_stage_history(core, "i", 0)

    assert isinstance(result, Err)
    assert isinstance(result.error, ResponseValidationError)
    assert result.error.path == "$.data[0].input.AddAccountMetadata.id"


async def test_unknown_activities_and_enum_values_are_kept(server, core) -> None:
    body = stage_history_json()
    payment_entry = next(entry for entry in body if entry["name"] == "GetPayment")
    payment = payment_entry["output"]["GetPayment"]["data"]
    payment.update(status="REFUNDED_PARTIALLY", scheme="pix", provider="ADYEN", type="PAY-IN")
    body.append(
        {
            "name": "RevertTransaction",
            "input": {"RevertTransaction": {"id": 3, "ledger": "default"}},
            "output": {"RevertTransaction": {"data": {"txid": 4}}},
            "terminated": True,
            "startedAt": NANOS,
            "attempt": 1,
        }
    )
    server.reply(Reply(json={"data": body}))

    stages = (await orchestration_v2_get_instance_stage_history(core, "i", 1)).unwrap()

    by_name = {stage.name: stage for stage in stages}
    decoded = by_name["GetPayment"].output
    assert decoded is not None
    assert decoded.get_payment is not None
    assert decoded.get_payment.data.status == "REFUNDED_PARTIALLY"
    assert not isinstance(decoded.get_payment.data.status, V2PaymentStatus)
    assert decoded.get_payment.data.scheme == "pix"
    assert decoded.get_payment.data.provider == "ADYEN"
    revert = by_name["RevertTransaction"]
    assert revert.input.other == {"RevertTransaction": {"id": 3, "ledger": "default"}}
    assert revert.output is not None
    assert revert.output.other == {"RevertTransaction": {"data": {"txid": 4}}}


async def test_trigger_without_workflow_and_occurrence_without_instance(server, core) -> None:
    server.reply(Reply(json={"data": trigger_json(workflow=None, vars=None, filter=None)}))
    trigger = (await orchestration_v2_read_trigger(core, "t")).unwrap()
    assert trigger.workflow is None
    assert trigger.vars is None

    failed = occurrence_json(error="workflow not found", workflowInstanceID=None)
    del failed["workflowInstance"]
    server.reply(Reply(json={"cursor": {"pageSize": 15, "hasMore": False, "data": [failed]}}))
    page = (await orchestration_v2_list_triggers_occurrences(core, "t")).unwrap()
    assert page.data[0].workflow_instance is None
    assert page.data[0].error == "workflow not found"


async def test_trigger_test_with_null_filter(server, core) -> None:
    server.reply(Reply(json={"data": {"filter": None, "variables": None}}))

    tested = (await orchestration_v2_test_trigger(core, "t", payload={})).unwrap()

    assert tested.filter is None
    assert tested.variables == {}


async def test_run_and_wait_answers_with_the_instance_still_running(server, core) -> None:
    # wait=true does not wait (REAL-SERVER §4): the answer comes once the run is set up,
    # still running, and the instance's own error is never in it. wait_for_instance waits.
    running = instance_json("i-1", terminated=False, status=None)
    del running["terminatedAt"]
    server.reply(Reply(status=201, json={"data": running}))

    result = await orchestration_v2_run_workflow(core, "wf", wait=True)

    assert isinstance(result, Ok)
    assert not result.value.terminated
    assert result.value.error is None
    assert server.requests[0].query == {"wait": "true"}
    assert server.requests[0].json == {}


async def test_a_recovered_panic_is_an_unexpected_500(server, core) -> None:
    server.reply(Reply(status=500, body=b"", content_type=None))

    result = await orchestration_v2_list_triggers(core)

    assert isinstance(result, Err)
    assert isinstance(result.error, UnexpectedResponseError)
    assert result.error.status == 500
