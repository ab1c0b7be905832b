"""Pagination over hundreds of instances, and the client-credentials flow, end to end."""

from __future__ import annotations

import aiohttp

from formance_orch import AuthenticationError, Err, Ok, SDKCore, Security, paginate
from formance_orch.emulator import Emulator, ManualClock
from formance_orch.funcs.orchestration_v2_create_workflow import orchestration_v2_create_workflow
from formance_orch.funcs.orchestration_v2_list_instances import orchestration_v2_list_instances
from formance_orch.funcs.orchestration_v2_list_workflows import orchestration_v2_list_workflows
from formance_orch.funcs.orchestration_v2_run_workflow import orchestration_v2_run_workflow
from tests.e2e.conftest import CLIENT_ID, CLIENT_SECRET, wire_error

INSTANCES = 260


async def test_paging_through_260_instances(emu: Emulator, core: SDKCore, behaviour: str) -> None:
    flow = (await orchestration_v2_create_workflow(core, stages=[])).unwrap().id
    for _ in range(INSTANCES):
        (await orchestration_v2_run_workflow(core, flow)).unwrap()

    seen = [item.id async for item in paginate(orchestration_v2_list_instances, core, page_size=40)]
    default = (await orchestration_v2_list_instances(core)).unwrap()
    large = (await orchestration_v2_list_instances(core, page_size=500)).unwrap()

    assert len(seen) == len(set(seen)) == INSTANCES
    assert seen == [instance.id for instance in emu.instances]
    assert len(default.data) == 15
    assert default.has_more
    if behaviour == "server":
        assert (large.page_size, len(large.data)) == (100, 100)  # clamped, no error
    else:
        assert (large.page_size, len(large.data)) == (500, INSTANCES)


async def test_a_cursor_overrides_the_other_parameters(core: SDKCore) -> None:
    flow = (await orchestration_v2_create_workflow(core, stages=[])).unwrap().id
    other = (await orchestration_v2_create_workflow(core, stages=[])).unwrap().id
    for workflow in (flow, other, flow, other):
        await orchestration_v2_run_workflow(core, workflow)
    first = (await orchestration_v2_list_instances(core, workflow_id=flow, page_size=1)).unwrap()
    assert first.next is not None

    following = (await orchestration_v2_list_instances(core, cursor=first.next)).unwrap()

    assert [item.workflow_id for item in following.data] == [flow]
    assert following.previous is not None
    assert not following.has_more


async def test_a_bad_cursor_is_400(core: SDKCore) -> None:
    result = await orchestration_v2_list_workflows(core, cursor="!!not-base64!!")

    assert isinstance(result, Err)
    assert wire_error(result) == (400, "VALIDATION", "invalid 'cursor' query param")


async def test_no_token_or_a_bad_one_is_an_empty_401(emu: Emulator) -> None:
    async with aiohttp.ClientSession() as session:
        for headers in ({}, {"Authorization": "Bearer forged"}, {"Authorization": "Basic x"}):
            async with session.get(
                emu.url + "/api/orchestration/v2/workflows", headers=headers
            ) as r:
                assert (r.status, await r.read()) == (401, b"")
                assert "WWW-Authenticate" not in r.headers
        async with session.get(emu.url + "/api/orchestration/_info") as response:
            assert response.status == 200  # _info needs no token


async def test_wrong_credentials_are_an_authentication_error(emu: Emulator) -> None:
    core = emu.core(security=Security(client_id=CLIENT_ID, client_secret="wrong-secret-value"))

    result = await orchestration_v2_list_workflows(core)

    assert isinstance(result, Err)
    assert isinstance(result.error, AuthenticationError)


async def test_an_expired_token_is_refreshed_after_its_401(
    formance_emulator_factory: object,
) -> None:
    clock = ManualClock()
    emu = await formance_emulator_factory(  # type: ignore[operator]
        clock=clock, clients={CLIENT_ID: CLIENT_SECRET}, token_ttl=600
    )
    core = emu.core()

    first = await orchestration_v2_list_workflows(core)
    await clock.advance(601)
    second = await orchestration_v2_list_workflows(core)

    assert isinstance(first, Ok)
    assert isinstance(second, Ok)
    assert emu.auth.issued == 2
