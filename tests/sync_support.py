"""A server for the synchronous tests: real aiohttp, on its own loop in its own thread.

Synchronous calls block the calling thread, so the server cannot share the
test's event loop. It answers:

* ``POST /api/auth/oauth/token``: ``token-1``, ``token-2``, ...;
* ``GET .../v2/instances/{id}``: the instance ``id``; an id starting with
  ``hang`` is held until ``release()`` or until the client goes away
  (``arrived`` and ``abandoned`` are set as that happens);
* ``GET .../v2/instances``: ``ITEMS`` in pages (``pageSize``, default 2),
  the cursor being the next offset.

Every API request is recorded with the client's port, so tests can tell
connections apart.
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import attrs
from aiohttp import web

from tests.support import API, TOKEN_PATH, RecordingServer, instance_json

ITEMS = [f"item-{n}" for n in range(5)]


@attrs.frozen
class Seen:
    """One API request: what was asked, with which token, from which client port."""

    path: str
    query: dict[str, str]
    authorization: str
    port: int


class ThreadedServer:
    """Start with ``start()``, stop with ``close()``; ``url`` is where it listens."""

    def __init__(self) -> None:
        self.requests: list[Seen] = []
        self.token_requests = 0
        self.arrived = threading.Event()
        self.abandoned = threading.Event()
        self.url = ""
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="test-server")
        self._release: asyncio.Event | None = None
        self._runner: web.AppRunner | None = None

    def start(self) -> None:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result()

    def release(self) -> None:
        """Answer the held requests."""
        assert self._release is not None
        self._loop.call_soon_threadsafe(self._release.set)

    def close(self) -> None:
        self.release()
        asyncio.run_coroutine_threadsafe(self._stop(), self._loop).result()
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join()
        self._loop.close()

    async def _start(self) -> None:
        self._release = asyncio.Event()
        app = web.Application()
        app.router.add_post(TOKEN_PATH, self._token)
        app.router.add_get(API + "/v2/instances/{instance_id}", self._instance)
        app.router.add_get(API + "/v2/instances", self._instances)
        # handler_cancellation: a handler learns that its client went away.
        self._runner = web.AppRunner(app, handler_cancellation=True)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        host, port = self._runner.addresses[0][:2]
        self.url = f"http://{host}:{port}"

    async def _stop(self) -> None:
        assert self._runner is not None
        await self._runner.cleanup()

    async def _token(self, request: web.Request) -> web.Response:
        self.token_requests += 1
        token = f"token-{self.token_requests}"
        return web.json_response({"access_token": token, "expires_in": 3600})

    def _record(self, request: web.Request) -> None:
        peer = request.transport.get_extra_info("peername") if request.transport else None
        self.requests.append(
            Seen(
                path=request.path,
                query=dict(request.query),
                authorization=request.headers.get("Authorization", ""),
                port=peer[1] if peer else 0,
            )
        )

    async def _instance(self, request: web.Request) -> web.Response:
        self._record(request)
        instance_id = request.match_info["instance_id"]
        if instance_id.startswith("hang"):
            assert self._release is not None
            self.arrived.set()
            try:
                await self._release.wait()
            except asyncio.CancelledError:
                self.abandoned.set()
                raise
        return web.json_response({"data": instance_json(instance_id)})

    async def _instances(self, request: web.Request) -> web.Response:
        self._record(request)
        offset = int(request.query.get("cursor", "0"))
        size = int(request.query.get("pageSize", "2"))
        data = [instance_json(item) for item in ITEMS[offset : offset + size]]
        more = offset + size < len(ITEMS)
        cursor: dict[str, Any] = {"pageSize": size, "hasMore": more, "data": data}
        if more:
            cursor["next"] = str(offset + size)
        return web.json_response({"cursor": cursor})


class HostedRecordingServer:
    """``tests.support.RecordingServer`` (scripted replies) on a loop in its own thread."""

    def __init__(self) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="test-recording")
        self._thread.start()
        self.server: RecordingServer = self._run(self._start())

    def _run(self, coroutine: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result()

    async def _start(self) -> RecordingServer:
        server = RecordingServer()
        await server.start()
        return server

    def close(self) -> None:
        self._run(self.server.close())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join()
        self._loop.close()
