"""Every operation, on the wire: the request, the decoded answer, the errors.

Each case states the exact request the operation must send and a realistic
answer. Both are also checked against the OpenAPI contract (skipped when it
is absent).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta, timezone
from typing import Any

import attrs
import pytest

from formance_orch import (
    APIError,
    Err,
    ErrorCode,
    Ok,
    RetryConfig,
    SDKCore,
    UnexpectedResponseError,
)
from formance_orch import funcs as f
from formance_orch.funcs import OPERATIONS
from formance_orch.models.activities import (
    V2Connector,
    V2LedgerAccountSubject,
    V2PaymentScheme,
    V2PaymentStatus,
    V2PaymentType,
    V2WalletSubject,
)
from formance_orch.models.history import V2StageDelay, V2StageSend, V2StageWaitEvent, V2Update
from formance_orch.stages import Delay, WaitEvent
from tests import bodies
from tests.contract import contract
from tests.support import API, Reply

PLUS_TWO = timezone(timedelta(hours=2))
ODD_ID = "id/ä ..?"
ODD_ID_WIRE = "id%2F%C3%A4%20..%3F"


@attrs.frozen
class Case:
    """One operation: how to call it, what must go out, what comes back."""

    operation: str
    call: Callable[[SDKCore], Awaitable[Any]]
    method: str
    path: str
    status: int = 200
    answer: Any = None
    query: dict[str, str] = attrs.field(factory=dict)
    body: Any = None
    check: Callable[[Any], None] = lambda value: None


def check_workflow(value: Any) -> None:
    assert value.id == "wf-1"
    assert value.config.stages == [{"delay": {"duration": "1m"}}]
    assert value.deleted_at is None
    assert value.created_at.tzinfo == PLUS_TWO


def check_instance(value: Any) -> None:
    assert value.id == "inst-1"
    assert [status.temporal_run_id for status in value.status] == ["run-0", "run-1", "run-2"]


def check_trigger(value: Any) -> None:
    assert value.id == "trg-1"
    assert value.workflow_id == "wf-1"
    assert value.vars == {"amount": "event.amount", "asset": "event.asset"}
    assert value.workflow is not None
    assert value.workflow.id == "wf-1"


def check_instance_history(value: Any) -> None:
    assert [type(entry.input) for entry in value] == [
        V2StageSend,
        V2StageDelay,
        V2StageWaitEvent,
        V2Update,
    ]
    assert value[0].input.amount.amount == 36893488147419103000
    assert value[0].input.destination.wallet.balance == "main"
    assert value[1].input.duration == "1m30s"
    assert value[3].error == "account not found"


def check_stage_history(value: Any) -> None:
    by_name = {entry.name: entry for entry in value}
    assert len(by_name) == 11
    account = by_name["GetAccount"].output.get_account.data
    assert account.volumes["USD/2"].balance == 80
    assert account.effective_volumes["USD/2"].balance is None
    transaction = by_name["CreateTransaction"].output.create_transaction.data[0]
    assert transaction.txid == 2**64
    assert transaction.postings[0].destination == "users:1"
    payment = by_name["GetPayment"].output.get_payment.data
    assert payment.type is V2PaymentType.PAY_IN
    assert payment.status is V2PaymentStatus.SUCCEEDED
    assert payment.scheme is V2PaymentScheme.SEPA_DEBIT
    assert payment.provider is V2Connector.STRIPE
    assert payment.adjustments[0].absolute is True
    credit = by_name["CreditWallet"].input.credit_wallet.data
    assert credit.amount.amount == 12345678901234567890123
    assert [type(source) for source in credit.sources] == [V2LedgerAccountSubject, V2WalletSubject]
    hold = by_name["DebitWallet"].output.debit_wallet.data
    assert hold.destination == V2LedgerAccountSubject(identifier="merchant:1")
    wallet = by_name["GetWallet"].output.get_wallet.data
    assert wallet.balances.main.assets == {"USD/2": 2**70}
    assert by_name["ListWallets"].output.list_wallets.cursor.data[0].name == "main-wallet"
    assert by_name["StripeTransfer"].input.stripe_transfer.waiting_validation is False
    assert by_name["ConfirmHold"].input.confirm_hold.id == "hold-1"


def check_occurrences(value: Any) -> None:
    occurrence = value.data[0]
    assert occurrence.id == "occ-1"
    assert occurrence.workflow_instance.id == "inst-1"
    assert occurrence.event["payload"]["amount"] == 100


def check_trigger_test(value: Any) -> None:
    assert value.filter.match is True
    assert value.variables["amount"].value == "100"
    assert value.variables["missing"].error == "undefined: event.x"


def is_none(value: Any) -> None:
    assert value is None


CASES = [
    Case(
        "orchestration_v2_get_server_info",
        lambda core: f.orchestration_v2_get_server_info(core),
        "GET",
        "/v2/_info",
        answer={"version": "v2.0.18"},
        check=lambda value: value.version == "v2.0.18" or pytest.fail(str(value)),
    ),
    Case(
        "orchestration_v2_list_workflows",
        lambda core: f.orchestration_v2_list_workflows(core, page_size=2, cursor="YWJj"),
        "GET",
        "/v2/workflows",
        answer=bodies.page([bodies.workflow_json(), bodies.workflow_json("wf-2")]),
        query={"pageSize": "2", "cursor": "YWJj"},
        check=lambda page: [w.id for w in page.data] == ["wf-1", "wf-2"] or pytest.fail(str(page)),
    ),
    Case(
        "orchestration_v2_create_workflow",
        lambda core: f.orchestration_v2_create_workflow(
            core, name="payout", stages=[Delay(duration="1m"), {"wait_event": {"event": "go"}}]
        ),
        "POST",
        "/v2/workflows",
        status=201,
        answer={"data": bodies.workflow_json()},
        body={
            "name": "payout",
            "stages": [{"delay": {"duration": "1m"}}, {"wait_event": {"event": "go"}}],
        },
        check=check_workflow,
    ),
    Case(
        "orchestration_v2_get_workflow",
        lambda core: f.orchestration_v2_get_workflow(core, ODD_ID),
        "GET",
        f"/v2/workflows/{ODD_ID_WIRE}",
        answer={"data": bodies.workflow_json()},
        check=check_workflow,
    ),
    Case(
        "orchestration_v2_delete_workflow",
        lambda core: f.orchestration_v2_delete_workflow(core, ODD_ID),
        "DELETE",
        f"/v2/workflows/{ODD_ID_WIRE}",
        status=204,
        check=is_none,
    ),
    Case(
        "orchestration_v2_run_workflow",
        lambda core: f.orchestration_v2_run_workflow(
            core, ODD_ID, variables={"amount": "100", "user": "users:1"}, wait=True
        ),
        "POST",
        f"/v2/workflows/{ODD_ID_WIRE}/instances",
        status=201,
        answer={"data": bodies.instance_json("inst-1")},
        query={"wait": "true"},
        body={"amount": "100", "user": "users:1"},
        check=check_instance,
    ),
    Case(
        "orchestration_v2_list_instances",
        lambda core: f.orchestration_v2_list_instances(
            core, workflow_id="wf-1", running=False, page_size=1000
        ),
        "GET",
        "/v2/instances",
        answer=bodies.page([bodies.instance_json("inst-1")]),
        query={"workflowID": "wf-1", "running": "false", "pageSize": "1000"},
        check=lambda page: check_instance(page.data[0]),
    ),
    Case(
        "orchestration_v2_get_instance",
        lambda core: f.orchestration_v2_get_instance(core, ODD_ID),
        "GET",
        f"/v2/instances/{ODD_ID_WIRE}",
        answer={"data": bodies.instance_json("inst-1")},
        check=check_instance,
    ),
    Case(
        "orchestration_v2_send_event",
        lambda core: f.orchestration_v2_send_event(core, ODD_ID, name="confirmed"),
        "POST",
        f"/v2/instances/{ODD_ID_WIRE}/events",
        status=204,
        body={"name": "confirmed"},
        check=is_none,
    ),
    Case(
        "orchestration_v2_cancel_event",
        lambda core: f.orchestration_v2_cancel_event(core, ODD_ID),
        "PUT",
        f"/v2/instances/{ODD_ID_WIRE}/abort",
        status=204,
        check=is_none,
    ),
    Case(
        "orchestration_v2_get_instance_history",
        lambda core: f.orchestration_v2_get_instance_history(core, ODD_ID),
        "GET",
        f"/v2/instances/{ODD_ID_WIRE}/history",
        answer={"data": bodies.instance_history_json()},
        check=check_instance_history,
    ),
    Case(
        "orchestration_v2_get_instance_stage_history",
        lambda core: f.orchestration_v2_get_instance_stage_history(core, ODD_ID, 3),
        "GET",
        f"/v2/instances/{ODD_ID_WIRE}/stages/3/history",
        answer={"data": bodies.stage_history_json()},
        check=check_stage_history,
    ),
    Case(
        "orchestration_v2_list_triggers",
        lambda core: f.orchestration_v2_list_triggers(core, name="pay outs"),
        "GET",
        "/v2/triggers",
        answer=bodies.page([bodies.trigger_json()]),
        query={"name": "pay outs"},
        check=lambda page: check_trigger(page.data[0]),
    ),
    Case(
        "orchestration_v2_create_trigger",
        lambda core: f.orchestration_v2_create_trigger(
            core,
            event="SAVED_PAYMENT",
            workflow_id="wf-1",
            filter='event.status == "SUCCEEDED"',
            vars={"amount": "event.amount"},
            name="pay-outs",
        ),
        "POST",
        "/v2/triggers",
        status=201,
        answer={"data": bodies.trigger_json()},
        body={
            "event": "SAVED_PAYMENT",
            "workflowID": "wf-1",
            "filter": 'event.status == "SUCCEEDED"',
            "vars": {"amount": "event.amount"},
            "name": "pay-outs",
        },
        check=check_trigger,
    ),
    Case(
        "orchestration_v2_read_trigger",
        lambda core: f.orchestration_v2_read_trigger(core, ODD_ID),
        "GET",
        f"/v2/triggers/{ODD_ID_WIRE}",
        answer={"data": bodies.trigger_json()},
        check=check_trigger,
    ),
    Case(
        "orchestration_v2_delete_trigger",
        lambda core: f.orchestration_v2_delete_trigger(core, ODD_ID),
        "DELETE",
        f"/v2/triggers/{ODD_ID_WIRE}",
        status=204,
        check=is_none,
    ),
    Case(
        "orchestration_v2_test_trigger",
        lambda core: f.orchestration_v2_test_trigger(
            core, ODD_ID, payload={"status": "SUCCEEDED", "amount": 100}
        ),
        "POST",
        f"/v2/triggers/{ODD_ID_WIRE}/test",
        answer={"data": bodies.trigger_test_json()},
        body={"status": "SUCCEEDED", "amount": 100},
        check=check_trigger_test,
    ),
    Case(
        "orchestration_v2_list_triggers_occurrences",
        lambda core: f.orchestration_v2_list_triggers_occurrences(core, ODD_ID, page_size=5),
        "GET",
        f"/v2/triggers/{ODD_ID_WIRE}/occurrences",
        answer=bodies.page([bodies.occurrence_json()]),
        query={"pageSize": "5"},
        check=check_occurrences,
    ),
]
IDS = [case.operation.removeprefix("orchestration_v2_") for case in CASES]


def reply_for(case: Case) -> Reply:
    if case.status == 204:
        return Reply(status=204, body=None, content_type=None)
    return Reply(status=case.status, json=case.answer)


def test_every_operation_has_a_case() -> None:
    assert sorted(case.operation for case in CASES) == sorted(OPERATIONS)
    assert len(OPERATIONS) == 18


@pytest.mark.parametrize("case", CASES, ids=IDS)
async def test_request_on_the_wire_and_decoded_answer(server, core, case: Case) -> None:
    server.reply(reply_for(case))

    result = await case.call(core)

    assert isinstance(result, Ok), result
    (request,) = server.requests
    assert request.method == case.method
    assert request.raw_path.split("?")[0] == API + case.path
    assert request.query == case.query
    assert request.headers["Authorization"] == "Bearer token-1"
    if case.body is None:
        assert request.body == b""
        assert "Content-Type" not in request.headers
    else:
        assert request.headers["Content-Type"] == "application/json"
        assert request.json == case.body
    assert result.meta.status == case.status
    case.check(result.value)


@pytest.mark.parametrize("case", CASES, ids=IDS)
async def test_request_and_answer_fit_the_contract(server, core, case: Case) -> None:
    spec = contract()
    server.reply(reply_for(case))

    await case.call(core)

    (request,) = server.requests
    spec.check_request(request)
    spec.check_response(case.method, request.raw_path, case.status, case.answer)


@pytest.mark.parametrize("case", CASES, ids=IDS)
async def test_v2_error_bodies_become_api_errors(server, make_core, case: Case) -> None:
    core = make_core(retries=RetryConfig.none())
    error = {"errorCode": "VALIDATION", "errorMessage": "bad input", "details": {"field": "x"}}
    server.reply(Reply(status=400, json=error))

    result = await case.call(core)

    assert isinstance(result, Err)
    assert isinstance(result.error, APIError)
    assert result.error.status == 400
    assert result.error.error_code is ErrorCode.VALIDATION
    assert result.error.details == {"field": "x"}
    contract().check_response(case.method, server.requests[-1].raw_path, 400, error)


@pytest.mark.parametrize("case", CASES, ids=IDS)
async def test_non_json_error_bodies_are_unexpected(server, make_core, case: Case) -> None:
    core = make_core(retries=RetryConfig.none())
    server.reply(Reply(status=502, body="<html>502 Bad Gateway</html>", content_type="text/html"))

    result = await case.call(core)

    assert isinstance(result, Err)
    assert isinstance(result.error, UnexpectedResponseError)
    assert result.error.status == 502
    assert "502 Bad Gateway" in result.error.body


async def test_wait_event_builder_and_raw_stage_mix(server, core) -> None:
    server.reply(Reply(status=201, json={"data": bodies.workflow_json()}))

    await f.orchestration_v2_create_workflow(core, stages=[WaitEvent("paid")])

    assert server.requests[0].json == {"stages": [{"wait_event": {"event": "paid"}}]}
