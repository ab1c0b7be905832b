"""Driving operations under aioresponses, as users testing their own code do (docs: Testing)."""

from __future__ import annotations

import json

import pytest
from aioresponses import aioresponses

from formance_orch import APIError, BearerToken, Err, ErrorCode, Ok, RetryConfig, SDKCore
from formance_orch.funcs.orchestration_v2_get_instance import orchestration_v2_get_instance
from formance_orch.funcs.orchestration_v2_run_workflow import orchestration_v2_run_workflow
from tests.support import FakeClock, instance_json

SERVER = "http://orchestration.test"
INSTANCE_URL = f"{SERVER}/api/orchestration/v2/instances/inst-1"


@pytest.fixture
async def core(clock: FakeClock):
    async with SDKCore(
        server_url=SERVER,
        security=BearerToken("test-token"),
        clock=clock,
        retries=RetryConfig(jitter=lambda value: value),
    ) as core:
        yield core


async def test_a_success(core: SDKCore) -> None:
    with aioresponses() as mocked:
        mocked.post(
            f"{SERVER}/api/orchestration/v2/workflows/wf-1/instances",
            status=201,
            payload={"data": instance_json(terminated=False)},
        )

        result = await orchestration_v2_run_workflow(core, "wf-1", variables={"amount": "100"})

    assert isinstance(result, Ok)
    assert result.value.id == "inst-1"
    assert result.meta.status == 201
    [call] = next(iter(mocked.requests.values()))
    assert json.loads(call.kwargs["data"]) == {"amount": "100"}
    assert call.kwargs["headers"]["Authorization"] == "Bearer test-token"


async def test_an_api_error(core: SDKCore) -> None:
    with aioresponses() as mocked:
        mocked.get(
            INSTANCE_URL,
            status=404,
            payload={"errorCode": "NOT_FOUND", "errorMessage": "instance not found"},
        )

        result = await orchestration_v2_get_instance(core, "inst-1")

    assert isinstance(result, Err)
    assert isinstance(result.error, APIError)
    assert result.error.error_code == ErrorCode.NOT_FOUND
    assert result.error.error_message == "instance not found"
    assert result.meta.attempts == 1


async def test_a_retry_after_a_server_error(core: SDKCore, clock: FakeClock) -> None:
    with aioresponses() as mocked:
        mocked.get(INSTANCE_URL, status=503, body="upstream busy", content_type="text/plain")
        mocked.get(INSTANCE_URL, status=200, payload={"data": instance_json()})

        result = await orchestration_v2_get_instance(core, "inst-1")

    assert isinstance(result, Ok)
    assert result.meta.attempts == 2
    assert clock.sleeps == [0.5]  # waited in virtual time
    assert len(next(iter(mocked.requests.values()))) == 2
