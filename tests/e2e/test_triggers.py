"""Triggers end to end: create, read, list, delete, test, occurrences, and published events."""

from __future__ import annotations

from formance_orch import Err, Ok, SDKCore
from formance_orch.emulator import Emulator
from formance_orch.funcs.orchestration_v2_create_trigger import orchestration_v2_create_trigger
from formance_orch.funcs.orchestration_v2_create_workflow import orchestration_v2_create_workflow
from formance_orch.funcs.orchestration_v2_delete_trigger import orchestration_v2_delete_trigger
from formance_orch.funcs.orchestration_v2_get_instance import orchestration_v2_get_instance
from formance_orch.funcs.orchestration_v2_list_triggers import orchestration_v2_list_triggers
from formance_orch.funcs.orchestration_v2_list_triggers_occurrences import (
    orchestration_v2_list_triggers_occurrences,
)
from formance_orch.funcs.orchestration_v2_read_trigger import orchestration_v2_read_trigger
from formance_orch.funcs.orchestration_v2_test_trigger import orchestration_v2_test_trigger
from formance_orch.stages import Account, Monetary, Send
from tests.e2e.conftest import unknown, wire_error


async def payout_workflow(core: SDKCore) -> str:
    stage = Send(
        amount=Monetary("USD/2", "${amount}"),
        source=Account("world"),
        destination=Account("users:${user}"),
    )
    return (await orchestration_v2_create_workflow(core, stages=[stage])).unwrap().id


async def test_a_trigger_fires_when_its_filter_turns_true(emu: Emulator, core: SDKCore) -> None:
    flow = await payout_workflow(core)
    trigger = (
        await orchestration_v2_create_trigger(
            core,
            name="big payments",
            event="SAVED_PAYMENT",
            workflow_id=flow,
            filter='event.status == "SUCCEEDED"',
            vars={"amount": "event.amount", "user": "event.user"},
        )
    ).unwrap()

    emu.publish("SAVED_PAYMENT", {"id": "p1", "status": "PENDING", "amount": 10, "user": "u1"})
    not_yet = (await orchestration_v2_list_triggers_occurrences(core, trigger.id)).unwrap()
    emu.publish("SAVED_PAYMENT", {"id": "p2", "status": "SUCCEEDED", "amount": 42, "user": "u2"})
    await emu.settle()
    fired = (await orchestration_v2_list_triggers_occurrences(core, trigger.id)).unwrap()

    assert not_yet.data == []
    assert len(fired.data) == 1
    occurrence = fired.data[0]
    assert occurrence.workflow_instance_id is not None
    assert occurrence.event["payload"]["id"] == "p2"
    instance = (await orchestration_v2_get_instance(core, occurrence.workflow_instance_id)).unwrap()
    assert instance.terminated
    assert instance.error is None
    assert emu.balance("users:u2", "USD/2") == 42


async def test_saved_payment_fires_once_per_id_on_the_server(
    emu: Emulator, core: SDKCore, behaviour: str
) -> None:
    flow = await payout_workflow(core)
    trigger = (
        await orchestration_v2_create_trigger(
            core,
            event="SAVED_PAYMENT",
            workflow_id=flow,
            vars={"amount": "event.amount", "user": "event.user"},
        )
    ).unwrap()

    emu.publish("SAVED_PAYMENT", {"id": "p1", "amount": 1, "user": "u"})
    emu.publish("SAVED_PAYMENT", {"id": "p1", "amount": 1, "user": "u"})
    fired = (await orchestration_v2_list_triggers_occurrences(core, trigger.id)).unwrap()

    assert len(fired.data) == (1 if behaviour == "server" else 2)


async def test_create_read_list_delete(core: SDKCore) -> None:
    flow = await payout_workflow(core)
    created = (
        await orchestration_v2_create_trigger(
            core, name="Nightly", event="SAVED_ACCOUNT", workflow_id=flow
        )
    ).unwrap()

    read = (await orchestration_v2_read_trigger(core, created.id)).unwrap()
    by_name = (await orchestration_v2_list_triggers(core, name="night")).unwrap()
    other = (await orchestration_v2_list_triggers(core, name="daily")).unwrap()
    deleted = await orchestration_v2_delete_trigger(core, created.id)
    gone = await orchestration_v2_read_trigger(core, created.id)
    again = await orchestration_v2_delete_trigger(core, created.id)

    assert read.id == created.id
    assert read.workflow is None
    assert read.name == "Nightly"
    assert [item.id for item in by_name.data] == [created.id]
    assert other.data == []
    assert isinstance(deleted, Ok)
    assert isinstance(gone, Err)
    assert wire_error(gone) == (
        404,
        "NOT_FOUND",
        "sql: no rows in result set",
    )
    assert isinstance(again, Err)
    assert again.error.status == 404


async def test_create_refusals(core: SDKCore) -> None:
    flow = await payout_workflow(core)

    no_event = await orchestration_v2_create_trigger(
        core, trigger={"workflowID": flow, "event": ""}
    )
    no_workflow = await orchestration_v2_create_trigger(
        core, trigger={"event": "X", "workflowID": ""}
    )
    unknown_workflow = await orchestration_v2_create_trigger(core, event="X", workflow_id="nope")
    bad_filter = await orchestration_v2_create_trigger(
        core, event="X", workflow_id=flow, filter="event.a =="
    )

    assert wire_error(no_event) == (400, "VALIDATION", "validating data: missing event")
    assert wire_error(no_workflow) == (400, "VALIDATION", "validating data: missing workflow id")
    assert wire_error(unknown_workflow) == (404, "NOT_FOUND", "workflow does not exists")
    assert isinstance(bad_filter, Err)
    status, code, message = wire_error(bad_filter)
    assert (status, code) == (400, "VALIDATION")
    assert message.startswith("validating data: error compiling expression 'event.a ==': ")


async def test_test_trigger_uses_the_body_as_the_event(core: SDKCore, behaviour: str) -> None:
    flow = await payout_workflow(core)
    trigger = (
        await orchestration_v2_create_trigger(
            core,
            event="X",
            workflow_id=flow,
            filter="event.amount > 10",
            vars={"amount": "event.amount", "user": "event.user"},
        )
    ).unwrap()

    low = (await orchestration_v2_test_trigger(core, trigger.id, payload={"amount": 5})).unwrap()
    high = (
        await orchestration_v2_test_trigger(
            core, trigger.id, payload={"amount": 1.2e6, "user": "u"}
        )
    ).unwrap()
    missing = await orchestration_v2_test_trigger(core, "nope", payload={})

    assert low.filter is not None
    assert low.filter.match is False
    assert low.variables == {}  # null: the filter did not match
    assert high.filter is not None
    assert high.filter.match is True
    assert high.variables["amount"].value == "1200000"
    assert high.variables["user"].value == "u"
    assert isinstance(missing, Err)
    assert missing.error.status == unknown(behaviour)


async def test_unknown_trigger_occurrences(core: SDKCore, behaviour: str) -> None:
    result = await orchestration_v2_list_triggers_occurrences(core, "nope")

    if behaviour == "server":
        assert isinstance(result, Ok)
        assert result.value.data == []
    else:
        assert isinstance(result, Err)
        assert result.error.status == 404


async def test_a_link_error_records_an_occurrence_without_instance(
    emu: Emulator, core: SDKCore
) -> None:
    flow = await payout_workflow(core)
    trigger = (
        await orchestration_v2_create_trigger(
            core, event="X", workflow_id=flow, vars={"user": 'link(event, "owner")'}
        )
    ).unwrap()

    emu.publish("X", {"links": []})
    occurrences = (await orchestration_v2_list_triggers_occurrences(core, trigger.id)).unwrap()

    assert len(occurrences.data) == 1
    occurrence = occurrences.data[0]
    assert occurrence.workflow_instance_id is None
    assert occurrence.error is not None
    assert "link 'owner' not defined for object (type: APPLICATION, retryable: false)" in (
        occurrence.error
    )


async def test_a_variable_that_is_no_json_number_is_its_error(
    emu: Emulator, core: SDKCore, behaviour: str
) -> None:
    flow = await payout_workflow(core)
    trigger = (
        await orchestration_v2_create_trigger(
            core,
            event="X",
            workflow_id=flow,
            vars={"amount": "0.0/0", "user": "-1/0.0", "fine": '"u"'},
        )
    ).unwrap()

    tested = (await orchestration_v2_test_trigger(core, trigger.id, payload={})).unwrap()
    fired = emu.publish("X", {})

    assert tested.variables["amount"].error == "json: unsupported value: NaN"
    assert tested.variables["user"].error == "json: unsupported value: -Inf"
    assert tested.variables["fine"].value == "u"
    # An ordinary (retryable) error: retried forever on the server, recorded in the contract.
    if behaviour == "server":
        assert fired == []
    else:
        assert [occurrence.error for occurrence in fired] == ["json: unsupported value: NaN"]
        assert fired[0].instance is None


async def test_link_follows_the_emulator_and_a_missing_target_is_an_ordinary_error(
    emu: Emulator, core: SDKCore, behaviour: str
) -> None:
    flow = await payout_workflow(core)
    wallet = emu.seed_wallet("owner_wallet")
    created = await orchestration_v2_create_trigger(
        core, event="X", workflow_id=flow, vars={"amount": "1", "user": 'link(event, "owner").name'}
    )
    assert isinstance(created, Ok)
    found = {"links": [{"name": "owner", "uri": f"/_emulator/wallets/{wallet['id']}"}]}
    missing = {"links": [{"name": "owner", "uri": "/_emulator/wallets/nope"}]}

    fired = emu.publish("X", found)
    failed = emu.publish("X", missing)
    await emu.settle()

    assert [occurrence.error for occurrence in fired] == [None]
    assert emu.balance("users:owner_wallet", "USD/2") == 1
    # Not a link refusal: retried forever on the server, recorded in the contract.
    if behaviour == "server":
        assert failed == []
    else:
        assert [occurrence.error for occurrence in failed] == [
            "GET /_emulator/wallets/nope: 404 Not Found"
        ]
