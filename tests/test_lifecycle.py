"""The core's life: closing stops work, event loops come and go, sessions the caller owns."""

from __future__ import annotations

import asyncio
import gc
import json
import threading

import aiohttp
import pytest

from formance_orch import (
    APIConnectionError,
    Err,
    InvalidRequestError,
    Ok,
    RetryConfig,
    SDKCore,
    Security,
)
from formance_orch.funcs.orchestration_v2_get_instance import orchestration_v2_get_instance
from tests.conftest import CLIENT_SECRET
from tests.support import FakeClock, Reply, ThreadedServer, instance_json

INSTANCE = json.dumps({"data": instance_json()}).encode()


# --- 9. aclose() stops work ------------------------------------------------------------------


# aiohttp opens at most 100 connections: beyond, calls wait for one (and aiohttp cancels
# those waits when the session closes).
@pytest.mark.parametrize(("calls", "connections"), [(20, 20), (130, 100)])
async def test_aclose_ends_calls_in_flight_and_sends_nothing_more(
    server, make_core, calls, connections
) -> None:
    core: SDKCore = make_core(security=Security(client_id="c", client_secret=CLIENT_SECRET))
    gate = asyncio.Event()
    server.reply(Reply(json={"data": instance_json()}, gate=gate))
    tasks = [
        asyncio.ensure_future(orchestration_v2_get_instance(core, f"i-{n}")) for n in range(calls)
    ]
    await server.received(connections)

    await core.aclose()
    results = await asyncio.gather(*tasks)
    gate.set()

    assert all(isinstance(result, Err) for result in results), results
    assert len(server.requests) == connections
    assert core._session is None
    with pytest.raises(InvalidRequestError, match="closed"):
        core.session()
    gc.collect()  # an unclosed session would warn here, and fail the suite


class GatedClock(FakeClock):
    """Virtual time whose sleeps wait until the test lets them end."""

    def __init__(self) -> None:
        super().__init__()
        self.sleeping = asyncio.Event()
        self.wake = asyncio.Event()

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.sleeping.set()
        await self.wake.wait()


async def test_a_call_waiting_to_retry_sends_nothing_after_aclose(server, make_core) -> None:
    clock = GatedClock()
    core: SDKCore = make_core(clock=clock)
    server.reply(Reply(status=503, body="busy", content_type="text/plain"))

    call = asyncio.ensure_future(orchestration_v2_get_instance(core, "i"))
    await clock.sleeping.wait()
    await core.aclose()
    clock.wake.set()
    result = await call

    assert isinstance(result, Err)
    assert len(server.requests) == 1
    assert core._session is None


async def test_a_call_fetching_a_token_when_the_core_closes_ends_as_err(server, make_core) -> None:
    core: SDKCore = make_core(security=Security(client_id="c", client_secret=CLIENT_SECRET))
    server.token_gate = asyncio.Event()

    call = asyncio.ensure_future(orchestration_v2_get_instance(core, "i"))
    await server.token_arrived.wait()
    await core.aclose()
    server.token_gate.set()
    result = await call

    assert isinstance(result, Err)
    assert server.requests == []


# --- 10. one core, several event loops ------------------------------------------------------------


def test_a_core_survives_successive_asyncio_runs() -> None:
    with ThreadedServer(INSTANCE) as http:
        core = SDKCore(server_url=http.url, retries=RetryConfig.none())

        first = asyncio.run(orchestration_v2_get_instance(core, "i"))
        second = asyncio.run(orchestration_v2_get_instance(core, "i"))
        third = asyncio.run(orchestration_v2_get_instance(core, "i"))
        asyncio.run(core.aclose())
        gc.collect()  # the sessions of the finished loops would warn here

    assert isinstance(first, Ok), first
    assert isinstance(second, Ok), second
    assert isinstance(third, Ok), third


def test_a_core_used_by_two_running_loops_at_once_says_so() -> None:
    with ThreadedServer(INSTANCE) as http:
        core = SDKCore(server_url=http.url, retries=RetryConfig.none())
        outcome: list[object] = []
        worker = threading.Thread(
            target=lambda: outcome.append(asyncio.run(orchestration_v2_get_instance(core, "slow")))
        )
        worker.start()
        assert http.arrived.wait(10)

        meanwhile = asyncio.run(orchestration_v2_get_instance(core, "i"))
        http.release.set()
        worker.join()
        gc.collect()

    assert isinstance(meanwhile, Err)
    assert isinstance(meanwhile.error, InvalidRequestError)
    assert "event loop" in meanwhile.error.message
    assert isinstance(outcome[0], Ok), outcome


# --- 14. sessions the caller owns -----------------------------------------------------------


async def test_a_closed_caller_session_is_an_err(server) -> None:
    session = aiohttp.ClientSession()
    await session.close()
    core = SDKCore(server_url=server.url, session=session)

    result = await orchestration_v2_get_instance(core, "i")

    assert isinstance(result, Err)
    assert isinstance(result.error, InvalidRequestError)
    assert "session" in result.error.message
    assert server.requests == []
    await core.aclose()


async def test_a_caller_session_closed_mid_call_is_an_err(server) -> None:
    gate = asyncio.Event()
    server.reply(Reply(json={"data": instance_json()}, gate=gate))
    session = aiohttp.ClientSession()
    core = SDKCore(server_url=server.url, session=session)

    call = asyncio.ensure_future(orchestration_v2_get_instance(core, "i"))
    await server.received(1)
    await session.close()
    gate.set()
    result = await call

    assert isinstance(result, Err)
    assert isinstance(result.error, APIConnectionError | InvalidRequestError)
    await core.aclose()


@pytest.mark.filterwarnings("ignore::ResourceWarning")
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_a_loop_closed_by_hand_leaves_its_connections_to_the_collector() -> None:
    """Documented limit: without asyncio.run's shutdown of async generators, the core's session
    cannot close inside its loop; the next loop still gets a working session."""
    with ThreadedServer(INSTANCE) as http:
        core = SDKCore(server_url=http.url, retries=RetryConfig.none())
        loop = asyncio.new_event_loop()
        first = loop.run_until_complete(orchestration_v2_get_instance(core, "i"))
        loop.close()

        second = asyncio.run(orchestration_v2_get_instance(core, "i"))
        asyncio.run(core.aclose())
        gc.collect()

    assert isinstance(first, Ok)
    assert isinstance(second, Ok), second
