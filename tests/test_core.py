"""SDKCore: configuration, session ownership and lifecycle."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import aiohttp
import pytest

from formance_orch import BearerToken, Ok, SDKCore, Security
from formance_orch.core import DEFAULT_SERVER_URL
from formance_orch.funcs.orchestration_v2_get_instance import orchestration_v2_get_instance
from tests.support import Reply, instance_json

ROOT = Path(__file__).resolve().parent.parent


def test_server_url_defaults(monkeypatch) -> None:
    monkeypatch.delenv("FORMANCE_SERVER_URL", raising=False)
    assert SDKCore().server_url == DEFAULT_SERVER_URL == "http://localhost"

    monkeypatch.setenv("FORMANCE_SERVER_URL", "https://acme.formance.cloud/")
    assert SDKCore().server_url == "https://acme.formance.cloud"
    assert SDKCore(server_url="http://other:8080").server_url == "http://other:8080"


@pytest.mark.parametrize("url", ["ftp://x", "localhost:8080", "http://", "http://h/?q=1"])
def test_bad_server_urls_are_refused_at_construction(url) -> None:
    with pytest.raises(ValueError, match="server_url"):
        SDKCore(server_url=url)


def test_bad_security_is_refused_at_construction() -> None:
    with pytest.raises(TypeError, match="security must be"):
        SDKCore(security="a-token-as-a-plain-string")  # type: ignore[arg-type]


def test_bad_timeout_is_refused() -> None:
    with pytest.raises(ValueError, match="timeout"):
        SDKCore(timeout=0)


def test_repr_shows_configuration_not_secrets() -> None:
    core = SDKCore(
        server_url="http://h", security=Security(client_id="id-1", client_secret="hidden-secret")
    )
    text = repr(core)
    assert "http://h" in text
    assert "id-1" in text
    assert "hidden-secret" not in text


async def test_owned_session_is_created_lazily_and_closed(server) -> None:
    core = SDKCore(server_url=server.url)
    assert core._session is None  # nothing created outside the loop's first call
    server.reply(Reply(json={"data": instance_json()}))

    async with core:
        assert isinstance(await orchestration_v2_get_instance(core, "i"), Ok)
        session = core.session()
        assert not session.closed

    assert session.closed
    assert core.closed


async def test_caller_session_is_used_and_left_open(server) -> None:
    server.reply(Reply(json={"data": instance_json()}))
    async with aiohttp.ClientSession(headers={"X-Caller": "yes"}) as session:
        async with SDKCore(server_url=server.url, session=session) as core:
            assert isinstance(await orchestration_v2_get_instance(core, "i"), Ok)
            assert core.session() is session
        assert not session.closed  # the core does not close what it does not own
    assert server.requests[0].headers["X-Caller"] == "yes"


async def test_a_caller_session_gets_every_header_and_the_token(server) -> None:
    server.reply(Reply(json={"data": instance_json()}))
    async with aiohttp.ClientSession() as session:
        core = SDKCore(server_url=server.url, session=session, security=BearerToken("tok"))
        for _ in range(2):  # the second call reuses the headers built for the token
            assert isinstance(await orchestration_v2_get_instance(core, "i"), Ok)
        await core.aclose()
    assert session.headers == {}  # the core added nothing to the caller's session
    for request in server.requests:
        assert request.headers["Accept"] == "application/json"
        assert request.headers["User-Agent"].startswith("formance-orch-python/")
        assert request.headers["Authorization"] == "Bearer tok"


async def test_aclose_twice_is_harmless(server) -> None:
    core = SDKCore(server_url=server.url)
    core.session()
    await core.aclose()
    await core.aclose()
    assert core.closed


def test_unclosed_sessions_fail_the_suite(tmp_path) -> None:
    """The suite's warning filters turn a leaked session into a failure."""
    leaky = tmp_path / "test_leak.py"
    leaky.write_text(
        textwrap.dedent(
            """
            import gc
            import aiohttp

            async def test_leak():
                aiohttp.ClientSession()
                gc.collect()
            """
        )
    )
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-c",
            str(ROOT / "pyproject.toml"),
            str(leaky),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert completed.returncode != 0, completed.stdout
    assert "Unclosed client session" in completed.stdout + completed.stderr
