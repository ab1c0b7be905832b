"""What each operation puts on the wire, observed by a real server."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from formance_orch import Ok, RequestOptions, SDKCore
from formance_orch._version import __version__
from formance_orch.funcs.orchestration_v2_create_workflow import orchestration_v2_create_workflow
from formance_orch.funcs.orchestration_v2_get_instance import orchestration_v2_get_instance
from formance_orch.funcs.orchestration_v2_get_server_info import (
    orchestration_v2_get_server_info,
)
from formance_orch.funcs.orchestration_v2_list_instances import orchestration_v2_list_instances
from formance_orch.models.workflows import V2WorkflowConfig
from tests.support import API, Reply, instance_json, workflow_json

TRICKY_IDS = [
    ("a/b", "a%2Fb"),
    ("..", "%2E%2E"),
    (".", "%2E"),
    ("x?y#z", "x%3Fy%23z"),
    ("a b", "a%20b"),
    ("ä", "%C3%A4"),
    ("50%", "50%25"),
    ("plain-id_1.2~", "plain-id_1.2~"),
]


async def test_get_instance_request_shape(server, core: SDKCore) -> None:
    server.reply(Reply(json={"data": instance_json("inst-1")}))

    result = await orchestration_v2_get_instance(core, "inst-1")

    assert isinstance(result, Ok)
    assert result.value.id == "inst-1"
    (request,) = server.requests
    assert request.method == "GET"
    assert request.raw_path == f"{API}/v2/instances/inst-1"
    assert request.body == b""
    assert request.headers["Accept"] == "application/json"
    assert request.headers["User-Agent"].startswith(f"formance-orch-python/{__version__} ")
    assert request.headers["Authorization"] == "Bearer token-1"
    assert "Content-Type" not in request.headers


@pytest.mark.parametrize(("instance_id", "encoded"), TRICKY_IDS)
async def test_path_ids_stay_one_segment(server, core: SDKCore, instance_id, encoded) -> None:
    server.reply(Reply(json={"data": instance_json(instance_id)}))

    result = await orchestration_v2_get_instance(core, instance_id)

    assert isinstance(result, Ok), result
    (request,) = server.requests
    assert request.raw_path == f"{API}/v2/instances/{encoded}"
    # The server's router saw one segment holding exactly the id.
    assert request.match_info == {"instance_id": instance_id}


async def test_list_instances_query(server, core: SDKCore) -> None:
    server.reply(Reply(json={"cursor": {"pageSize": 2, "hasMore": False, "data": []}}))

    await orchestration_v2_list_instances(
        core, cursor="Y3Vyc29y+/=", page_size=2, workflow_id="wf 1/2", running=False
    )

    (request,) = server.requests
    assert request.method == "GET"
    assert request.path == f"{API}/v2/instances"
    assert request.raw_path == (
        f"{API}/v2/instances?cursor=Y3Vyc29y%2B%2F%3D&pageSize=2&workflowID=wf%201%2F2&running=false"
    )
    assert request.query == {
        "cursor": "Y3Vyc29y+/=",
        "pageSize": "2",
        "workflowID": "wf 1/2",
        "running": "false",
    }


async def test_list_instances_omits_unset_parameters(server, core: SDKCore) -> None:
    server.reply(Reply(json={"cursor": {"pageSize": 15, "hasMore": False, "data": []}}))

    await orchestration_v2_list_instances(core, running=True)

    (request,) = server.requests
    assert request.raw_path == f"{API}/v2/instances?running=true"


async def test_list_instances_decodes_the_page(server, core: SDKCore) -> None:
    page = {
        "pageSize": 2,
        "hasMore": True,
        "next": "bmV4dA==",
        "previous": "cHJldg==",
        "data": [instance_json("i-1"), instance_json("i-2", status=None)],
    }
    server.reply(Reply(json={"cursor": page}))

    result = await orchestration_v2_list_instances(core, page_size=2)

    assert isinstance(result, Ok)
    value = result.value
    assert (value.page_size, value.has_more, value.next, value.previous) == (
        2,
        True,
        "bmV4dA==",
        "cHJldg==",
    )
    assert [instance.id for instance in value.data] == ["i-1", "i-2"]
    assert [status.stage for status in value.data[0].status] == [0, 1, 2]
    assert value.data[0].status[2].temporal_run_id == "run-2"
    assert value.data[1].status == []


async def test_create_workflow_from_stages(server, core: SDKCore) -> None:
    server.reply(Reply(status=201, json={"data": workflow_json("wf-9")}))
    stages = [{"delay": {"duration": "1m"}}, {"wait_event": {"event": "paid"}}]

    result = await orchestration_v2_create_workflow(core, stages=stages, name="payout")

    assert isinstance(result, Ok)
    assert result.value.id == "wf-9"
    assert result.meta.status == 201
    (request,) = server.requests
    assert request.method == "POST"
    assert request.raw_path == f"{API}/v2/workflows"
    assert request.headers["Content-Type"] == "application/json"
    assert request.json == {"stages": stages, "name": "payout"}


async def test_create_workflow_from_a_model_omits_unset_fields(server, core: SDKCore) -> None:
    server.reply(Reply(status=201, json={"data": workflow_json()}))

    await orchestration_v2_create_workflow(
        core, config=V2WorkflowConfig(stages=[{"delay": {"duration": "5s"}}])
    )

    assert server.requests[0].json == {"stages": [{"delay": {"duration": "5s"}}]}


async def test_create_workflow_from_a_mapping_is_sent_as_is(server, core: SDKCore) -> None:
    server.reply(Reply(status=201, json={"data": workflow_json()}))
    config = {"name": "ünïcode", "stages": [], "extension": {"kept": True}}

    await orchestration_v2_create_workflow(core, config=config)

    assert server.requests[0].json == config


async def test_get_server_info_falls_back_to_the_routed_path(server, core: SDKCore) -> None:
    # The Go router answers the documented path with a plain-text 404 labelled JSON.
    server.reply(
        Reply(status=404, body="404 page not found"),
        Reply(json={"version": "v2.1.0", "extra": 1}),
    )

    result = await orchestration_v2_get_server_info(core)

    assert isinstance(result, Ok)
    assert result.value.version == "v2.1.0"
    assert [r.raw_path for r in server.requests] == [f"{API}/v2/_info", f"{API}/_info"]
    assert result.meta.attempts == 2


async def test_get_server_info_documented_path_first(server, core: SDKCore) -> None:
    server.reply(Reply(json={"version": "v2.0.0"}))

    result = await orchestration_v2_get_server_info(core)

    assert result.unwrap().version == "v2.0.0"
    assert [r.raw_path for r in server.requests] == [f"{API}/v2/_info"]


async def test_per_call_headers_are_sent(server, core: SDKCore) -> None:
    server.reply(Reply(json={"data": instance_json()}))

    await orchestration_v2_get_instance(
        core, "i", options=RequestOptions(headers={"X-Request-Id": "abc"})
    )

    assert server.requests[0].headers["X-Request-Id"] == "abc"


async def test_server_url_with_a_path_prefix(server, make_core) -> None:
    core = make_core(server_url=server.url + "/prefix/")
    server.reply(Reply(json={"data": instance_json()}))

    await orchestration_v2_get_instance(core, "i-1")

    assert server.requests[0].raw_path == f"/prefix{API}/v2/instances/i-1"


async def test_server_url_with_a_path_prefix_and_a_query(server, make_core) -> None:
    core = make_core(server_url=server.url + "/prefix/")
    server.reply(Reply(json={"cursor": {"pageSize": 5, "hasMore": False, "data": []}}))

    await orchestration_v2_list_instances(core, page_size=5, workflow_id="a b/c")

    request = server.requests[0]
    assert request.raw_path == f"/prefix{API}/v2/instances?pageSize=5&workflowID=a%20b%2Fc"
    assert request.query == {"pageSize": "5", "workflowID": "a b/c"}


async def test_timestamps_keep_their_offset_and_microseconds(server, core: SDKCore) -> None:
    server.reply(Reply(json={"data": instance_json()}))

    instance = (await orchestration_v2_get_instance(core, "i")).unwrap()

    plus_two = timezone(timedelta(hours=2))
    assert instance.created_at == datetime(2024, 9, 23, 10, 0, 0, 123456, tzinfo=plus_two)
    assert instance.created_at.utcoffset() == timedelta(hours=2)
    assert instance.updated_at == datetime(2024, 9, 23, 8, 0, 1, 500000, tzinfo=UTC)
    assert instance.terminated_at == datetime(2024, 9, 23, 8, 0, 2, tzinfo=UTC)
