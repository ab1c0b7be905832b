"""OAuth2 client credentials, static tokens and token providers, on the wire."""

from __future__ import annotations

import asyncio

import pytest

from formance_orch import (
    APIError,
    AuthenticationError,
    BearerToken,
    Err,
    Ok,
    RetryConfig,
    SDKCore,
    Security,
)
from formance_orch.funcs.orchestration_v2_create_workflow import orchestration_v2_create_workflow
from formance_orch.funcs.orchestration_v2_get_instance import orchestration_v2_get_instance
from tests.conftest import CLIENT_SECRET
from tests.support import Reply, instance_json, refused_url, workflow_json


async def test_token_request_form(server, make_core) -> None:
    core = make_core(
        security=Security(client_id="client-1", client_secret=CLIENT_SECRET, scopes=("a", "b"))
    )
    server.reply(Reply(json={"data": instance_json()}))

    await orchestration_v2_get_instance(core, "i")

    (token_request,) = server.token_requests
    assert token_request.method == "POST"
    assert token_request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert token_request.headers["User-Agent"].startswith("formance-orch-python/")
    assert token_request.headers.getall("Accept") == ["application/json"]
    assert token_request.form == {
        "grant_type": "client_credentials",
        "client_id": "client-1",
        "client_secret": CLIENT_SECRET,
        "scope": "a b",
    }
    assert server.requests[0].headers["Authorization"] == "Bearer token-1"


async def test_token_is_reused_across_calls(server, core: SDKCore) -> None:
    server.reply(Reply(json={"data": instance_json()}))

    for _ in range(5):
        assert isinstance(await orchestration_v2_get_instance(core, "i"), Ok)

    assert len(server.token_requests) == 1
    assert {r.headers["Authorization"] for r in server.requests} == {"Bearer token-1"}


async def test_concurrent_first_calls_share_one_token_request(server, core: SDKCore) -> None:
    server.reply(Reply(json={"data": instance_json()}))
    server.token_gate = asyncio.Event()

    calls = [
        asyncio.ensure_future(orchestration_v2_get_instance(core, f"i-{n}")) for n in range(50)
    ]
    await server.token_arrived.wait()
    server.token_gate.set()
    results = await asyncio.gather(*calls)

    assert all(isinstance(result, Ok) for result in results)
    assert len(server.token_requests) == 1
    assert len(server.requests) == 50
    assert {r.headers["Authorization"] for r in server.requests} == {"Bearer token-1"}


async def test_a_cancelled_caller_does_not_cancel_the_shared_token_request(
    server, core: SDKCore
) -> None:
    server.reply(Reply(json={"data": instance_json()}))
    server.token_gate = asyncio.Event()
    first = asyncio.ensure_future(orchestration_v2_get_instance(core, "a"))
    second = asyncio.ensure_future(orchestration_v2_get_instance(core, "b"))
    await server.token_arrived.wait()

    first.cancel()
    server.token_gate.set()

    assert isinstance(await second, Ok)
    assert first.cancelled()
    assert len(server.token_requests) == 1


async def test_token_refreshed_60_seconds_before_expiry(server, core: SDKCore, clock) -> None:
    server.token_ttl = 3600
    server.reply(Reply(json={"data": instance_json()}))

    await orchestration_v2_get_instance(core, "i")
    clock.advance(3539)
    await orchestration_v2_get_instance(core, "i")
    assert len(server.token_requests) == 1

    clock.advance(2)  # 3541 s: inside the 60 s margin
    await orchestration_v2_get_instance(core, "i")

    assert len(server.token_requests) == 2
    assert [r.headers["Authorization"] for r in server.requests] == [
        "Bearer token-1",
        "Bearer token-1",
        "Bearer token-2",
    ]


async def test_401_fetches_one_new_token_and_retries_once(server, core: SDKCore) -> None:
    server.reply(
        Reply(status=401, json={"errorCode": "VALIDATION", "errorMessage": "expired"}),
        Reply(json={"data": instance_json()}),
    )

    result = await orchestration_v2_get_instance(core, "i")

    assert isinstance(result, Ok)
    assert result.meta.attempts == 2
    assert len(server.token_requests) == 2
    assert [r.headers["Authorization"] for r in server.requests] == [
        "Bearer token-1",
        "Bearer token-2",
    ]


async def test_401_twice_is_an_error_after_one_retry(server, make_core) -> None:
    core = make_core(
        security=Security(client_id="c", client_secret=CLIENT_SECRET), retries=RetryConfig.none()
    )
    server.reply(Reply(status=401, body="Unauthorized", content_type="text/plain"))

    result = await orchestration_v2_get_instance(core, "i")

    assert isinstance(result, Err)
    assert result.error.status == 401  # type: ignore[union-attr]
    assert len(server.requests) == 2
    assert len(server.token_requests) == 2


async def test_401_on_a_post_also_gets_its_one_retry(server, core: SDKCore) -> None:
    server.reply(Reply(status=401, body=""), Reply(status=201, json={"data": workflow_json()}))

    result = await orchestration_v2_create_workflow(core, stages=[])

    assert isinstance(result, Ok)
    assert len(server.requests) == 2


async def test_token_endpoint_refusing_gives_an_auth_error(server, core: SDKCore) -> None:
    server.token_script = [
        Reply(status=401, json={"error": "invalid_client", "echo": CLIENT_SECRET}),
    ]

    result = await orchestration_v2_get_instance(core, "i")

    assert isinstance(result, Err)
    error = result.error
    assert isinstance(error, AuthenticationError)
    assert error.status == 401
    assert "invalid_client" in error.body
    assert CLIENT_SECRET not in error.body
    assert server.requests == []  # the API was never called
    assert len(server.token_requests) == 1  # a refusal is not retried


async def test_token_endpoint_without_access_token(server, core: SDKCore) -> None:
    server.token_script = [Reply(json={"token_type": "Bearer"})]

    result = await orchestration_v2_get_instance(core, "i")

    assert isinstance(result, Err)
    assert isinstance(result.error, AuthenticationError)
    assert "access_token" in result.error.message


async def test_unreachable_token_endpoint_gives_an_auth_error(server, make_core, clock) -> None:
    core = make_core(
        security=Security(
            client_id="c", client_secret=CLIENT_SECRET, token_url=refused_url() + "/token"
        ),
        retries=RetryConfig(max_attempts=3, jitter=lambda value: value),
    )

    result = await orchestration_v2_get_instance(core, "i")

    assert isinstance(result, Err)
    assert isinstance(result.error, AuthenticationError)
    assert result.error.status is None
    assert result.meta.attempts == 3
    # Each retry waits out the 1 s during which a failed token fetch is shared.
    assert clock.sleeps == [1.0, 1.0]
    assert server.requests == []


async def test_token_endpoint_5xx_is_retried_then_succeeds(server, core: SDKCore) -> None:
    server.token_script = [
        Reply(status=503, body="busy", content_type="text/plain"),
        Reply(json={"access_token": "fresh", "expires_in": 60}),
    ]
    server.reply(Reply(json={"data": instance_json()}))

    result = await orchestration_v2_get_instance(core, "i")

    assert isinstance(result, Ok)
    assert server.requests[0].headers["Authorization"] == "Bearer fresh"


async def test_relative_token_url_is_resolved_against_the_server(server, make_core) -> None:
    core = make_core(
        security=Security(client_id="c", client_secret="s", token_url="api/auth/oauth/token")
    )
    server.reply(Reply(json={"data": instance_json()}))

    await orchestration_v2_get_instance(core, "i")

    assert len(server.token_requests) == 1


async def test_static_bearer_token(server, make_core) -> None:
    core = make_core(security=BearerToken("static-token"))
    server.reply(Reply(status=401, body=""), Reply(json={"data": instance_json()}))

    result = await orchestration_v2_get_instance(core, "i")

    # A static token cannot be refreshed: the 401 is final.
    assert isinstance(result, Err)
    assert [r.headers["Authorization"] for r in server.requests] == ["Bearer static-token"]
    assert server.token_requests == []


async def test_token_provider_is_asked_again_after_401(server, make_core) -> None:
    issued: list[str] = []

    async def provider() -> str:
        issued.append(f"provided-{len(issued) + 1}")
        return issued[-1]

    core = make_core(security=provider)
    server.reply(Reply(status=401, body=""), Reply(json={"data": instance_json()}))

    result = await orchestration_v2_get_instance(core, "i")

    assert isinstance(result, Ok)
    assert [r.headers["Authorization"] for r in server.requests] == [
        "Bearer provided-1",
        "Bearer provided-2",
    ]


async def test_failing_token_provider_gives_an_auth_error(server, make_core) -> None:
    async def provider() -> str:
        raise RuntimeError("vault says no: password=hunter2")

    core = make_core(security=provider)

    result = await orchestration_v2_get_instance(core, "i")

    assert isinstance(result, Err)
    assert isinstance(result.error, AuthenticationError)
    assert "hunter2" not in str(result.error)
    assert server.requests == []


async def test_no_security_sends_no_authorization(server, make_core) -> None:
    core = make_core()
    server.reply(Reply(status=404, json={"errorCode": "NOT_FOUND", "errorMessage": "nope"}))

    result = await orchestration_v2_get_instance(core, "i")

    assert isinstance(result, Err)
    assert isinstance(result.error, APIError)
    assert "Authorization" not in server.requests[0].headers


async def test_a_token_without_expiry_is_kept_until_refused(server, core, clock) -> None:
    server.token_script = [Reply(json={"access_token": "forever"})]
    server.reply(Reply(json={"data": instance_json()}))

    await orchestration_v2_get_instance(core, "i")
    clock.advance(10 * 365 * 24 * 3600)
    await orchestration_v2_get_instance(core, "i")

    assert len(server.token_requests) == 1


async def test_a_short_lived_token_is_refreshed_at_half_its_life(server, core, clock) -> None:
    server.token_ttl = 100
    server.reply(Reply(json={"data": instance_json()}))

    await orchestration_v2_get_instance(core, "i")
    clock.advance(49)
    await orchestration_v2_get_instance(core, "i")
    clock.advance(2)
    await orchestration_v2_get_instance(core, "i")

    assert len(server.token_requests) == 2


@pytest.mark.parametrize(
    "reply",
    [
        Reply(body="<html>login</html>", content_type="text/html"),
        Reply(json=["access_token"]),
        Reply(json={"access_token": ""}),
    ],
)
async def test_unusable_token_answers(server, make_core, reply) -> None:
    core = make_core(
        security=Security(client_id="c", client_secret=CLIENT_SECRET), retries=RetryConfig.none()
    )
    server.token_script = [reply]

    result = await orchestration_v2_get_instance(core, "i")

    assert isinstance(result, Err)
    assert isinstance(result.error, AuthenticationError)
    assert server.requests == []


async def test_a_token_with_an_unreadable_expiry_is_used(server, core, clock) -> None:
    server.token_script = [Reply(json={"access_token": "t", "expires_in": "soon"})]
    server.reply(Reply(json={"data": instance_json()}))

    await orchestration_v2_get_instance(core, "i")
    clock.advance(10 * 365 * 24 * 3600)
    await orchestration_v2_get_instance(core, "i")

    assert [r.headers["Authorization"] for r in server.requests] == ["Bearer t", "Bearer t"]
    assert len(server.token_requests) == 1


@pytest.mark.parametrize(
    ("expires_in", "kept_until"),
    [("120", 60), ("3600", 3540), ("90.5", 45.25), ("9" * 400, 24 * 3600 - 60)],
)
async def test_a_token_whose_expiry_is_a_decimal_string_expires(
    server, core, clock, expires_in, kept_until
) -> None:
    server.token_script = [
        Reply(json={"access_token": "first", "expires_in": expires_in}),
        Reply(json={"access_token": "second", "expires_in": expires_in}),
    ]
    server.reply(Reply(json={"data": instance_json()}))

    await orchestration_v2_get_instance(core, "i")
    clock.advance(kept_until - 0.01)
    await orchestration_v2_get_instance(core, "i")
    clock.advance(0.02)
    await orchestration_v2_get_instance(core, "i")

    tokens = [r.headers["Authorization"] for r in server.requests]
    assert tokens == ["Bearer first", "Bearer first", "Bearer second"]


@pytest.mark.parametrize("expires_in", ["soon", " 3600", "1e3", "-60", "3600\n", "1."])
async def test_a_token_whose_expiry_string_is_not_plain_seconds_is_kept(
    server, core, clock, expires_in
) -> None:
    server.token_script = [Reply(json={"access_token": "t", "expires_in": expires_in})]
    server.reply(Reply(json={"data": instance_json()}))

    await orchestration_v2_get_instance(core, "i")
    clock.advance(10 * 365 * 24 * 3600)
    await orchestration_v2_get_instance(core, "i")

    assert len(server.token_requests) == 1


async def test_the_token_endpoint_never_receives_an_api_token(server, core: SDKCore, clock) -> None:
    server.reply(Reply(json={"data": instance_json()}))

    await orchestration_v2_get_instance(core, "i")
    clock.advance(3541)  # the next call refreshes the token
    await orchestration_v2_get_instance(core, "i")

    assert len(server.token_requests) == 2
    assert [r.headers["Authorization"] for r in server.requests] == [
        "Bearer token-1",
        "Bearer token-2",
    ]
    assert all("Authorization" not in r.headers for r in server.token_requests)
