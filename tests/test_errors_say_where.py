"""Errors that say where and why: URLs, token failures told apart, logs, readable redaction."""

from __future__ import annotations

import asyncio
import logging

import pytest

from formance_orch import (
    APIConnectionError,
    APIError,
    AuthenticationError,
    Err,
    Ok,
    RequestOptions,
    RequestTimeoutError,
    RetryConfig,
    SDKCore,
    Security,
)
from formance_orch.errors import REDACTED, redact
from formance_orch.funcs.orchestration_v2_get_instance import orchestration_v2_get_instance
from formance_orch.funcs.orchestration_v2_test_trigger import orchestration_v2_test_trigger
from tests.conftest import CLIENT_SECRET
from tests.support import Reply, refused_url

NO_RETRY = RequestOptions(retries=RetryConfig.none())


async def test_a_refused_connection_names_the_url(make_core) -> None:
    base = refused_url()
    core: SDKCore = make_core(server_url=base)

    result = await orchestration_v2_get_instance(core, "inst-1", options=NO_RETRY)

    assert isinstance(result, Err)
    error = result.error
    assert isinstance(error, APIConnectionError)
    port = base.rsplit(":", 1)[1]
    expected = f"http://127.0.0.1:{port}/api/orchestration/v2/instances/inst-1"
    assert error.url == expected
    assert expected in error.message
    assert error.sent is False


async def test_a_timeout_names_the_url_without_the_query(server, make_core) -> None:
    core: SDKCore = make_core()
    server.reply(Reply(hang=True))
    options = RequestOptions(retries=RetryConfig.none(), timeout=0.1)

    from formance_orch.funcs.orchestration_v2_list_instances import (
        orchestration_v2_list_instances,
    )

    result = await orchestration_v2_list_instances(core, cursor="secret-ish", options=options)

    assert isinstance(result, Err)
    error = result.error
    assert isinstance(error, RequestTimeoutError)
    assert error.url == f"{server.url}/api/orchestration/v2/instances"
    assert error.url in error.message
    assert "secret-ish" not in error.message


async def test_a_broken_connection_names_the_url(server, make_core) -> None:
    core: SDKCore = make_core()
    server.reply(Reply(drop=True))

    result = await orchestration_v2_get_instance(core, "i", options=NO_RETRY)

    assert isinstance(result, Err)
    assert isinstance(result.error, APIConnectionError)
    assert result.error.url == f"{server.url}/api/orchestration/v2/instances/i"
    assert result.error.sent is True


async def test_an_unreachable_token_endpoint_reads_as_unreachable(make_core) -> None:
    token_url = refused_url() + "/oauth/token"
    core: SDKCore = make_core(
        security=Security(client_id="c", client_secret=CLIENT_SECRET, token_url=token_url)
    )

    result = await orchestration_v2_get_instance(core, "i", options=NO_RETRY)

    assert isinstance(result, Err)
    error = result.error
    assert isinstance(error, AuthenticationError)
    assert error.status is None
    assert error.url == token_url
    assert f"the token endpoint {token_url} could not be reached" in error.message
    assert error.oauth_error is None


async def test_refused_credentials_read_as_refused_with_the_servers_reason(server, core) -> None:
    server.token_script = [
        Reply(
            status=401,
            json={"error": "invalid_client", "error_description": "Client authentication failed"},
        )
    ]

    result = await orchestration_v2_get_instance(core, "i")

    assert isinstance(result, Err)
    error = result.error
    assert isinstance(error, AuthenticationError)
    assert error.status == 401
    assert error.url == server.token_url
    assert error.oauth_error == "invalid_client"
    assert error.oauth_error_description == "Client authentication failed"
    assert error.message == (
        f"the token endpoint {server.token_url} refused the credentials: "
        "HTTP 401: invalid_client (Client authentication failed)"
    )
    assert not error.transient


@pytest.mark.parametrize("status", [503, 429, 408])
async def test_a_failing_token_endpoint_reads_as_failing(server, make_core, status) -> None:
    core: SDKCore = make_core(
        security=Security(client_id="c", client_secret=CLIENT_SECRET), retries=RetryConfig.none()
    )
    server.token_script = [Reply(status=status, body="maintenance", content_type="text/plain")]

    result = await orchestration_v2_get_instance(core, "i")

    assert isinstance(result, Err)
    assert isinstance(result.error, AuthenticationError)
    assert f"failed: HTTP {status}" in result.error.message
    assert result.error.body == "maintenance"
    assert result.error.transient


async def test_a_token_endpoint_that_does_not_answer_reads_as_such(server, make_core) -> None:
    core: SDKCore = make_core(
        security=Security(client_id="c", client_secret=CLIENT_SECRET),
        retries=RetryConfig.none(),
        timeout=0.1,
    )
    server.token_gate = asyncio.Event()  # never set: the token endpoint never answers

    result = await orchestration_v2_get_instance(core, "i")

    assert isinstance(result, Err)
    assert isinstance(result.error, AuthenticationError)
    assert "did not answer within 0.1 s" in result.error.message
    server.token_gate.set()


# --- redaction that never mangles -------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "secret", "expected"),
    [
        ("instance not found", "s", "instance not found"),
        ("Bearer t", "t", f"Bearer {REDACTED}"),
        ("client_secret=s&x=1", "s", f"client_secret={REDACTED}&x=1"),
        ('{"token": "t"}', "t", f'{{"token": "{REDACTED}"}}'),
        ("state: t1, t", "t", f"state: t1, {REDACTED}"),
        ("a-secret-value-long-enough!", "secret-value-long", f"a-{REDACTED}-enough!"),
        ("xx-glued-long-secret-value-yy", "glued-long-secret-value", f"xx-{REDACTED}-yy"),
        ("prefixglued-long-secret-value", "glued-long-secret-value", f"prefix{REDACTED}"),
        ("secret=a%2Fb%2Bc", "a/b+c", f"secret={REDACTED}"),
        ("secret=a+b", "a b", f"secret={REDACTED}"),
        ('{"s": "a\\"b"}', 'a"b', f'{{"s": "{REDACTED}"}}'),
    ],
)
def test_redaction_replaces_secrets_as_values_and_leaves_words_alone(
    text, secret, expected
) -> None:
    assert redact(text, [secret]) == expected


async def test_a_short_development_secret_does_not_mangle_messages(server, make_core) -> None:
    core: SDKCore = make_core(
        security=Security(client_id="c", client_secret="s"), retries=RetryConfig.none()
    )
    server.token_script = [Reply(json={"access_token": "t", "expires_in": 3600})]
    server.reply(
        Reply(status=404, json={"errorCode": "NOT_FOUND", "errorMessage": "instance not found"})
    )

    result = await orchestration_v2_get_instance(core, "i")

    assert isinstance(result, Err)
    assert isinstance(result.error, APIError)
    assert result.error.error_message == "instance not found"
    assert str(result.error) == "HTTP 404 NOT_FOUND: instance not found"


# --- bodies in the DEBUG log ------------------------------------------------------------------


async def test_bodies_are_not_logged_by_default(server, core, caplog) -> None:
    caplog.set_level(logging.DEBUG, logger="formance_orch")
    server.reply(Reply(json={"data": {"filter": {"match": True}}}))

    await orchestration_v2_test_trigger(core, "trg", payload={"marker": "request-marker"})

    said = "\n".join(record.getMessage() for record in caplog.records)
    assert "request-marker" not in said
    assert '"match"' not in said


async def test_bodies_can_be_logged_redacted_and_cut(server, make_core, caplog) -> None:
    caplog.set_level(logging.DEBUG, logger="formance_orch")
    core: SDKCore = make_core(
        security=Security(client_id="c", client_secret=CLIENT_SECRET), log_bodies=True
    )
    server.token_format = "long-token-number-{n}"
    server.reply(
        Reply(json={"data": {"filter": {"match": True}}, "echo": "long-token-number-1 " * 100})
    )

    result = await orchestration_v2_test_trigger(
        core, "trg", payload={"marker": "request-marker", "secret": CLIENT_SECRET}
    )

    assert isinstance(result, Ok)
    lines = [record.getMessage() for record in caplog.records]
    request_line = next(line for line in lines if "request body" in line)
    response_line = next(line for line in lines if "response body" in line)
    assert "request-marker" in request_line
    assert CLIENT_SECRET not in request_line
    assert REDACTED in request_line
    assert "long-token-number-1" not in response_line
    assert "more characters]" in response_line  # cut
    assert len(response_line) < 1000


async def test_a_token_url_with_a_query_is_used_and_named_without_it(server, make_core) -> None:
    core: SDKCore = make_core(
        security=Security(
            client_id="c", client_secret=CLIENT_SECRET, token_url=server.token_url + "?p=policy"
        )
    )
    server.token_script = [Reply(status=401, json={"error": "invalid_client"})]

    result = await orchestration_v2_get_instance(core, "i")

    assert isinstance(result, Err)
    assert isinstance(result.error, AuthenticationError)
    assert result.error.url == server.token_url
    assert "p=policy" not in result.error.message
    assert server.token_requests[0].query == {"p": "policy"}


def test_default_ports_are_named() -> None:
    import yarl

    from formance_orch._http import where

    assert where(yarl.URL("https://acme.formance.cloud/api/x?q=1")) == (
        "https://acme.formance.cloud:443/api/x"
    )
