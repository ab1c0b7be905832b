"""Hostile answers from the API and the token endpoint: still a Result, and no secret escapes."""

from __future__ import annotations

import asyncio
import gzip
import json
import logging
import tracemalloc
from urllib.parse import quote_plus

import pytest

from formance_orch import (
    APIError,
    AuthenticationError,
    BearerToken,
    Err,
    Ok,
    RequestOptions,
    ResponseValidationError,
    RetryConfig,
    SDKCore,
    Security,
    UnexpectedResponseError,
)
from formance_orch.funcs.orchestration_v2_get_instance import orchestration_v2_get_instance
from formance_orch.funcs.orchestration_v2_read_trigger import orchestration_v2_read_trigger
from formance_orch.funcs.orchestration_v2_run_workflow import orchestration_v2_run_workflow
from formance_orch.funcs.orchestration_v2_test_trigger import orchestration_v2_test_trigger
from formance_orch.security import FAILURE_SHARING, TOKENS_REMEMBERED
from tests import bodies
from tests.conftest import CLIENT_SECRET
from tests.support import RecordingServer, Reply, everything_said_by, instance_json

ACCESS_TOKEN = "eyJhbGciOi-first-access-token"
NO_RETRY = RequestOptions(retries=RetryConfig.none())


def deep_json(depth: int) -> bytes:
    return b'{"data":' + b"[" * depth + b"]" * depth + b"}"


# --- 1. deep JSON ---------------------------------------------------------------------


async def test_deeply_nested_success_body_is_an_unexpected_response(server, core) -> None:
    server.reply(Reply(body=deep_json(3000)))

    result = await orchestration_v2_get_instance(core, "i", options=NO_RETRY)

    assert isinstance(result, Err)
    assert isinstance(result.error, UnexpectedResponseError)
    assert "not valid JSON" in result.error.message


async def test_deeply_nested_error_body_is_an_unexpected_response(server, core) -> None:
    server.reply(Reply(status=400, body=deep_json(3000)))

    result = await orchestration_v2_get_instance(core, "i", options=NO_RETRY)

    assert isinstance(result, Err)
    assert isinstance(result.error, UnexpectedResponseError)


async def test_deeply_nested_token_answer_is_an_auth_error(server, core) -> None:
    server.token_script = [Reply(body=b"[" * 3000 + b"]" * 3000)]

    result = await orchestration_v2_get_instance(core, "i", options=NO_RETRY)

    assert isinstance(result, Err)
    assert isinstance(result.error, AuthenticationError)
    assert server.requests == []


# --- 2. hostile token values ------------------------------------------------------------


@pytest.mark.parametrize("token", ["t\r\nX-Injected: 1", "t\x00u", "t\nu", "tök€n", "a b"])
async def test_a_token_that_cannot_be_a_header_value_is_an_auth_error(server, core, token) -> None:
    server.token_script = [Reply(json={"access_token": token, "expires_in": 3600})]

    result = await orchestration_v2_get_instance(core, "i", options=NO_RETRY)

    assert isinstance(result, Err)
    assert isinstance(result.error, AuthenticationError)
    assert "header" in result.error.message
    assert server.requests == []


@pytest.mark.parametrize("token", ["t\r\nX: 1", "a b", "tök€n", ""])
def test_a_bearer_token_that_cannot_be_a_header_value_is_refused_unquoted(token) -> None:
    with pytest.raises(ValueError, match="BearerToken") as raised:
        BearerToken(token)
    assert token not in str(raised.value) or not token


async def test_a_token_provider_that_does_not_answer_in_time_is_an_auth_error(
    server, make_core
) -> None:
    never = asyncio.Event()

    async def provider() -> str:
        await never.wait()
        return "late"

    core: SDKCore = make_core(security=provider, retries=RetryConfig.none(), timeout=0.05)

    result = await orchestration_v2_get_instance(core, "i")

    assert isinstance(result, Err)
    assert isinstance(result.error, AuthenticationError)
    assert "within 0.05 s" in result.error.message
    assert server.requests == []


async def test_a_provider_token_that_cannot_be_a_header_value_is_an_auth_error(
    server, make_core
) -> None:
    async def provider() -> str:
        return "long-provided-token\r\nX-Injected: 1"

    core: SDKCore = make_core(security=provider, retries=RetryConfig.none())

    result = await orchestration_v2_get_instance(core, "i")

    assert isinstance(result, Err)
    assert isinstance(result.error, AuthenticationError)
    assert "header" in result.error.message
    assert "long-provided-token" not in everything_said_by(result.error)
    assert server.requests == []


async def test_a_token_answer_over_a_mebibyte_is_not_read(server, core) -> None:
    server.token_script = [Reply(body=b'{"access_token": "' + b"t" * (2 * 1024 * 1024) + b'"}')]

    result = await orchestration_v2_get_instance(core, "i", options=NO_RETRY)

    assert isinstance(result, Err)
    assert isinstance(result.error, AuthenticationError)
    assert "over 1048576 bytes" in result.error.message


@pytest.mark.parametrize(
    "expires_in", ["9" * 400, "1e400", "-1e400", "Infinity", "-Infinity", "1e308"]
)
async def test_absurd_token_lifetimes_are_clamped(server, core, clock, expires_in) -> None:
    server.token_script = [Reply(body=f'{{"access_token": "tok", "expires_in": {expires_in}}}')]
    server.reply(Reply(json={"data": instance_json()}))

    first = await orchestration_v2_get_instance(core, "i")
    clock.advance(10)
    second = await orchestration_v2_get_instance(core, "i")

    assert isinstance(first, Ok), first
    assert isinstance(second, Ok), second
    assert len(server.token_requests) == 1
    clock.advance(2 * 24 * 3600)  # beyond the longest lifetime the SDK believes
    await orchestration_v2_get_instance(core, "i")
    assert len(server.token_requests) == 2


@pytest.mark.parametrize("expires_in", ["0", "-5", "NaN", "0.0001"])
async def test_tokens_without_a_usable_lifetime_live_30_seconds(
    server, core, clock, expires_in
) -> None:
    server.token_script = [Reply(body=f'{{"access_token": "tok", "expires_in": {expires_in}}}')]
    server.reply(Reply(json={"data": instance_json()}))

    for _ in range(5):
        assert isinstance(await orchestration_v2_get_instance(core, "i"), Ok)
        clock.advance(5)  # 25 s in all: inside the floor

    assert len(server.token_requests) == 1
    clock.advance(10)
    await orchestration_v2_get_instance(core, "i")
    assert len(server.token_requests) == 2


# --- 5. echoed secrets in every error field ---------------------------------------------


@pytest.fixture
def echoing(server: RecordingServer, make_core):
    server.token_script = [Reply(json={"access_token": ACCESS_TOKEN, "expires_in": 3600})]
    return make_core(
        security=Security(client_id="client-1", client_secret=CLIENT_SECRET),
        retries=RetryConfig.none(),
    )


ECHOES = {
    "error code": Reply(
        status=400, json={"errorCode": f"Bearer {ACCESS_TOKEN}", "errorMessage": "bad"}
    ),
    "details": Reply(
        status=400,
        json={
            "errorCode": "VALIDATION",
            "errorMessage": "bad",
            "details": {"sent": [{"authorization": f"Bearer {ACCESS_TOKEN}"}], ACCESS_TOKEN: 1},
        },
    ),
    "message": Reply(
        status=500, json={"errorCode": "INTERNAL", "errorMessage": f"token {ACCESS_TOKEN}!"}
    ),
    "header": Reply(
        status=502,
        body="bad gateway",
        content_type="text/plain",
        headers={"X-Echo-Authorization": f"Bearer {ACCESS_TOKEN}"},
    ),
    "undecodable field": Reply(
        json={"data": {**bodies.trigger_json(), "createdAt": f"Bearer {ACCESS_TOKEN}"}}
    ),
    "map key": Reply(json={"data": {"variables": {ACCESS_TOKEN: 5}}}),
    "body far past the snippet": Reply(
        status=503, body="x" * 500 + ACCESS_TOKEN, content_type="text/plain"
    ),
}


def call_echoing(core: SDKCore, echo: str):
    if echo == "map key":  # a map of objects: where a key reaches the JSON path
        return orchestration_v2_test_trigger(core, "trg-1", payload={"a": 1})
    return orchestration_v2_read_trigger(core, "trg-1")  # dates: where a value reaches the reason


@pytest.mark.parametrize("echo", ECHOES)
async def test_echoed_token_is_redacted_from_every_error_field(server, echoing, echo) -> None:
    server.reply(ECHOES[echo])

    result = await call_echoing(echoing, echo)

    assert isinstance(result, Err), result
    assert isinstance(result.error, APIError | UnexpectedResponseError | ResponseValidationError)
    said = everything_said_by(result.error) + repr(result) + str(dict(result.meta.headers))
    assert ACCESS_TOKEN not in said
    assert "[redacted]" in said


async def test_redacted_error_keeps_its_shape(server, echoing) -> None:
    server.reply(ECHOES["details"])

    result = await call_echoing(echoing, "details")

    assert isinstance(result, Err)
    error = result.error
    assert isinstance(error, APIError)
    assert error.details == {
        "sent": [{"authorization": "Bearer [redacted]"}],
        "[redacted]": 1,
    }
    assert error.error_message == "bad"


async def test_validation_path_and_reason_are_redacted(server, echoing) -> None:
    server.reply(ECHOES["map key"])

    result = await call_echoing(echoing, "map key")

    assert isinstance(result, Err)
    assert isinstance(result.error, ResponseValidationError)
    assert result.error.path == '$.data.variables["[redacted]"]'


# --- 6. every token the core has held ------------------------------------------------------


async def test_the_token_an_attempt_sent_is_redacted_after_a_refresh(server, core, clock) -> None:
    server.token_format = "long-token-number-{n}"
    server.token_ttl = 100
    gate = asyncio.Event()
    echo = Reply(
        status=400,
        json={"errorCode": "VALIDATION", "errorMessage": "sent long-token-number-1"},
        gate=gate,
    )
    server.reply(echo, Reply(json={"data": instance_json()}))

    slow = asyncio.ensure_future(orchestration_v2_get_instance(core, "i", options=NO_RETRY))
    await server.received(1)
    # Enough refreshes that the core itself no longer remembers token 1: only the
    # attempt that sent it can redact it.
    for _ in range(TOKENS_REMEMBERED + 1):
        clock.advance(60)  # the token is now due for a refresh
        assert isinstance(await orchestration_v2_get_instance(core, "j"), Ok)
    last = f"Bearer long-token-number-{TOKENS_REMEMBERED + 2}"
    assert server.requests[-1].headers["Authorization"] == last
    assert "long-token-number-1" not in core.secrets()
    gate.set()
    result = await slow

    assert isinstance(result, Err)
    assert "long-token-number-1" not in everything_said_by(result.error)


async def test_older_tokens_stay_redacted(server, core, clock) -> None:
    server.token_format = "long-token-number-{n}"
    server.token_ttl = 100
    server.reply(Reply(json={"data": instance_json()}))
    for _ in range(3):
        assert isinstance(await orchestration_v2_get_instance(core, "i"), Ok)
        clock.advance(60)
    server.reply(
        Reply(
            status=400,
            json={
                "errorCode": "VALIDATION",
                "errorMessage": "seen long-token-number-1 long-token-number-2",
            },
        )
    )

    result = await orchestration_v2_get_instance(core, "i", options=NO_RETRY)

    assert isinstance(result, Err)
    assert len(server.token_requests) == 4
    said = everything_said_by(result.error)
    assert "long-token-number-1" not in said
    assert "long-token-number-2" not in said


# --- 7. the client secret never leaves ------------------------------------------------------

ODD_SECRET = "s3cr3t/with+special chars&more=yes"


async def test_token_refusal_echoing_the_form_is_redacted(server, make_core) -> None:
    core = make_core(security=Security(client_id="c", client_secret=ODD_SECRET))
    form = f"grant_type=client_credentials&client_id=c&client_secret={quote_plus(ODD_SECRET)}"
    server.token_script = [
        Reply(
            status=400,
            json={
                "error": "invalid_request",
                "error_description": f"got {form}",
                "raw": ODD_SECRET,
            },
        )
    ]

    result = await orchestration_v2_get_instance(core, "i")

    assert isinstance(result, Err)
    error = result.error
    assert isinstance(error, AuthenticationError)
    said = everything_said_by(error)
    assert ODD_SECRET not in said
    assert quote_plus(ODD_SECRET) not in said
    assert json.dumps(ODD_SECRET) not in said
    assert "client_secret=[redacted]" in error.body


async def test_token_endpoint_redirects_are_not_followed(server, make_core, clock) -> None:
    elsewhere = RecordingServer()
    await elsewhere.start()
    try:
        core = make_core(security=Security(client_id="c", client_secret=CLIENT_SECRET))
        for status in (301, 302, 307, 308):
            clock.advance(2)  # past the 1 s during which a failure is shared
            server.token_script = [
                Reply(status=status, body=b"", headers={"Location": elsewhere.token_url})
            ]
            result = await orchestration_v2_get_instance(core, "i", options=NO_RETRY)

            assert isinstance(result, Err)
            assert isinstance(result.error, AuthenticationError)
            assert result.error.status == status
            assert "redirect" in result.error.message
        assert elsewhere.token_requests == []
        assert elsewhere.requests == []
    finally:
        await elsewhere.close()


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
async def test_api_redirects_are_not_followed(server, core, status) -> None:
    elsewhere = RecordingServer()
    await elsewhere.start()
    try:
        target = elsewhere.url + "/api/orchestration/v2/workflows/wf-1/instances"
        server.reply(Reply(status=status, body=b"", headers={"Location": target}))

        result = await orchestration_v2_run_workflow(core, "wf-1", options=NO_RETRY)

        assert isinstance(result, Err)
        assert isinstance(result.error, UnexpectedResponseError)
        assert result.error.status == status
        port = elsewhere.url.rsplit(":", 1)[1]
        assert "redirect, which the SDK does not follow" in result.error.message
        assert f"to http://127.0.0.1:{port}/api/orchestration/v2/workflows" in result.error.message
        assert [request.method for request in server.requests] == ["POST"]
        assert elsewhere.requests == []
    finally:
        await elsewhere.close()


async def test_a_redirect_shows_where_it_points_without_credentials_or_query(server, core) -> None:
    location = "https://user:hunter2-password@moved.example:8443/api/orchestration?key=sesame"
    server.reply(Reply(status=308, body=b"", headers={"Location": location}))

    result = await orchestration_v2_get_instance(core, "i", options=NO_RETRY)

    assert isinstance(result, Err)
    assert "to https://moved.example:8443/api/orchestration:" in result.error.message
    assert "hunter2" not in result.error.message
    assert "sesame" not in result.error.message


@pytest.mark.parametrize(
    ("location", "shown"),
    [
        ("/elsewhere/v2", ", to /elsewhere/v2:"),
        (None, "follow"),
        ("http://[::1", "follow"),
        ("//evil.example/x", "follow"),
        ("mailto:ops@example.com", "follow"),
        ("?only=a-query", "follow"),
        ("http://h.example/" + "a" * 5000, "/" + "a" * 150),
    ],
)
async def test_a_redirect_with_a_relative_missing_or_broken_location(
    server, core, location, shown
) -> None:
    headers = {} if location is None else {"Location": location}
    server.reply(Reply(status=302, body=b"", headers=headers))

    result = await orchestration_v2_get_instance(core, "i", options=NO_RETRY)

    assert isinstance(result, Err)
    assert isinstance(result.error, UnexpectedResponseError)
    message = result.error.message
    assert "a redirect, which the SDK does not follow" in message
    assert shown in message
    assert len(message) < 400
    if shown == "follow":  # nothing worth quoting: no target at all
        assert message.endswith("does not follow")


# --- 8. Retry-After ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "Mon, 01 Jan 2020 00:00:00 +99999999999999999999",
        "Mon, 01 Jan 2020 00:00:00 -99999999999999999999",
        "1e999",
        "nan",
        "Mon, 99 Foo 99999999999 99:99:99 GMT",
    ],
)
async def test_hostile_retry_after_is_ignored(server, core, clock, value) -> None:
    server.reply(
        Reply(status=503, body="", headers={"Retry-After": value}),
        Reply(json={"data": instance_json()}),
    )

    result = await orchestration_v2_get_instance(core, "i")

    assert isinstance(result, Ok), result
    assert clock.sleeps == [0.5]  # the computed backoff, not the header


# --- max_response_bytes --------------------------------------------------------------------


async def test_a_gzip_bomb_is_refused_without_inflating_it(server, core) -> None:
    inflated = 64 * 1024 * 1024
    bomb = gzip.compress(b'{"data": "' + b"A" * inflated + b'"}', compresslevel=9)
    assert len(bomb) < 128 * 1024
    server.reply(Reply(body=bomb, headers={"Content-Encoding": "gzip"}))
    options = RequestOptions(retries=RetryConfig.none(), max_response_bytes=1024 * 1024)

    tracemalloc.start()
    try:
        result = await orchestration_v2_get_instance(core, "i", options=options)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert isinstance(result, Err)
    assert isinstance(result.error, UnexpectedResponseError)
    assert "max_response_bytes" in result.error.message
    assert peak < 16 * 1024 * 1024


async def test_a_declared_length_beyond_the_cap_is_refused_before_reading(
    server, make_core
) -> None:
    core = make_core(max_response_bytes=1000, retries=RetryConfig.none())
    server.reply(Reply(body=b"[" + b"0," * 1000 + b"0]"))

    result = await orchestration_v2_get_instance(core, "i")

    assert isinstance(result, Err)
    assert isinstance(result.error, UnexpectedResponseError)
    assert "1000" in result.error.message
    # The core is still usable, on a fresh or reused connection.
    server.reply(Reply(json={"data": instance_json()}))
    assert isinstance(await orchestration_v2_get_instance(core, "i"), Ok)


async def test_bodies_up_to_the_cap_are_read(server, make_core) -> None:
    answer = json.dumps({"data": instance_json()}).encode()
    core = make_core(max_response_bytes=len(answer))
    server.reply(Reply(body=answer))

    assert isinstance(await orchestration_v2_get_instance(core, "i"), Ok)


@pytest.mark.parametrize("bad", [0, -1, 1.5, True, "10"])
def test_max_response_bytes_must_be_a_positive_int(bad) -> None:
    with pytest.raises(ValueError, match="max_response_bytes"):
        SDKCore(max_response_bytes=bad)
    with pytest.raises(ValueError, match="max_response_bytes"):
        RequestOptions(max_response_bytes=bad)


# --- 11. the shared token fetch, timed by the core -------------------------------------------


async def test_one_callers_short_timeout_does_not_fail_the_others(server, make_core) -> None:
    core = make_core(
        security=Security(client_id="c", client_secret=CLIENT_SECRET), retries=RetryConfig.none()
    )
    server.reply(Reply(json={"data": instance_json()}))
    server.token_gate = asyncio.Event()

    hasty = asyncio.ensure_future(
        orchestration_v2_get_instance(core, "i", options=RequestOptions(timeout=0.2))
    )
    await server.token_arrived.wait()
    patient = [
        asyncio.ensure_future(
            orchestration_v2_get_instance(core, "i", options=RequestOptions(timeout=30))
        )
        for _ in range(9)
    ]
    hasty_result = await hasty
    server.token_gate.set()
    results = await asyncio.gather(*patient)

    assert isinstance(hasty_result, Err)
    assert isinstance(hasty_result.error, AuthenticationError)
    assert "0.2" in hasty_result.error.message
    assert all(isinstance(result, Ok) for result in results), results
    assert len(server.token_requests) == 1


# --- the token herd -----------------------------------------------------------------------------


class FrozenClock:
    """Time stands still for the SDK (every failure stays fresh); sleeps are recorded, not slept."""

    def __init__(self) -> None:
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return 500.0

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        await asyncio.sleep(0)


async def test_callers_share_a_fresh_token_failure(server, make_core) -> None:
    # Without sharing, a caller retrying after the failed fetch would start a token
    # request of its own (19-20 of 20 callers did, before).
    clock = FrozenClock()
    core = make_core(
        security=Security(client_id="c", client_secret=CLIENT_SECRET),
        clock=clock,
        retries=RetryConfig(max_attempts=4, initial_backoff=0.02),
    )
    server.token_script = [Reply(status=500, body="down", content_type="text/plain")]

    results = await asyncio.gather(
        *(orchestration_v2_get_instance(core, f"i-{n}") for n in range(20))
    )

    assert all(isinstance(result, Err) for result in results)
    assert all(isinstance(result.error, AuthenticationError) for result in results)  # type: ignore[union-attr]
    assert all(result.meta.attempts == 4 for result in results)
    # Time stands still, so the first failure stays fresh: nobody asks again.
    assert len(server.token_requests) == 1
    # Each retry waited out the sharing (1 s), not just its own backoff (0.02 s and up).
    assert sorted(set(clock.sleeps)) == [FAILURE_SHARING]
    assert len(clock.sleeps) == 20 * 3


async def test_a_failure_is_not_shared_once_it_is_stale(server, core, clock) -> None:
    server.token_script = [
        Reply(status=500, body="down", content_type="text/plain"),
        Reply(json={"access_token": "fresh", "expires_in": 3600}),
    ]
    server.reply(Reply(json={"data": instance_json()}))

    failed = await orchestration_v2_get_instance(core, "i", options=NO_RETRY)
    clock.advance(1.5)
    recovered = await orchestration_v2_get_instance(core, "i", options=NO_RETRY)

    assert isinstance(failed, Err)
    assert isinstance(recovered, Ok)
    assert len(server.token_requests) == 2


async def test_a_retry_waits_out_the_shared_failure_then_asks_again(server, core, clock) -> None:
    server.token_script = [
        Reply(status=503, body="busy", content_type="text/plain"),
        Reply(json={"access_token": "fresh", "expires_in": 3600}),
    ]
    server.reply(Reply(json={"data": instance_json()}))

    result = await orchestration_v2_get_instance(core, "i")

    assert isinstance(result, Ok)
    # The backoff says 0.5 s, but the failure is shared for 1 s: asking sooner is pointless.
    assert clock.sleeps == [1.0]
    assert result.meta.attempts == 2
    assert len(server.token_requests) == 2


# --- token requests in the DEBUG log -------------------------------------------------------------


async def test_token_requests_are_logged_without_secrets(server, core, caplog) -> None:
    caplog.set_level(logging.DEBUG, logger="formance_orch")
    server.token_format = "long-token-number-{n}"
    server.reply(Reply(json={"data": instance_json()}))

    await orchestration_v2_get_instance(core, "i")

    lines = [record.getMessage() for record in caplog.records]
    token_lines = [line for line in lines if "token" in line and server.token_url in line]
    assert token_lines, lines
    assert any("200" in line and " ms" in line for line in token_lines)
    said = "\n".join(lines)
    assert CLIENT_SECRET not in said
    assert "long-token-number-1" not in said


# --- what meta.attempts counts ----------------------------------------------------------------


@pytest.mark.parametrize(("method", "resent"), [("GET", True), ("POST", False)])
async def test_aiohttps_hidden_resend_is_part_of_the_attempt(raw_server, method, resent) -> None:
    """A kept-alive connection the server closed: aiohttp re-sends GETs (not POSTs) by itself."""
    from formance_orch.funcs.orchestration_v2_send_event import orchestration_v2_send_event

    ok = b"HTTP/1.1 204 No Content\r\n\r\n" if method == "POST" else None
    instance = json.dumps({"data": instance_json()}).encode()
    raw_server.good = ok or (
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
        + f"Content-Length: {len(instance)}\r\n\r\n".encode()
        + instance
    )

    async def close_the_second(writer, server, body) -> bool:
        if server.requests == 2:
            return False  # closes the kept-alive connection without answering
        writer.write(server.good)
        return True

    raw_server.fault = close_the_second
    core = SDKCore(server_url=raw_server.url, retries=RetryConfig.none())
    try:

        def call():
            if method == "GET":
                return orchestration_v2_get_instance(core, "i")
            return orchestration_v2_send_event(core, "i", name="go")

        assert isinstance(await call(), Ok)
        second = await call()
    finally:
        await core.aclose()

    if resent:
        assert isinstance(second, Ok), second
        assert raw_server.requests == 3  # the server saw 3 requests
    else:
        assert isinstance(second, Err)
        assert raw_server.requests == 2
    assert second.meta.attempts == 1  # the SDK made one attempt
