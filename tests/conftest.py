"""Shared fixtures: a recording server on loopback, a virtual clock, cores."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import pytest

from formance_orch import RetryConfig, SDKCore, Security
from tests.support import FakeClock, RecordingServer
from tests.sync_support import ThreadedServer

CLIENT_SECRET = "s3cr3t-client-secret-value"


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say once, visibly, when the contract tests could not run (even with ``-q``)."""
    from tests.contract import MISSING, SPEC

    skipped = [
        report
        for report in terminalreporter.stats.get("skipped", [])
        if MISSING in str(report.longrepr)
    ]
    if skipped:
        terminalreporter.write_sep("-", "contract tests skipped", yellow=True, bold=True)
        terminalreporter.write_line(
            f"{len(skipped)} tests that check requests and responses against the OpenAPI "
            f"contract were skipped: {SPEC} does not exist (it lives in ../shared/reference "
            "beside the checkout; set FORMANCE_ORCH_CONTRACT to point elsewhere)."
        )


@pytest.fixture
async def server() -> AsyncIterator[RecordingServer]:
    recording = RecordingServer()
    await recording.start()
    yield recording
    await recording.close()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def make_core(
    server: RecordingServer, clock: FakeClock
) -> AsyncIterator[Callable[..., SDKCore]]:
    """Build cores against ``server`` in virtual time; all are closed afterwards."""
    cores: list[SDKCore] = []

    def build(**kwargs: Any) -> SDKCore:
        kwargs.setdefault("server_url", server.url)
        kwargs.setdefault("clock", clock)
        kwargs.setdefault("retries", RetryConfig(jitter=lambda value: value))
        core = SDKCore(**kwargs)
        cores.append(core)
        return core

    yield build
    for core in cores:
        await core.aclose()


@pytest.fixture
def core(make_core: Callable[..., SDKCore]) -> SDKCore:
    """A core with OAuth2 client credentials against the recording server."""
    return make_core(security=Security(client_id="client-1", client_secret=CLIENT_SECRET))


@pytest.fixture
def threaded() -> Iterator[ThreadedServer]:
    """A server on a loop in its own thread, for synchronous calls (which block this one)."""
    server = ThreadedServer()
    server.start()
    yield server
    server.close()
