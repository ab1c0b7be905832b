"""A tiny in-memory stand-in for the Orchestration v2 API, for the demo only.

It answers the token endpoint and the four operations the demo uses, with
bodies shaped like the real server's. It is not the emulator.
"""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

PREFIX = "/api/orchestration"


def _now() -> str:
    return datetime.now(UTC).isoformat().replace("+00:00", "Z")


def _stand_in_app() -> web.Application:
    workflows: dict[str, dict[str, Any]] = {}
    instances: dict[str, dict[str, Any]] = {}
    ids = itertools.count(1)

    async def token(_: web.Request) -> web.Response:
        return web.json_response({"access_token": "demo-token", "expires_in": 3600})

    async def info(_: web.Request) -> web.Response:
        return web.json_response({"version": "stand-in"})

    async def create_workflow(request: web.Request) -> web.Response:
        config = await request.json()
        workflow_id = f"wf-{next(ids)}"
        now = _now()
        workflows[workflow_id] = {
            "id": workflow_id,
            "config": config,
            "createdAt": now,
            "updatedAt": now,
            "deletedAt": None,
        }
        instance_id = f"inst-{next(ids)}"
        instances[instance_id] = {
            "id": instance_id,
            "workflowID": workflow_id,
            "createdAt": now,
            "updatedAt": now,
            "terminated": False,
            "status": [
                {"stage": 0, "instanceID": instance_id, "startedAt": now, "temporalRunID": "r"}
            ],
        }
        return web.json_response({"data": workflows[workflow_id]}, status=201)

    async def list_instances(request: web.Request) -> web.Response:
        wanted = request.query.get("workflowID")
        data = [i for i in instances.values() if wanted in (None, i["workflowID"])]
        return web.json_response(
            {"cursor": {"pageSize": 15, "hasMore": False, "data": data or None}}
        )

    async def get_instance(request: web.Request) -> web.Response:
        instance = instances.get(request.match_info["instance_id"])
        if instance is None:
            return web.json_response(
                {"errorCode": "NOT_FOUND", "errorMessage": "instance not found"}, status=404
            )
        return web.json_response({"data": instance})

    app = web.Application()
    app.router.add_post("/api/auth/oauth/token", token)
    app.router.add_get(PREFIX + "/_info", info)
    app.router.add_post(PREFIX + "/v2/workflows", create_workflow)
    app.router.add_get(PREFIX + "/v2/instances", list_instances)
    app.router.add_get(PREFIX + "/v2/instances/{instance_id}", get_instance)
    return app


@asynccontextmanager
async def running_stand_in() -> AsyncIterator[str]:
    """Serve the stand-in on a free loopback port; yields its URL."""
    runner = web.AppRunner(_stand_in_app(), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()
