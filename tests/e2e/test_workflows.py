"""Workflows end to end: create (JSON and YAML), get, list, delete, in both behaviours."""

from __future__ import annotations

import aiohttp

from formance_orch import Err, Ok, SDKCore
from formance_orch.emulator import Emulator
from formance_orch.funcs.orchestration_v2_create_workflow import orchestration_v2_create_workflow
from formance_orch.funcs.orchestration_v2_delete_workflow import orchestration_v2_delete_workflow
from formance_orch.funcs.orchestration_v2_get_server_info import orchestration_v2_get_server_info
from formance_orch.funcs.orchestration_v2_get_workflow import orchestration_v2_get_workflow
from formance_orch.funcs.orchestration_v2_list_workflows import orchestration_v2_list_workflows
from formance_orch.stages import Delay, WaitEvent
from tests.e2e.conftest import unknown, wire_error


async def test_server_info_answers_in_both_behaviours(core: SDKCore) -> None:
    result = await orchestration_v2_get_server_info(core)

    assert isinstance(result, Ok)
    assert result.value.version == "develop"


async def test_v2_info_is_404_plain_text_on_the_server_only(emu: Emulator, behaviour: str) -> None:
    url = emu.url + "/api/orchestration/v2/_info"
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        body = await response.read()
        status = response.status

    if behaviour == "server":
        assert (status, body) == (404, b"404 page not found\n")
    else:
        assert (status, body) == (200, b'{"version":"develop"}\n')


async def test_create_then_get_then_list(core: SDKCore) -> None:
    created = await orchestration_v2_create_workflow(
        core, name="payout", stages=[Delay(duration="90s"), WaitEvent("paid")]
    )
    assert isinstance(created, Ok)
    assert created.meta.status == 201
    workflow = created.value

    fetched = (await orchestration_v2_get_workflow(core, workflow.id)).unwrap()
    listed = (await orchestration_v2_list_workflows(core)).unwrap()

    assert fetched.config.name == "payout"
    assert fetched.config.stages == [
        {"delay": {"duration": "90s"}},
        {"wait_event": {"event": "paid"}},
    ]
    assert fetched.created_at == workflow.created_at.replace(
        microsecond=workflow.created_at.microsecond
    )
    assert [item.id for item in listed.data] == [workflow.id]


async def test_create_from_yaml_as_the_real_server_reads_it(emu: Emulator, core: SDKCore) -> None:
    document = (
        b"name: yaml-flow\nstages:\n  - delay:\n      duration: 1m\n"
        b"  - wait_event:\n      event: go\n"
    )
    token = await _token(emu)
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            emu.url + "/api/orchestration/v2/workflows",
            data=document,
            headers={"Content-Type": "text/vnd.yaml", "Authorization": f"Bearer {token}"},
        ) as response,
    ):
        assert response.status == 201
        workflow_id = (await response.json())["data"]["id"]

    fetched = (await orchestration_v2_get_workflow(core, workflow_id)).unwrap()
    assert fetched.config.stages == [{"delay": {"duration": "1m"}}, {"wait_event": {"event": "go"}}]


async def test_a_type_error_in_a_stage_is_500_on_the_server_and_400_by_contract(
    core: SDKCore, behaviour: str
) -> None:
    result = await orchestration_v2_create_workflow(
        core, stages=[{"delay": {"duration": "ten minutes"}}]
    )

    assert isinstance(result, Err)
    status, code, message = wire_error(result)
    assert status == (500 if behaviour == "server" else 400)
    assert code == ("INTERNAL" if behaviour == "server" else "VALIDATION")
    assert message == (
        "creating workflow: resolving field 'Duration': "
        "unable to resolve field 'Duration' to duration value"
    )


async def test_a_missing_required_field_is_found_at_run_time_on_the_server(
    core: SDKCore, behaviour: str
) -> None:
    result = await orchestration_v2_create_workflow(core, stages=[{"wait_event": {}}])

    if behaviour == "server":
        assert isinstance(result, Ok)
    else:
        assert isinstance(result, Err)
        assert wire_error(result) == (
            400,
            "VALIDATION",
            "creating workflow: Key: 'WaitEvent.Event' Error:Field validation for 'Event' "
            "failed on the 'required' tag",
        )


async def test_unknown_kind_and_empty_stage_are_refused(core: SDKCore, behaviour: str) -> None:
    unknown_kind = await orchestration_v2_create_workflow(core, stages=[{"teleport": {}}])
    empty = await orchestration_v2_create_workflow(core, stages=[{}])

    assert isinstance(unknown_kind, Err)
    assert isinstance(empty, Err)
    assert wire_error(unknown_kind)[2] == "creating workflow: unable to resolve schema teleport"
    assert wire_error(empty)[2] == "creating workflow: empty specification"


async def test_get_unknown_workflow(core: SDKCore, behaviour: str) -> None:
    result = await orchestration_v2_get_workflow(core, "no-such-workflow")

    assert isinstance(result, Err)
    assert result.error.status == unknown(behaviour)


async def test_delete_is_soft_and_visible_only_on_the_server(core: SDKCore, behaviour: str) -> None:
    workflow = (await orchestration_v2_create_workflow(core, stages=[])).unwrap()

    deleted = await orchestration_v2_delete_workflow(core, workflow.id)
    again = await orchestration_v2_delete_workflow(core, workflow.id)
    fetched = await orchestration_v2_get_workflow(core, workflow.id)
    listed = (await orchestration_v2_list_workflows(core)).unwrap()

    assert isinstance(deleted, Ok)
    assert listed.data == []
    if behaviour == "server":
        assert isinstance(again, Ok)  # deleting twice is 204 again
        assert isinstance(fetched, Ok)
        assert fetched.value.deleted_at is not None
    else:
        assert isinstance(again, Err)
        assert again.error.status == 404
        assert isinstance(fetched, Err)
        assert fetched.error.status == 404


async def test_delete_needs_a_uuid(core: SDKCore) -> None:
    result = await orchestration_v2_delete_workflow(core, "not-a-uuid")

    assert isinstance(result, Err)
    assert wire_error(result) == (
        400,
        "VALIDATION",
        "Key: '' Error:Field validation for '' failed on the 'uuid' tag",
    )


async def test_delete_unknown_uuid_is_404(core: SDKCore) -> None:
    result = await orchestration_v2_delete_workflow(core, "00000000-0000-4000-8000-000000000000")

    assert isinstance(result, Err)
    assert wire_error(result) == (404, "NOT_FOUND", "Workflow not found")


async def _token(emu: Emulator) -> str:
    from tests.e2e.conftest import CLIENT_ID, CLIENT_SECRET

    form = {
        "grant_type": "client_credentials",
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
    }
    async with (
        aiohttp.ClientSession() as session,
        session.post(emu.token_url, data=form) as response,
    ):
        return str((await response.json())["access_token"])
