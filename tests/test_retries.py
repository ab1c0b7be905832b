"""The retry policy, observed on the wire and in virtual time."""

from __future__ import annotations

import email.utils

import pytest

from formance_orch import (
    APIConnectionError,
    APIError,
    Err,
    Ok,
    RequestOptions,
    RequestTimeoutError,
    RetryConfig,
    UnexpectedResponseError,
)
from formance_orch.funcs.orchestration_v2_create_workflow import orchestration_v2_create_workflow
from formance_orch.funcs.orchestration_v2_get_instance import orchestration_v2_get_instance
from formance_orch.retries import Failure, parse_retry_after
from tests.support import Reply, instance_json, refused_url, workflow_json

UNAVAILABLE = Reply(status=503, body="upstream unavailable", content_type="text/plain")
INTERNAL = Reply(status=500, json={"errorCode": "INTERNAL", "errorMessage": "boom"})


async def test_get_503_then_200_succeeds_on_the_second_attempt(server, core, clock) -> None:
    server.reply(UNAVAILABLE, Reply(json={"data": instance_json()}))

    result = await orchestration_v2_get_instance(core, "i")

    assert isinstance(result, Ok)
    assert result.meta.attempts == 2
    assert len(server.requests) == 2
    assert clock.sleeps == [0.5]  # initial backoff (jitter disabled in these tests)


async def test_429_retry_after_seconds_is_honoured(server, core, clock) -> None:
    server.reply(
        Reply(
            status=429, body="slow down", content_type="text/plain", headers={"Retry-After": "2"}
        ),
        Reply(json={"data": instance_json()}),
    )

    result = await orchestration_v2_get_instance(core, "i")

    assert isinstance(result, Ok)
    assert clock.sleeps == [2.0]
    assert result.meta.elapsed == pytest.approx(2.0)


async def test_retry_after_is_capped(server, make_core, clock) -> None:
    core = make_core(retries=RetryConfig(max_retry_after=5, jitter=lambda value: value))
    server.reply(
        Reply(status=503, body="", headers={"Retry-After": "30"}),
        Reply(json={"data": instance_json()}),
    )

    await orchestration_v2_get_instance(core, "i")

    assert clock.sleeps == [5.0]


async def test_post_answered_500_is_not_retried_by_default(server, core, clock) -> None:
    server.reply(INTERNAL, Reply(status=201, json={"data": workflow_json()}))

    result = await orchestration_v2_create_workflow(core, stages=[])

    assert isinstance(result, Err)
    assert isinstance(result.error, APIError)
    assert result.error.status == 500
    assert len(server.requests) == 1
    assert clock.sleeps == []


async def test_post_answered_429_is_retried(server, core) -> None:
    server.reply(Reply(status=429, body=""), Reply(status=201, json={"data": workflow_json()}))

    result = await orchestration_v2_create_workflow(core, stages=[])

    assert isinstance(result, Ok)
    assert len(server.requests) == 2


async def test_post_retries_on_500_when_the_caller_opts_in(server, core) -> None:
    server.reply(INTERNAL, Reply(status=201, json={"data": workflow_json()}))
    opt_in = RequestOptions(retries=RetryConfig(retry_non_idempotent=True, jitter=lambda v: v))

    result = await orchestration_v2_create_workflow(core, stages=[], options=opt_in)

    assert isinstance(result, Ok)
    assert len(server.requests) == 2


async def test_connection_refused_is_retried_per_policy(make_core, clock) -> None:
    core = make_core(server_url=refused_url())

    result = await orchestration_v2_get_instance(core, "i")

    assert isinstance(result, Err)
    assert isinstance(result.error, APIConnectionError)
    assert result.error.sent is False
    assert result.meta.attempts == 4
    assert clock.sleeps == [0.5, 1.0, 2.0]


async def test_connection_refused_is_retried_even_for_a_post(make_core) -> None:
    core = make_core(server_url=refused_url())

    result = await orchestration_v2_create_workflow(core, stages=[])

    assert result.meta.attempts == 4


async def test_retries_stop_at_max_attempts(server, core, clock) -> None:
    server.reply(UNAVAILABLE)

    result = await orchestration_v2_get_instance(core, "i")

    assert isinstance(result, Err)
    assert isinstance(result.error, UnexpectedResponseError)
    assert result.error.status == 503
    assert len(server.requests) == 4
    assert result.meta.attempts == 4
    assert clock.sleeps == [0.5, 1.0, 2.0]


async def test_retries_stop_before_crossing_max_elapsed(server, make_core, clock) -> None:
    core = make_core(retries=RetryConfig(max_elapsed=10, max_attempts=10, jitter=lambda v: v))
    server.reply(Reply(status=503, body="", headers={"Retry-After": "4"}))

    result = await orchestration_v2_get_instance(core, "i")

    assert isinstance(result, Err)
    assert clock.sleeps == [4.0, 4.0]  # a third wait would end at 12 s > 10 s
    assert len(server.requests) == 3


async def test_backoff_is_capped_by_max_backoff(server, make_core, clock) -> None:
    retries = RetryConfig(max_attempts=6, max_backoff=3, max_elapsed=100, jitter=lambda v: v)
    core = make_core(retries=retries)
    server.reply(UNAVAILABLE)

    await orchestration_v2_get_instance(core, "i")

    assert clock.sleeps == [0.5, 1.0, 2.0, 3.0, 3.0]


async def test_full_jitter_stays_within_the_backoff(server, make_core, clock) -> None:
    core = make_core(retries=RetryConfig(max_attempts=6, max_elapsed=100))
    server.reply(UNAVAILABLE)

    await orchestration_v2_get_instance(core, "i")

    assert len(clock.sleeps) == 5
    for wait, ceiling in zip(clock.sleeps, [0.5, 1, 2, 4, 8], strict=True):
        assert 0 <= wait <= ceiling


async def test_retry_config_none_disables_retries(server, core) -> None:
    server.reply(UNAVAILABLE)

    await orchestration_v2_get_instance(
        core, "i", options=RequestOptions(retries=RetryConfig.none())
    )

    assert len(server.requests) == 1


async def test_non_retryable_status_is_final(server, core) -> None:
    server.reply(Reply(status=400, json={"errorCode": "VALIDATION", "errorMessage": "bad"}))

    result = await orchestration_v2_get_instance(core, "i")

    assert isinstance(result, Err)
    assert len(server.requests) == 1


async def test_timeout_becomes_a_timeout_error(server, make_core) -> None:
    core = make_core(retries=RetryConfig.none(), timeout=0.05)
    server.reply(Reply(hang=True))

    result = await orchestration_v2_get_instance(core, "i")

    assert isinstance(result, Err)
    assert isinstance(result.error, RequestTimeoutError)
    assert result.error.timeout == 0.05


async def test_per_call_timeout_overrides_the_core(server, core) -> None:
    server.reply(Reply(json={"data": instance_json()}), Reply(hang=True))
    # The token first, so that the short timeout below bounds the API request alone.
    assert isinstance(await orchestration_v2_get_instance(core, "i"), Ok)
    options = RequestOptions(timeout=0.05, retries=RetryConfig.none())

    result = await orchestration_v2_get_instance(core, "i", options=options)

    assert isinstance(result, Err)
    assert isinstance(result.error, RequestTimeoutError)


async def test_timed_out_post_is_not_retried(server, make_core) -> None:
    core = make_core(timeout=0.05)
    server.reply(Reply(hang=True))

    result = await orchestration_v2_create_workflow(core, stages=[])

    assert isinstance(result.error, RequestTimeoutError)  # type: ignore[union-attr]
    assert len(server.requests) == 1


async def test_dropped_connection_is_a_connection_error(server, make_core) -> None:
    core = make_core(retries=RetryConfig.none())
    server.reply(Reply(drop=True))

    result = await orchestration_v2_get_instance(core, "i")

    assert isinstance(result, Err)
    assert isinstance(result.error, APIConnectionError)
    assert result.error.sent is True


async def test_dropped_connection_is_retried_for_a_get_only(server, core) -> None:
    server.reply(Reply(drop=True), Reply(json={"data": instance_json()}))
    assert isinstance(await orchestration_v2_get_instance(core, "i"), Ok)

    server.reply(Reply(drop=True), Reply(status=201, json={"data": workflow_json()}))
    result = await orchestration_v2_create_workflow(core, stages=[])
    assert isinstance(result, Err)
    assert isinstance(result.error, APIConnectionError)


@pytest.mark.parametrize(
    ("failure", "status", "idempotent", "expected"),
    [
        (Failure.STATUS, 503, True, True),
        (Failure.STATUS, 503, False, False),
        (Failure.STATUS, 429, False, True),
        (Failure.STATUS, 404, True, False),
        (Failure.NOT_SENT, 0, False, True),
        (Failure.BROKEN, 0, True, True),
        (Failure.BROKEN, 0, False, False),
        (Failure.TIMEOUT, 0, True, True),
        (Failure.TIMEOUT, 0, False, False),
        (Failure.FINAL, 0, True, False),
    ],
)
def test_policy_table(failure, status, idempotent, expected) -> None:
    assert RetryConfig().should_retry(failure, status, idempotent=idempotent) is expected


def test_retry_after_parsing() -> None:
    now = 1_700_000_000.0
    date = email.utils.formatdate(now + 7, usegmt=True)
    assert parse_retry_after("3") == 3.0
    assert parse_retry_after(" 1.5 ") == 1.5
    assert parse_retry_after(date, now=now) == pytest.approx(7.0)
    assert parse_retry_after(email.utils.formatdate(now - 50, usegmt=True), now=now) == 0.0
    for bad in (None, "", "-1", "soon", "nan", "inf"):
        assert parse_retry_after(bad) is None


def test_retry_config_rejects_nonsense() -> None:
    with pytest.raises(ValueError, match="max_attempts"):
        RetryConfig(max_attempts=0)
    with pytest.raises(ValueError, match="max_elapsed"):
        RetryConfig(max_elapsed=-1)
