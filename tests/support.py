"""Test doubles: a scripted HTTP server on loopback and a virtual clock."""

from __future__ import annotations

import asyncio
import json
import socket
from typing import Any

import attrs
from aiohttp import web
from aiohttp.test_utils import TestServer
from multidict import CIMultiDict

API = "/api/orchestration"
NO_JSON: Any = object()
TOKEN_PATH = "/api/auth/oauth/token"
NANOS = "2024-09-23T10:00:00.123456789+02:00"


@attrs.frozen
class Reply:
    """One scripted answer. ``hang`` never answers; ``drop`` closes the connection.

    ``gate``, when set, holds the answer until the event is set.
    """

    status: int = 200
    json: Any = NO_JSON
    body: bytes | str | None = None
    content_type: str | None = "application/json"
    headers: dict[str, str] = attrs.field(factory=dict)
    hang: bool = False
    drop: bool = False
    gate: asyncio.Event | None = None


@attrs.frozen
class Recorded:
    """What the server received."""

    method: str
    raw_path: str
    path: str
    query: dict[str, str]
    headers: CIMultiDict[str]
    body: bytes
    match_info: dict[str, str]

    @property
    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def form(self) -> dict[str, str]:
        from urllib.parse import parse_qsl

        return dict(parse_qsl(self.body.decode()))


class RecordingServer:
    """A real aiohttp server that records requests and answers from a script.

    API requests are answered from ``script`` (FIFO; the last reply repeats).
    The token endpoint answers from ``token_script`` when set, else with
    ``token_format`` numbered (``token-1``, ``token-2``, ...), valid for
    ``token_ttl`` seconds.
    """

    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self.token_requests: list[Recorded] = []
        self.script: list[Reply] = [Reply(json={})]
        self.token_script: list[Reply] = []
        self.token_ttl = 3600
        self.token_format = "token-{n}"
        self.token_gate: asyncio.Event | None = None
        self.token_arrived = asyncio.Event()
        self._arrived = asyncio.Event()
        self._release = asyncio.Event()
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_post(TOKEN_PATH, self._token)
        app.router.add_route("*", API + "/v2/instances/{instance_id}", self._api)
        app.router.add_route("*", "/{tail:.*}", self._api)
        self._server = TestServer(app)

    @property
    def url(self) -> str:
        return str(self._server.make_url("")).rstrip("/")

    @property
    def token_url(self) -> str:
        return self.url + TOKEN_PATH

    def reply(self, *replies: Reply) -> None:
        """Answer the next API requests with ``replies`` (the last one repeats)."""
        self.script = list(replies)

    async def start(self) -> None:
        await self._server.start_server()

    async def close(self) -> None:
        self._release.set()
        await self._server.close()

    async def _record(self, request: web.Request, into: list[Recorded]) -> None:
        into.append(
            Recorded(
                method=request.method,
                raw_path=request.raw_path,
                path=request.path,
                query=dict(request.query),
                headers=CIMultiDict(request.headers),
                body=await request.read(),
                match_info=dict(request.match_info),
            )
        )

    async def received(self, count: int) -> None:
        """Wait until ``count`` API requests have arrived."""
        while len(self.requests) < count:
            self._arrived.clear()
            await self._arrived.wait()

    async def _api(self, request: web.Request) -> web.StreamResponse:
        await self._record(request, self.requests)
        self._arrived.set()
        reply = self.script.pop(0) if len(self.script) > 1 else self.script[0]
        return await self._answer(request, reply)

    async def _token(self, request: web.Request) -> web.StreamResponse:
        await self._record(request, self.token_requests)
        self.token_arrived.set()
        if self.token_gate is not None:
            await self.token_gate.wait()
        if self.token_script:
            reply = self.token_script.pop(0) if len(self.token_script) > 1 else self.token_script[0]
            return await self._answer(request, reply)
        number = len(self.token_requests)
        return web.json_response(
            {
                "access_token": self.token_format.format(n=number),
                "token_type": "Bearer",
                "expires_in": self.token_ttl,
            }
        )

    async def _answer(self, request: web.Request, reply: Reply) -> web.StreamResponse:
        if reply.hang:
            await self._release.wait()
        if reply.gate is not None:
            await reply.gate.wait()
        if reply.drop:
            assert request.transport is not None
            request.transport.close()
            return web.Response(status=500)
        if reply.json is not NO_JSON:
            body: bytes | str | None = json.dumps(reply.json)
        else:
            body = reply.body
        headers = dict(reply.headers)
        if reply.content_type is not None:
            headers["Content-Type"] = reply.content_type
        return web.Response(
            status=reply.status,
            body=body.encode() if isinstance(body, str) else body,
            headers=headers,
        )


class FakeClock:
    """Virtual time: ``sleep`` records the wait and advances instantly."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
        await asyncio.sleep(0)

    def advance(self, seconds: float) -> None:
        self.now += seconds


def refused_url() -> str:
    """A loopback URL on which nothing listens (connections are refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def instance_json(instance_id: str = "inst-1", **overrides: Any) -> dict[str, Any]:
    """A workflow instance as the real server sends it."""
    body: dict[str, Any] = {
        "id": instance_id,
        "workflowID": "wf-1",
        "createdAt": NANOS,
        "updatedAt": "2024-09-23T08:00:01.5Z",
        "terminated": True,
        "terminatedAt": "2024-09-23T10:00:02.000000001+02:00",
        "status": [
            {
                "stage": n,
                "instanceID": instance_id,
                "startedAt": NANOS,
                "terminatedAt": NANOS,
                "temporalRunID": f"run-{n}",
            }
            for n in range(3)
        ],
    }
    body.update(overrides)
    return body


def workflow_json(workflow_id: str = "wf-1", **overrides: Any) -> dict[str, Any]:
    """A workflow as the real server sends it (with ``deletedAt``)."""
    body: dict[str, Any] = {
        "id": workflow_id,
        "config": {"name": "payout", "stages": [{"delay": {"duration": "1m"}}]},
        "createdAt": NANOS,
        "updatedAt": NANOS,
        "deletedAt": None,
    }
    body.update(overrides)
    return body


def texts_of(value: Any, *, depth: int = 0) -> list[str]:
    """Every string a value holds, keys included, walking attributes, mappings and sequences."""
    if depth > 40:
        return []
    found: list[str] = []
    if isinstance(value, str):
        return [value]
    if isinstance(value, bytes):
        return [value.decode("utf-8", "replace")]
    if isinstance(value, dict) or hasattr(value, "items"):
        try:
            items = list(value.items())
        except TypeError:
            items = []
        for key, item in items:
            found += texts_of(key, depth=depth + 1) + texts_of(item, depth=depth + 1)
        return found
    if isinstance(value, list | tuple | set | frozenset):
        for item in value:
            found += texts_of(item, depth=depth + 1)
        return found
    if hasattr(value, "__dict__"):
        for item in vars(value).values():
            found += texts_of(item, depth=depth + 1)
    return found


def chained(error: BaseException) -> BaseException | None:
    """The exception a traceback shows before ``error`` (its cause, or unsuppressed context)."""
    if error.__cause__ is not None:
        return error.__cause__
    return None if error.__suppress_context__ else error.__context__


def everything_said_by(error: BaseException) -> str:
    """All the text an error shows: str, repr, every field, and its traceback (causes included)."""
    import traceback

    parts = [str(error), repr(error), *texts_of(error), *texts_of(list(error.args))]
    parts += traceback.format_exception(error)
    cause = chained(error)
    while cause is not None:
        parts += [str(cause), repr(cause)]
        cause = chained(cause)
    return "\n".join(parts)


class ThreadedServer:
    """A keep-alive HTTP/1.1 server in a thread, for tests that run several event loops.

    Answers every request with ``body`` (200, JSON); a request whose path
    contains ``/slow`` waits for ``release`` first. ``arrived`` is set by each
    request.
    """

    def __init__(self, body: bytes) -> None:
        import http.server
        import threading

        self.release = threading.Event()
        self.arrived = threading.Event()
        self.paths: list[str] = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                outer.paths.append(self.path)
                outer.arrived.set()
                if "/slow" in self.path:
                    outer.release.wait(10)
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self) -> ThreadedServer:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.release.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()
