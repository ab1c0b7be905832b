"""Shared fixtures: a recording server on loopback, a virtual clock, cores.

Also the figures the proof suites (``tests/proof.py``) print at the end of a run.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import pytest

from formance_orch import RetryConfig, SDKCore, Security
from tests import proof
from tests.support import FakeClock, RecordingServer
from tests.sync_support import ThreadedServer

CLIENT_SECRET = "s3cr3t-client-secret-value"


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """The proof suites' figures; and say once, visibly, when the contract tests could not run."""
    lines = proof.FIGURES.lines()
    if lines:
        terminalreporter.section("reliability figures")
        for line in lines:
            terminalreporter.write_line(line)
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


@pytest.fixture
async def fuzz_server() -> AsyncIterator[proof.FuzzServer]:
    """The proof suites' server: answers whatever ``answer`` says, keeps only the last request."""
    fuzzing = proof.FuzzServer()
    await fuzzing.start()
    yield fuzzing
    await fuzzing.close()


@pytest.fixture
async def raw_server() -> AsyncIterator[proof.RawServer]:
    """A raw asyncio server answering each request with ``fault`` (bytes, or a stall)."""
    raw = proof.RawServer()
    await raw.start()
    yield raw
    await raw.close()


@pytest.fixture
def secret_watch() -> Iterator[proof.SecretWatch]:
    """DEBUG logging on for the SDK, aiohttp's client and asyncio; the test checks every record.

    The watch is a filter on those loggers that keeps each record's text and
    drops the record: pytest's own capture would keep every record of a long run.
    """
    import logging

    watch = proof.SecretWatch()
    loggers = [logging.getLogger(name) for name in proof.SecretWatch.WATCHED]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.addFilter(watch)
        logger.setLevel(logging.DEBUG)
    try:
        yield watch
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.removeFilter(watch)
            logger.setLevel(level)
