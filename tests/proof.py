"""What the proof suites share: scale, figures, a fuzzing server, leak and secret checks.

The proof suites (``tests/test_proof_*.py``, marker ``proof``) run at two
scales, chosen by ``$FORMANCE_PROOF``: ``ci`` (the default: modest counts, so
that ``make test`` stays fast) and ``fuzz`` (``make fuzz``: at least 10,000
examples per operation). Both are registered as hypothesis profiles; the
suites take their settings from the selected one (``SETTINGS``), leaving the
other tests' hypothesis defaults alone. Figures (examples, faults, calls,
escapes, leaks) are counted in ``FIGURES`` and printed at the end of the run.
"""

from __future__ import annotations

import asyncio
import collections
import json
import logging
import os
import secrets as random_secrets
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import attrs
from aiohttp import web
from aiohttp.test_utils import TestServer
from hypothesis import HealthCheck, settings
from multidict import CIMultiDict

from formance_orch import Err, Ok, RetryConfig, SDKCore, Security
from formance_orch.errors import FormanceError
from tests.support import TOKEN_PATH, everything_said_by

#: ``ci`` or ``fuzz``.
PROFILE = os.environ.get("FORMANCE_PROOF", "ci")
if PROFILE not in ("ci", "fuzz"):
    raise ValueError(f"FORMANCE_PROOF must be ci or fuzz, not {PROFILE!r}")
FUZZ = PROFILE == "fuzz"

#: Hypothesis examples per operation, per suite.
EXAMPLES = 10_000 if FUZZ else 25

for _name, _examples in (("ci", 25), ("fuzz", 10_000)):
    settings.register_profile(
        _name,
        max_examples=_examples,
        deadline=None,
        # A fuzz run's examples are not worth keeping: only its figures are.
        database=None if _name == "fuzz" else settings.default.database,
        suppress_health_check=list(HealthCheck),
    )
#: The selected profile: what every proof suite runs with.
SETTINGS = settings.get_profile(PROFILE)
#: Byte-level faults injected, and cancellation points tried.
FAULT_EXAMPLES = 3_000 if FUZZ else 40
CANCEL_EXAMPLES = 2_000 if FUZZ else 30
#: Calls of the endurance run.
ENDURANCE_CALLS = 20_000 if FUZZ else 1_000

#: The client secret every proof core uses; tokens are ``TOKEN_PREFIX-<n>``.
CLIENT_SECRET = "proof-" + random_secrets.token_hex(12)
TOKEN_PREFIX = "tok-" + random_secrets.token_hex(10)
#: A body or header holding this gets the request's Authorization value in its place.
ECHO = "$AUTHORIZATION"


@attrs.define
class Figures:
    """What the proof suites did, printed at the end of the run."""

    examples: collections.Counter[str] = attrs.field(factory=collections.Counter)
    faults: collections.Counter[str] = attrs.field(factory=collections.Counter)
    calls: int = 0
    escaped: int = 0
    leaks: int = 0
    log_records: int = 0
    #: Retained memory growth measured by the endurance run (bytes), when it ran.
    retained: int | None = None

    def lines(self) -> list[str]:
        if not (self.calls or self.examples or self.faults):
            return []
        out = [f"profile: {PROFILE}"]
        for suite in sorted({key.split(":")[0] for key in self.examples}):
            counts = [n for key, n in self.examples.items() if key.startswith(suite + ":")]
            kind = "scenarios" if suite == "cancellation" else "operations"
            out.append(
                f"{suite}: {len(counts)} {kind}, {min(counts)}..{max(counts)} examples each "
                f"({sum(counts)} in all)"
            )
        if self.faults:
            kinds = ", ".join(f"{kind} {n}" for kind, n in sorted(self.faults.items()))
            out.append(f"faults injected: {sum(self.faults.values())} ({kinds})")
        if self.retained is not None:
            out.append(f"endurance: retained memory grew by {self.retained / 1024:.0f} KiB")
        out += [
            f"calls made: {self.calls}",
            f"log records checked for secrets: {self.log_records}",
            f"escaped exceptions: {self.escaped}",
            f"leaks: {self.leaks}",
        ]
        return out


FIGURES = Figures()


def proof_core(url: str, **settings: Any) -> SDKCore:
    """A core against ``url`` with the proof client secret, and no retries unless told."""
    settings.setdefault("retries", RetryConfig.none())
    settings.setdefault("security", Security(client_id="proof", client_secret=CLIENT_SECRET))
    return SDKCore(server_url=url, **settings)


def outcome(result: object, *, secrets: tuple[str, ...]) -> Ok[Any] | Err[FormanceError]:
    """Check a call's result: an ``Ok`` or a classified ``Err`` that shows no secret."""
    FIGURES.calls += 1
    assert isinstance(result, Ok | Err), result
    if isinstance(result, Err):
        error = result.error
        assert isinstance(error, FormanceError), error
        assert error.message
        said = everything_said_by(error) + repr(result)
        said += "\n".join(f"{k}: {v}" for k, v in result.meta.headers.items())
        for secret in secrets:
            assert secret not in said, f"a secret in {type(error).__name__}"
    return result


async def call_counted(awaitable: Any, guard: float) -> Any:
    """Await a call, counting an exception that escapes it; fail if it outlives ``guard`` s."""
    try:
        return await asyncio.wait_for(awaitable, guard)
    except TimeoutError:
        FIGURES.escaped += 1
        raise AssertionError(f"the call hung beyond {guard} s") from None
    except Exception:
        FIGURES.escaped += 1
        raise


class SecretWatch(logging.Filter):
    """Keeps the text of every record logged by the SDK, aiohttp's client and asyncio.

    Installed as a filter on those loggers; it drops each record once read.
    """

    WATCHED = ("formance_orch", "aiohttp.client", "asyncio")

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []

    def filter(self, record: logging.LogRecord) -> bool:
        text = record.getMessage()
        if record.exc_info:
            text += logging.Formatter().formatException(record.exc_info)
        self.texts.append(text)
        return False

    def check(self, secrets: tuple[str, ...]) -> None:
        FIGURES.log_records += len(self.texts)
        for text in self.texts:
            for secret in secrets:
                assert secret not in text, "a secret in a log record"
        self.texts.clear()


def open_fds() -> int:
    """How many file descriptors this process holds."""
    return len(os.listdir("/proc/self/fd"))


def check_no_leaks(*, fds_before: int, slack: int = 0) -> None:
    """No task other than the current one, and no more fds than before (plus ``slack``)."""
    current = asyncio.current_task()
    others = [task for task in asyncio.all_tasks() if task is not current and not task.done()]
    fds = open_fds()
    if others or fds > fds_before + slack:
        FIGURES.leaks += 1
    assert not others, others
    assert fds <= fds_before + slack, (fds, fds_before)


async def check_nothing_left(*, tasks_before: set[asyncio.Task[Any]], fds_before: int) -> None:
    """Every task started since ``tasks_before`` ends (servers' included), and no fd stays open.

    Tasks get a few seconds to see their connections close; one still
    running then is a leak, as is any file descriptor more than before.
    """
    current = asyncio.current_task()
    pending = [
        task
        for task in asyncio.all_tasks()
        if task is not current and task not in tasks_before and not task.done()
    ]
    if pending:
        await asyncio.wait(pending, timeout=5)
    for _ in range(5):  # the callbacks that close transports run on the next iterations
        await asyncio.sleep(0)
    left = [task for task in pending if not task.done()]
    fds = open_fds()
    if left or fds > fds_before:
        FIGURES.leaks += 1
    assert not left, left
    assert fds <= fds_before, (fds, fds_before)


@attrs.frozen
class Answer:
    """What the fuzzing server answers next (``ECHO`` in body or headers is substituted)."""

    status: int = 200
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = ()
    #: Close the connection instead of answering.
    drop: bool = False


@attrs.frozen
class Seen:
    """The last API request the fuzzing server received."""

    method: str
    raw_path: str
    path: str
    headers: CIMultiDict[str]
    body: bytes


class FuzzServer:
    """A loopback server that answers every API request with ``answer``.

    It keeps only the count and the last request (runs are long), accepts
    request lines and headers up to 4 MiB (ids of 1 MB), and issues tokens
    ``TOKEN_PREFIX-<n>`` valid for an hour.
    """

    def __init__(self) -> None:
        self.answer = Answer()
        #: When set, chooses the answer from the request path instead.
        self.answer_for: Callable[[str], Answer] | None = None
        self.count = 0
        self.token_count = 0
        #: When set, token requests wait for it; ``token_arrived`` is set by each.
        self.token_gate: asyncio.Event | None = None
        self.token_arrived = asyncio.Event()
        #: Set by each API request.
        self.arrived = asyncio.Event()
        self.last: Seen | None = None
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_post(TOKEN_PATH, self._token)
        # Any path, newlines (%0A) included.
        app.router.add_route("*", r"/{tail:[\s\S]*}", self._api)
        self._server = TestServer(app)

    @property
    def url(self) -> str:
        return str(self._server.make_url("")).rstrip("/")

    async def start(self) -> None:
        await self._server.start_server(max_line_size=4 * 2**20, max_field_size=4 * 2**20)

    async def close(self) -> None:
        await self._server.close()

    def tokens(self) -> tuple[str, ...]:
        return tuple(f"{TOKEN_PREFIX}-{n}" for n in range(1, self.token_count + 1))

    async def _token(self, request: web.Request) -> web.Response:
        await request.read()
        self.token_count += 1
        self.token_arrived.set()
        if self.token_gate is not None:
            await self.token_gate.wait()
        body = {"access_token": f"{TOKEN_PREFIX}-{self.token_count}", "expires_in": 3600}
        return web.json_response(body)

    async def _api(self, request: web.Request) -> web.Response:
        body = await request.read()
        self.count += 1
        self.arrived.set()
        self.last = Seen(
            request.method, request.raw_path, request.path, CIMultiDict(request.headers), body
        )
        answer = self.answer if self.answer_for is None else self.answer_for(request.path)
        if answer.drop:
            assert request.transport is not None
            request.transport.close()
            return web.Response(status=500)
        echo = request.headers.get("Authorization", "")
        headers = CIMultiDict((name, value.replace(ECHO, echo)) for name, value in answer.headers)
        return web.Response(
            status=answer.status,
            body=answer.body.replace(ECHO.encode(), echo.encode()),
            headers=headers,
        )


#: A byte-level answer: writes what it wants, returns whether to keep the connection.
Fault = Callable[[asyncio.StreamWriter, "RawServer", bytes], Awaitable[bool]]


class RawServer:
    """Reads HTTP/1.1 requests and answers each with ``fault`` (raw bytes, or a stall)."""

    def __init__(self) -> None:
        self.fault: Fault | None = None
        self.good = b""
        self.garbage = b""
        self.release = asyncio.Event()
        self.requests = 0
        self._server: asyncio.Server | None = None
        self._handlers: set[asyncio.Task[None]] = set()
        self._idle = asyncio.Event()
        self._idle.set()

    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = self._server.sockets[0].getsockname()[:2]
        return f"http://{host}:{port}"

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)

    async def close(self) -> None:
        self.release.set()
        assert self._server is not None
        self._server.close()
        for task in list(self._handlers):
            task.cancel()
        await asyncio.gather(*self._handlers, return_exceptions=True)
        await self._server.wait_closed()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._handlers.add(task)
        self._idle.clear()
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n"):
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value)
                body = await reader.readexactly(length)
                self.requests += 1
                fault = self.fault
                if fault is None:
                    writer.write(self.good)
                    keep = True
                else:
                    keep = await fault(writer, self, body)
                await writer.drain()
                if not keep:
                    break
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
            pass
        finally:
            self._handlers.discard(task)
            writer.close()
            if not self._handlers:
                self._idle.set()

    async def idle(self) -> None:
        """Wait until every connection has ended (the client closed them, or a fault did)."""
        await asyncio.wait_for(self._idle.wait(), 10)


def strict_json(body: bytes) -> Any:
    """Parse a request body as the strictest server would: no duplicate keys, no NaN."""

    def no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        keys = [key for key, _ in pairs]
        assert len(keys) == len(set(keys)), f"duplicate keys {keys}"
        return dict(pairs)

    def no_constants(name: str) -> Any:
        raise AssertionError(f"{name} in a request body")

    return json.loads(body, object_pairs_hook=no_duplicates, parse_constant=no_constants)


def chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    """``items`` in lists of ``size``."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def json_bytes(value: Any) -> bytes:
    """``value`` as JSON bytes."""
    return json.dumps(value).encode()
