"""The bench server: a stand-in Orchestration v2 API on loopback, run as its own process.

``python -m bench.server`` serves, on 127.0.0.1 and a free port that it
prints as ``listening on http://127.0.0.1:PORT``:

* ``POST /api/auth/oauth/token``: a client-credentials token;
* ``GET /api/orchestration/v2/instances/{id}``: ``{"data": instance}``;
* ``GET /api/orchestration/v2/instances``: ``{"cursor": {...}}`` with up to
  ``pageSize`` (at most 1000) instances.

API requests must carry the token as ``Authorization: Bearer ...``. Bodies
look like the real server's: nanosecond timestamps with offsets, three stage
statuses with ``temporalRunID``, ids and timestamps that differ from one
instance to the next. They are encoded once at start-up, so that the server
costs the same for every contender.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import signal
import socket
import stat
import uuid
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from aiohttp import web

from bench import INSTANCES_PATH, TOKEN_PATH

TOKEN = "bench-access-token"
POOL_SIZE = 1000
_OFFSETS = (timezone(timedelta(hours=2)), UTC, timezone(timedelta(hours=-5)))


def _stamp(epoch_ns: int, zone: timezone) -> str:
    """RFC 3339 with nanoseconds and an offset, as Go's time.RFC3339Nano writes it."""
    seconds, nanos = divmod(epoch_ns, 10**9)
    local = datetime.fromtimestamp(seconds, zone)
    text = local.strftime("%Y-%m-%dT%H:%M:%S") + f".{nanos:09d}".rstrip("0").rstrip(".")
    offset = local.strftime("%z")
    return text + ("Z" if offset == "+0000" else f"{offset[:3]}:{offset[3:]}")


def make_instances(count: int = POOL_SIZE, seed: int = 42) -> list[dict[str, Any]]:
    """``count`` distinct workflow instances, as the real server sends them."""
    rng = random.Random(seed)

    def new_id() -> str:
        return str(uuid.UUID(int=rng.getrandbits(128), version=4))

    workflows = [new_id() for _ in range(20)]
    start_ns = int(datetime(2024, 9, 23, 8, 0, tzinfo=UTC).timestamp()) * 10**9
    instances = []
    for n in range(count):
        instance_id = new_id()
        zone = _OFFSETS[n % len(_OFFSETS)]
        # created, then each stage's start and end: increasing, nanosecond precision.
        moments = [start_ns + n * 37 * 10**9 + rng.randrange(10**9)]
        for _ in range(6):
            moments.append(moments[-1] + rng.randrange(10**6, 3 * 10**9))
        terminated = n % 5 != 0  # every fifth instance is still running its last stage
        statuses = []
        for stage in range(3):
            status: dict[str, Any] = {
                "stage": stage,
                "instanceID": instance_id,
                "startedAt": _stamp(moments[1 + 2 * stage], zone),
            }
            if terminated or stage < 2:
                status["terminatedAt"] = _stamp(moments[2 + 2 * stage], zone)
            status["temporalRunID"] = new_id()
            statuses.append(status)
        instance: dict[str, Any] = {
            "id": instance_id,
            "workflowID": workflows[n % len(workflows)],
            "createdAt": _stamp(moments[0], zone),
            "updatedAt": _stamp(moments[-1], zone),
            "terminated": terminated,
        }
        if terminated:
            instance["terminatedAt"] = _stamp(moments[-1], zone)
        instance["status"] = statuses
        if n % 50 == 7:
            instance["error"] = "stage 2: wallet not found"
        instances.append(instance)
    return instances


def _encode(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()


def make_app(instances: list[dict[str, Any]]) -> web.Application:
    """The aiohttp application serving ``instances``."""
    by_id = {item["id"]: _encode({"data": item}) for item in instances}
    pages: dict[int, bytes] = {}
    not_found = _encode({"errorCode": "NOT_FOUND", "errorMessage": "instance not found"})
    unauthorized = _encode({"errorCode": "VALIDATION", "errorMessage": "unauthorized"})
    bearer = f"Bearer {TOKEN}"

    def answer(body: bytes, status: int = 200) -> web.Response:
        return web.Response(body=body, status=status, content_type="application/json")

    async def token(request: web.Request) -> web.Response:
        form = await request.post()
        if form.get("grant_type") != "client_credentials" or not form.get("client_id"):
            return answer(_encode({"error": "invalid_request"}), 400)
        return answer(_encode({"access_token": TOKEN, "token_type": "Bearer", "expires_in": 3600}))

    async def get_instance(request: web.Request) -> web.Response:
        if request.headers.get("Authorization") != bearer:
            return answer(unauthorized, 401)
        body = by_id.get(request.match_info["instance_id"])
        return answer(not_found, 404) if body is None else answer(body)

    async def list_instances(request: web.Request) -> web.Response:
        if request.headers.get("Authorization") != bearer:
            return answer(unauthorized, 401)
        size = max(1, min(int(request.query.get("pageSize", "15")), 1000))
        body = pages.get(size)
        if body is None:
            cursor = {"pageSize": size, "hasMore": size < len(instances), "data": instances[:size]}
            if size < len(instances):
                cursor["next"] = "eyJwYWdlIjogMn0="
            body = pages[size] = _encode({"cursor": cursor})
        return answer(body)

    app = web.Application()
    app.router.add_post(TOKEN_PATH, token)
    app.router.add_get(INSTANCES_PATH, list_instances)
    app.router.add_get(INSTANCES_PATH + "/{instance_id}", get_instance)
    return app


async def serve() -> None:
    """Serve on 127.0.0.1, a free port, until SIGTERM, SIGINT or the end of a piped stdin.

    Prints the URL once listening. Stopping when the stdin pipe closes means
    that the server never outlives the process that started it, however that
    process ends.
    """
    runner = web.AppRunner(make_app(make_instances()), access_log=None)
    await runner.setup()
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    await web.SockSite(runner, sock, backlog=1024).start()
    print(f"listening on http://127.0.0.1:{sock.getsockname()[1]}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)

    def on_stdin() -> None:
        if not os.read(0, 4096):
            stop.set()

    if stat.S_ISFIFO(os.fstat(0).st_mode):
        loop.add_reader(0, on_stdin)
    try:
        await stop.wait()
    finally:
        await runner.cleanup()


if __name__ == "__main__":
    asyncio.run(serve())
