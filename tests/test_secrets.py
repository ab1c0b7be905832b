"""Credentials never leak into reprs, messages or logs, DEBUG included."""

from __future__ import annotations

import logging

import pytest

from formance_orch import BearerToken, Err, RetryConfig, SDKCore, Security
from formance_orch.funcs.orchestration_v2_get_instance import orchestration_v2_get_instance
from tests.conftest import CLIENT_SECRET
from tests.support import Reply, instance_json

ACCESS_TOKEN = "eyJhbGciOi-access-token-value"


def everything_said(result, caplog: pytest.LogCaptureFixture) -> str:
    """All the text a user could see: the result, its error, every log line."""
    parts = [repr(result), str(result)]
    if isinstance(result, Err):
        error = result.error
        parts += [repr(error), str(error), error.message, getattr(error, "body", "")]
    parts += [record.getMessage() for record in caplog.records]
    return "\n".join(parts)


async def test_oauth_secrets_stay_out_of_everything(server, make_core, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    server.token_script = [Reply(json={"access_token": ACCESS_TOKEN, "expires_in": 3600})]
    # An error body that echoes what it was sent, as a debugging proxy might.
    server.reply(
        Reply(json={"data": instance_json()}),
        Reply(
            status=503,
            json={
                "errorCode": "INTERNAL",
                "errorMessage": f"echo Authorization: Bearer {ACCESS_TOKEN}",
            },
        ),
    )
    security = Security(client_id="client-1", client_secret=CLIENT_SECRET)
    core = make_core(security=security, retries=RetryConfig.none())

    ok = await orchestration_v2_get_instance(core, "i")
    failed = await orchestration_v2_get_instance(core, "i")

    assert isinstance(failed, Err)
    said = "\n".join(
        [everything_said(ok, caplog), everything_said(failed, caplog), repr(core), repr(security)]
    )
    assert CLIENT_SECRET not in said
    assert ACCESS_TOKEN not in said
    assert "[redacted]" in said
    # The DEBUG log does describe each attempt.
    assert any("attempt 1" in record.getMessage() for record in caplog.records)
    assert server.requests[0].headers["Authorization"] == f"Bearer {ACCESS_TOKEN}"


async def test_static_token_stays_out_of_logs_and_reprs(server, make_core, caplog) -> None:
    caplog.set_level(logging.DEBUG, logger="formance_orch")
    core: SDKCore = make_core(security=BearerToken(ACCESS_TOKEN))
    server.reply(Reply(json={"data": instance_json()}))

    result = await orchestration_v2_get_instance(core, "i")

    said = everything_said(result, caplog) + repr(core) + repr(BearerToken(ACCESS_TOKEN))
    assert ACCESS_TOKEN not in said
    assert caplog.records, "DEBUG logging produced nothing"
