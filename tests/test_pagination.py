"""paginate() and pages() over real servers' cursors, good and bad."""

from __future__ import annotations

import pytest

from formance_orch import APIError, Err, Ok
from formance_orch.errors import InvalidRequestError
from formance_orch.funcs.orchestration_v2_list_instances import orchestration_v2_list_instances
from formance_orch.funcs.orchestration_v2_list_triggers_occurrences import (
    orchestration_v2_list_triggers_occurrences,
)
from formance_orch.funcs.orchestration_v2_list_workflows import orchestration_v2_list_workflows
from formance_orch.pagination import PaginationError, pages, paginate
from tests.bodies import occurrence_json, workflow_json
from tests.support import API, Reply, instance_json


async def collect(iterator, into: list) -> None:
    async for item in iterator:
        into.append(item.id)


def page_reply(ids: list[str], next_cursor: str | None, *, has_more: bool | None = None) -> Reply:
    cursor = {
        "pageSize": 2,
        "hasMore": next_cursor is not None if has_more is None else has_more,
        "data": [instance_json(i) for i in ids] if ids else None,
    }
    if next_cursor is not None:
        cursor["next"] = next_cursor
    return Reply(json={"cursor": cursor})


async def test_three_pages_follow_next_and_drop_filters(server, core) -> None:
    server.reply(
        page_reply(["a", "b"], "c2"),
        page_reply(["c", "d"], "c3"),
        page_reply(["e"], None),
    )

    ids = [
        instance.id
        async for instance in paginate(
            orchestration_v2_list_instances, core, workflow_id="wf 1", running=True, page_size=2
        )
    ]

    assert ids == ["a", "b", "c", "d", "e"]
    assert [r.raw_path for r in server.requests] == [
        f"{API}/v2/instances?pageSize=2&workflowID=wf%201&running=true",
        f"{API}/v2/instances?cursor=c2",
        f"{API}/v2/instances?cursor=c3",
    ]


async def test_an_empty_page_with_null_data_ends_paging(server, core) -> None:
    server.reply(page_reply([], None))

    items = [item async for item in paginate(orchestration_v2_list_instances, core)]

    assert items == []
    assert len(server.requests) == 1


async def test_an_empty_page_in_the_middle_is_followed(server, core) -> None:
    server.reply(page_reply(["a"], "c2"), page_reply([], "c3"), page_reply(["b"], None))

    items = [item.id async for item in paginate(orchestration_v2_list_instances, core)]

    assert items == ["a", "b"]


async def test_a_repeated_cursor_stops_with_an_error(server, core) -> None:
    server.reply(page_reply(["a"], "c2"), page_reply(["b"], "c3"), page_reply(["c"], "c2"))
    seen = []

    with pytest.raises(PaginationError, match="repeats the cursor 'c2'") as raised:
        await collect(paginate(orchestration_v2_list_instances, core), seen)

    assert seen == ["a", "b", "c"]
    assert raised.value.cursor == "c2"
    assert raised.value.pages == 3
    assert len(server.requests) == 3


async def test_a_cursor_equal_to_the_one_given_is_a_loop(server, core) -> None:
    server.reply(page_reply(["a"], "start"))

    with pytest.raises(PaginationError):
        await collect(paginate(orchestration_v2_list_instances, core, cursor="start"), [])

    assert len(server.requests) == 1


async def test_has_more_without_next_stops_with_an_error(server, core) -> None:
    server.reply(page_reply(["a"], None, has_more=True))

    results = [result async for result in pages(orchestration_v2_list_instances, core)]

    assert isinstance(results[0], Ok)
    assert isinstance(results[1], Err)
    assert isinstance(results[1].error, PaginationError)
    assert results[1].error.cursor is None
    assert len(results) == 2


async def test_empty_next_with_has_more_is_the_same_error(server, core) -> None:
    server.reply(page_reply(["a"], "", has_more=True))

    with pytest.raises(PaginationError, match="no next cursor"):
        await collect(paginate(orchestration_v2_list_instances, core), [])


async def test_take_stops_early_and_sizes_the_page(server, core) -> None:
    server.reply(page_reply(["a", "b"], "c2"), page_reply(["c", "d"], "c3"))

    items = [item.id async for item in paginate(orchestration_v2_list_instances, core).take(3)]

    assert items == ["a", "b", "c"]
    assert server.requests[0].query == {"pageSize": "3"}
    assert len(server.requests) == 2


async def test_take_keeps_an_explicit_page_size(server, core) -> None:
    server.reply(page_reply(["a", "b"], None))

    async for _ in paginate(orchestration_v2_list_instances, core, page_size=2).take(5000):
        pass

    assert server.requests[0].query == {"pageSize": "2"}


async def test_a_second_take_never_widens_the_first(server, core) -> None:
    server.reply(page_reply(["a", "b"], "c2"), page_reply(["c", "d"], None))

    narrow_then_wide = paginate(orchestration_v2_list_instances, core).take(3).take(100)
    items = [item.id async for item in narrow_then_wide]
    server.reply(page_reply(["a", "b"], "c2"))
    wide_then_narrow = paginate(orchestration_v2_list_instances, core).take(100).take(1)
    taken = [item.id async for item in wide_then_narrow]

    assert items == ["a", "b", "c"]
    assert taken == ["a"]
    assert [r.query for r in server.requests] == [
        {"pageSize": "3"},
        {"cursor": "c2"},
        {"pageSize": "1"},
    ]


@pytest.mark.parametrize("max_items", [0, -1, True, 1.5])
async def test_bad_max_items(server, core, max_items) -> None:
    everything = paginate(orchestration_v2_list_instances, core)
    with pytest.raises(InvalidRequestError, match="max_items"):
        everything.take(max_items)
    assert server.requests == []


async def test_take_starts_afresh_and_leaves_the_original_whole(server, core) -> None:
    server.reply(page_reply(["a"], "c1"), page_reply(["a", "b"], "c2"), page_reply(["c"], None))
    everything = paginate(orchestration_v2_list_instances, core)

    first = [item.id async for item in everything.take(1)]
    rest = [item.id async for item in everything]

    assert first == ["a"]
    assert rest == ["a", "b", "c"]
    assert [r.query for r in server.requests] == [{"pageSize": "1"}, {}, {"cursor": "c2"}]


async def test_positional_path_ids_are_passed_again(server, core) -> None:
    first = {"pageSize": 1, "hasMore": True, "next": "n2", "data": [occurrence_json()]}
    last = {"pageSize": 1, "hasMore": False, "data": [occurrence_json(id="occ-2")]}
    server.reply(Reply(json={"cursor": first}), Reply(json={"cursor": last}))

    ids = [o.id async for o in paginate(orchestration_v2_list_triggers_occurrences, core, "t-1")]

    assert ids == ["occ-1", "occ-2"]
    assert server.requests[1].raw_path == f"{API}/v2/triggers/t-1/occurrences?cursor=n2"


async def test_aclose_stops_paging_early(server, core) -> None:
    server.reply(page_reply(["a", "b"], "c2"), page_reply(["c"], None))
    items = paginate(orchestration_v2_list_instances, core)

    assert (await anext(items)).id == "a"
    await items.aclose()

    with pytest.raises(StopAsyncIteration):
        await anext(items)
    assert len(server.requests) == 1


async def test_a_failed_page_raises_its_error_after_the_items_before(server, core) -> None:
    server.reply(
        page_reply(["a"], "c2"),
        Reply(status=404, json={"errorCode": "NOT_FOUND", "errorMessage": "cursor expired"}),
    )
    seen = []

    with pytest.raises(APIError, match="cursor expired"):
        await collect(paginate(orchestration_v2_list_instances, core), seen)

    assert seen == ["a"]


async def test_pages_yields_the_err_last_and_never_raises(server, core) -> None:
    server.reply(Reply(status=400, json={"errorCode": "VALIDATION", "errorMessage": "bad"}))

    results = [result async for result in pages(orchestration_v2_list_instances, core)]

    assert len(results) == 1
    assert isinstance(results[0], Err)
    assert isinstance(results[0].error, APIError)


async def test_invalid_arguments_surface_as_the_first_err(server, core) -> None:
    results = [result async for result in pages(orchestration_v2_list_instances, core, page_size=0)]

    assert isinstance(results[0], Err)
    assert isinstance(results[0].error, InvalidRequestError)
    assert server.requests == []


async def test_path_ids_are_kept_on_following_pages(server, core) -> None:
    first = {"pageSize": 1, "hasMore": True, "next": "n2", "data": [occurrence_json()]}
    last = {"pageSize": 1, "hasMore": False, "data": [occurrence_json(id="occ-2")]}
    server.reply(Reply(json={"cursor": first}), Reply(json={"cursor": last}))

    ids = [
        occurrence.id
        async for occurrence in paginate(
            orchestration_v2_list_triggers_occurrences, core, trigger_id="t/1", page_size=1
        )
    ]

    assert ids == ["occ-1", "occ-2"]
    assert [r.raw_path for r in server.requests] == [
        f"{API}/v2/triggers/t%2F1/occurrences?pageSize=1",
        f"{API}/v2/triggers/t%2F1/occurrences?cursor=n2",
    ]


async def test_works_for_workflows_too(server, core) -> None:
    server.reply(
        Reply(json={"cursor": {"pageSize": 15, "hasMore": False, "data": [workflow_json()]}})
    )

    workflows = [w async for w in paginate(orchestration_v2_list_workflows, core)]

    assert [w.id for w in workflows] == ["wf-1"]


async def test_facade_methods_page_without_a_core(server) -> None:
    from formance_orch import SDK

    first = {"pageSize": 1, "hasMore": True, "next": "n2", "data": [occurrence_json()]}
    last = {"pageSize": 1, "hasMore": False, "data": [occurrence_json(id="occ-2")]}
    server.reply(Reply(json={"cursor": first}), Reply(json={"cursor": last}))

    async with SDK(server_url=server.url) as sdk:
        method = sdk.orchestration.v2.list_triggers_occurrences
        ids = [o.id async for o in paginate(method, trigger_id="t", page_size=1)]

    assert ids == ["occ-1", "occ-2"]
    assert server.requests[1].raw_path == f"{API}/v2/triggers/t/occurrences?cursor=n2"
