"""Synchronous use: SyncCore and SyncSDK drive the async core through a portal thread.

The servers here run on loops of their own threads (``tests.sync_support``):
a synchronous call blocks its thread, which must not be the server's.
Forks, Ctrl-C and interpreter exit are in ``test_sync_processes.py``.
"""

from __future__ import annotations

import asyncio
import gc
import inspect
import json
import subprocess
import sys
import threading
import warnings
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from formance_orch import (
    SDK,
    Err,
    HookContext,
    Hooks,
    InvalidRequestError,
    Ok,
    RetryConfig,
    SDKCore,
    Security,
    SyncCore,
    SyncSDK,
)
from formance_orch.funcs import OPERATIONS
from formance_orch.funcs.orchestration_v2_get_instance import orchestration_v2_get_instance
from formance_orch.funcs.orchestration_v2_list_instances import orchestration_v2_list_instances
from formance_orch.pagination import paginate as async_paginate
from formance_orch.sync import pages, paginate
from formance_orch.sync.sdk import SyncOrchestrationV2
from tests.support import API, refused_url
from tests.sync_support import ITEMS, HostedRecordingServer, ThreadedServer
from tests.test_operations import CASES, IDS, Case, reply_for

SECURITY = Security(client_id="client-1", client_secret="s3cr3t-sync-secret")
NAMES = sorted(name.removeprefix("orchestration_v2_") for name in OPERATIONS)


@pytest.fixture
def make_sync(threaded: ThreadedServer) -> Iterator[Callable[..., SyncCore]]:
    """Build SyncCores against ``threaded``; all are closed afterwards."""
    cores: list[SyncCore] = []

    def build(**kwargs: Any) -> SyncCore:
        kwargs.setdefault("server_url", threaded.url)
        kwargs.setdefault("security", SECURITY)
        core = SyncCore(**kwargs)
        cores.append(core)
        return core

    yield build
    for core in cores:
        core.close()


def portal_threads() -> set[threading.Thread]:
    return {t for t in threading.enumerate() if t.name.startswith("formance-orch-portal-")}


def started_by(action: Callable[[], object]) -> threading.Thread:
    """Run ``action``; return the one portal thread it started."""
    before = portal_threads()
    action()
    (thread,) = portal_threads() - before
    return thread


def bounded(action: Callable[[], Any], seconds: float = 10) -> Any:
    """``action()`` in a daemon thread: a deadlock fails the test instead of hanging it."""
    outcome: list[Any] = []
    worker = threading.Thread(target=lambda: outcome.append(action()), daemon=True)
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), "the call did not return within the bound: a deadlock?"
    return outcome[0]


# --- calls ------------------------------------------------------------------------------------


def test_a_call_returns_what_the_async_function_returns(threaded, make_sync) -> None:
    core = make_sync()

    result = core.call(orchestration_v2_get_instance, "inst-1")

    async def the_async_way() -> Any:
        async with SDKCore(server_url=threaded.url, security=SECURITY) as async_core:
            return await orchestration_v2_get_instance(async_core, "inst-1")

    expected = asyncio.run(the_async_way())
    assert isinstance(result, Ok)
    assert isinstance(expected, Ok)
    assert result.value == expected.value
    assert result.value.id == "inst-1"
    assert (result.meta.status, result.meta.attempts) == (200, 1)
    assert threaded.requests[0].authorization == "Bearer token-1"


def test_one_thread_one_token_one_connection_for_many_calls(threaded, make_sync) -> None:
    core = make_sync()
    before = portal_threads()

    thread = started_by(lambda: core.call(orchestration_v2_get_instance, "first"))
    results = [core.call(orchestration_v2_get_instance, f"inst-{n}") for n in range(20)]

    assert [result.unwrap().id for result in results] == [f"inst-{n}" for n in range(20)]
    assert thread.daemon
    assert portal_threads() - before == {thread}  # the first call's thread, and no other
    assert threaded.token_requests == 1
    assert len({seen.port for seen in threaded.requests}) == 1


@pytest.fixture
def recording() -> Iterator[HostedRecordingServer]:
    hosted = HostedRecordingServer()
    yield hosted
    hosted.close()


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_every_operation_runs_through_call(recording, case: Case) -> None:
    server = recording.server
    server.reply(reply_for(case))

    with SyncCore(server_url=server.url, security=SECURITY) as core:
        result = core.call(case.call)

    assert isinstance(result, Ok), result
    (request,) = server.requests
    assert request.method == case.method
    assert request.raw_path.split("?")[0] == API + case.path
    assert request.query == case.query
    assert result.meta.status == case.status
    case.check(result.value)


def test_errors_are_the_same_values(threaded, make_sync) -> None:
    core = make_sync(server_url=refused_url(), retries=RetryConfig.none(), security=None)

    result = core.call(orchestration_v2_get_instance, "inst-1")
    invalid = core.call(orchestration_v2_get_instance, "")

    assert isinstance(result, Err)
    assert type(result.error).__name__ == "APIConnectionError"
    assert isinstance(invalid, Err)
    assert isinstance(invalid.error, InvalidRequestError)
    assert invalid.error.parameter == "instance_id"


def test_a_bug_in_a_hook_is_raised_in_the_calling_thread(threaded, make_sync) -> None:
    raised: list[str] = []

    def before(context: HookContext, headers: dict[str, str]) -> None:
        if not raised:
            raised.append(context.operation_id)
            raise ValueError("boom")

    core = make_sync(hooks=Hooks(before_request=[before]))

    with pytest.raises(ValueError, match="boom"):
        core.call(orchestration_v2_get_instance, "inst-1")
    assert core.call(orchestration_v2_get_instance, "inst-2").unwrap().id == "inst-2"
    assert raised == ["v2GetInstance"]


# --- the facade -------------------------------------------------------------------------------


def test_the_sync_facade_has_exactly_the_operations() -> None:
    methods = sorted(
        name
        for name, value in vars(SyncOrchestrationV2).items()
        if not name.startswith("_") and name != "core"
    )
    assert methods == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_each_method_is_its_operation_run_through_the_core(name: str) -> None:
    with SyncSDK(server_url="http://localhost") as sdk:
        method = getattr(sdk.orchestration.v2, name)
        async_method = getattr(SDK(server_url="http://localhost").orchestration.v2, name)

        function = getattr(
            __import__("formance_orch.funcs", fromlist=[name]), f"orchestration_v2_{name}"
        )
        assert inspect.unwrap(method.__func__) is function
        assert method.__self__ is sdk.core
        assert method.__name__ == function.__name__
        assert method.__doc__ == function.__doc__
        assert inspect.signature(method) == inspect.signature(async_method)
        assert not inspect.iscoroutinefunction(method)
        assert getattr(sdk.orchestration.v2, name) is method  # bound once, then cached


def test_facade_calls_on_the_wire(threaded) -> None:
    with SyncSDK(server_url=threaded.url, security=SECURITY) as sdk:
        instance = sdk.orchestration.v2.get_instance("inst-7")
        page = sdk.orchestration.v2.list_instances(page_size=3)

    assert instance.unwrap().id == "inst-7"
    assert [item.id for item in page.unwrap().data] == ITEMS[:3]
    assert [seen.path for seen in threaded.requests] == [
        f"{API}/v2/instances/inst-7",
        f"{API}/v2/instances",
    ]
    assert threaded.requests[1].query == {"pageSize": "3"}


def test_wait_for_instance_runs_through_the_sync_sdk(threaded) -> None:
    with SyncSDK(server_url=threaded.url, security=SECURITY) as sdk:
        ended = sdk.wait_for_instance("inst-3", timeout=5)
        refused = sdk.wait_for_instance("", timeout=5)

    assert ended.unwrap().terminated
    assert ended.unwrap().id == "inst-3"
    assert [seen.path for seen in threaded.requests] == [f"{API}/v2/instances/inst-3"]
    assert isinstance(refused, Err)
    assert isinstance(refused.error, InvalidRequestError)


def test_an_sdk_on_a_given_core_leaves_it_open(threaded, make_sync) -> None:
    core = make_sync()

    with SyncSDK(core) as sdk:
        assert sdk.orchestration.v2.get_instance("a").unwrap().id == "a"

    assert not core.closed
    assert core.call(orchestration_v2_get_instance, "b").unwrap().id == "b"
    with pytest.raises(TypeError):
        SyncSDK(core, server_url=threaded.url)


def test_settings_are_checked_at_once_and_secrets_stay_out_of_repr() -> None:
    with pytest.raises(ValueError, match="server_url"):
        SyncCore(server_url="ftp://example.com")
    with pytest.raises(ValueError, match="timeout"):
        SyncSDK(timeout=0)
    with pytest.raises(TypeError, match="session"):
        SyncCore(session=None)  # an aiohttp session belongs to one loop: not the portal's

    with SyncSDK(server_url="http://localhost", security=SECURITY) as sdk:
        text = repr(sdk)

    assert text.startswith("SyncSDK(SyncCore(server_url='http://localhost'")
    assert "s3cr3t" not in text


def test_sync_clients_take_every_setting_of_the_async_core_but_session(threaded) -> None:
    from formance_orch.core import CoreSettings
    from formance_orch.sync.core import SyncSettings

    def spelled(settings: Any) -> dict[str, str]:
        return {name: ref.__forward_arg__ for name, ref in settings.__annotations__.items()}

    async_settings = spelled(CoreSettings)
    del async_settings["session"]
    assert spelled(SyncSettings) == async_settings

    with SyncSDK(organization="acme-1", environment="eu.sandbox") as cloud:
        assert "https://acme-1.eu.sandbox.formance.cloud" in repr(cloud)
    with SyncSDK(server_url=threaded.url, max_response_bytes=10, log_bodies=True) as small:
        result = small.orchestration.v2.get_instance("a")
    assert isinstance(result, Err)
    assert "max_response_bytes (10)" in str(result.error)


# --- pagination -------------------------------------------------------------------------------


def test_paginate_follows_cursors_as_the_async_one_does(threaded, make_sync) -> None:
    core = make_sync()

    items = paginate(orchestration_v2_list_instances, core, page_size=2)
    assert isinstance(items, Iterator)
    synchronous = [instance.id for instance in items]
    sync_requests = [seen.query for seen in threaded.requests]
    threaded.requests.clear()

    async def the_async_way() -> list[str]:
        async with SDKCore(server_url=threaded.url, security=SECURITY) as async_core:
            found = async_paginate(orchestration_v2_list_instances, async_core, page_size=2)
            return [instance.id async for instance in found]

    assert synchronous == asyncio.run(the_async_way()) == ITEMS
    assert sync_requests == [seen.query for seen in threaded.requests]
    assert sync_requests == [{"pageSize": "2"}, {"cursor": "2"}, {"cursor": "4"}]


def test_pages_and_take_with_facade_methods(threaded) -> None:
    with SyncSDK(server_url=threaded.url, security=SECURITY) as sdk:
        results = list(pages(sdk.orchestration.v2.list_instances, page_size=2))
        first = list(paginate(sdk.orchestration.v2.list_instances).take(3))
        narrowed = list(paginate(sdk.orchestration.v2.list_instances).take(2).take(50))

    assert [type(result) for result in results] == [Ok, Ok, Ok]
    assert [item.id for result in results for item in result.unwrap().data] == ITEMS
    assert [item.id for item in first] == ITEMS[:3]
    assert [item.id for item in narrowed] == ITEMS[:2]  # a second take never widens
    assert threaded.requests[-1].query == {"pageSize": "2"}  # one request was enough


def test_stopping_early_sends_nothing_more(threaded, make_sync) -> None:
    core = make_sync()

    items = paginate(orchestration_v2_list_instances, core, page_size=2)
    assert next(items).id == ITEMS[0]
    items.close()

    assert len(threaded.requests) == 1


def test_pagination_misuse_and_closed_cores_answer_invalid_request(make_sync) -> None:
    core = make_sync()
    core.close()

    (result,) = pages(orchestration_v2_list_instances, core)
    (misuse,) = pages(orchestration_v2_list_instances)
    (other_method,) = pages(core.call)

    assert isinstance(result, Err)
    assert isinstance(result.error, InvalidRequestError)
    assert isinstance(misuse, Err)
    assert "SyncCore" in str(misuse.error)
    assert isinstance(other_method, Err)
    with pytest.raises(InvalidRequestError, match="closed"):
        list(paginate(orchestration_v2_list_instances, core))
    with pytest.raises(InvalidRequestError, match="max_items"):
        paginate(orchestration_v2_list_instances, core).take(0)


# --- closing ----------------------------------------------------------------------------------


def test_closing_stops_the_thread_and_later_calls_answer_invalid_request(threaded) -> None:
    sdk = SyncSDK(server_url=threaded.url, security=SECURITY)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with sdk:
            thread = started_by(lambda: sdk.orchestration.v2.get_instance("inst-1"))
        gc.collect()

    assert not thread.is_alive()  # close() returns once the thread has ended
    assert caught == []  # no unclosed session, connector or loop
    assert sdk.core.closed
    result = sdk.orchestration.v2.get_instance("inst-2")
    assert isinstance(result, Err)
    assert isinstance(result.error, InvalidRequestError)
    assert "closed" in str(result.error)
    assert len(threaded.requests) == 1
    sdk.close()  # again: nothing happens


def test_a_core_never_used_starts_no_thread() -> None:
    before = portal_threads()
    with SyncCore(server_url="http://localhost"):
        pass
    assert portal_threads() == before


def test_closing_from_another_thread_cancels_the_call_in_flight(threaded, make_sync) -> None:
    core = make_sync(retries=RetryConfig.none())
    outcome: list[Any] = []
    caller = threading.Thread(
        target=lambda: outcome.append(core.call(orchestration_v2_get_instance, "hang-1"))
    )
    caller.start()
    assert threaded.arrived.wait(10)

    core.close()
    caller.join(10)

    assert not caller.is_alive()  # close() ended the call: it did not hang

    (result,) = outcome
    assert isinstance(result, Err)
    assert isinstance(result.error, InvalidRequestError)
    assert "cancelled" in str(result.error)
    assert threaded.abandoned.wait(10)  # the server saw the request go away


def test_an_unclosed_core_that_is_collected_ends_its_thread_cleanly(threaded) -> None:
    before = portal_threads()
    core = SyncCore(server_url=threaded.url, security=SECURITY)
    assert core.call(orchestration_v2_get_instance, "inst-1").unwrap().id == "inst-1"
    (thread,) = portal_threads() - before

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        del core
        gc.collect()
        thread.join(10)
        gc.collect()

    assert not thread.is_alive()
    assert caught == []


# --- where sync code lives --------------------------------------------------------------------


async def test_calls_work_in_a_thread_whose_loop_is_running(threaded, make_sync) -> None:
    loop = asyncio.get_running_loop()
    core = make_sync()

    result = core.call(orchestration_v2_get_instance, "inst-1")
    items = [instance.id for instance in paginate(orchestration_v2_list_instances, core)]

    assert result.unwrap().id == "inst-1"
    assert items == ITEMS
    assert asyncio.get_running_loop() is loop
    assert await asyncio.sleep(0, "still usable") == "still usable"


def test_a_call_from_a_hook_answers_invalid_request(threaded, make_sync) -> None:
    inner: list[Any] = []
    holder: list[SyncCore] = []

    def before(context: HookContext, headers: dict[str, str]) -> None:
        inner.append(holder[0].call(orchestration_v2_get_instance, "from-the-hook"))

    core = make_sync(hooks=Hooks(before_request=[before]))
    holder.append(core)

    result = bounded(lambda: core.call(orchestration_v2_get_instance, "inst-1"))

    assert result.unwrap().id == "inst-1"
    (refused,) = inner
    assert isinstance(refused, Err)
    assert isinstance(refused.error, InvalidRequestError)
    assert "hook" in str(refused.error)
    assert [seen.path for seen in threaded.requests] == [f"{API}/v2/instances/inst-1"]


def test_closing_from_a_hook_does_not_wait_for_itself(threaded, make_sync) -> None:
    holder: list[SyncCore] = []
    hook_threads: list[threading.Thread] = []

    def before(context: HookContext, headers: dict[str, str]) -> None:
        hook_threads.append(threading.current_thread())
        holder[0].close()

    core = make_sync(hooks=Hooks(before_request=[before]))
    holder.append(core)

    result = bounded(lambda: core.call(orchestration_v2_get_instance, "x"))

    (thread,) = hook_threads
    thread.join(10)
    assert not thread.is_alive()
    assert thread.name.startswith("formance-orch-portal-")
    assert isinstance(result, Err)
    assert isinstance(result.error, InvalidRequestError)
    assert core.closed


def test_32_threads_share_one_core_and_one_token(threaded, make_sync) -> None:
    core = make_sync()
    before = portal_threads()
    start = threading.Barrier(32)
    results: dict[str, Any] = {}

    def work(worker: int) -> None:
        start.wait()
        for n in range(5):
            instance_id = f"w{worker}-{n}"
            results[instance_id] = core.call(orchestration_v2_get_instance, instance_id)

    threads = [threading.Thread(target=work, args=(worker,)) for worker in range(32)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert not any(thread.is_alive() for thread in threads)
    assert len(results) == 160
    assert all(result.unwrap().id == instance_id for instance_id, result in results.items())
    assert threaded.token_requests == 1
    assert {seen.authorization for seen in threaded.requests} == {"Bearer token-1"}
    assert len(portal_threads() - before) == 1


# --- imports ----------------------------------------------------------------------------------


def test_the_sync_package_exports_lazily_and_knows_its_names() -> None:
    import formance_orch.sync

    assert formance_orch.sync.SyncCore is SyncCore
    with pytest.raises(AttributeError):
        formance_orch.sync.does_not_exist  # noqa: B018


def test_the_sync_api_imports_nothing_heavy_until_used() -> None:
    code = """
import sys, json
from formance_orch import SyncSDK, SyncCore
from formance_orch.sync import paginate
loaded = sorted(sys.modules)
sdk = SyncSDK(server_url="http://localhost")
sdk.orchestration.v2.get_instance
used = sorted(sys.modules)
sdk.close()
print(json.dumps([loaded, used]))
"""
    output = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    )
    loaded, used = (set(names) for names in json.loads(output.stdout))

    assert not {"asyncio", "aiohttp", "cattrs"} & loaded
    assert not {name for name in loaded if name.startswith("formance_orch.models")}
    operations = {name for name in used if name.startswith("formance_orch.funcs.")}
    assert operations == {"formance_orch.funcs.orchestration_v2_get_instance"}
    assert "formance_orch.sync._runner" not in used  # no call yet: no thread, no loop
