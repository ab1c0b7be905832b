"""A tiny in-memory stand-in for the Orchestration v2 API, for the demo only.

It answers the token endpoint and the operations the demo uses, with bodies
shaped like the real server's, for workflows made of ``wait_event`` stages.
It is not the emulator (``formance_orch.emulator``), which runs any workflow.
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


def _not_found(what: str) -> web.Response:
    body = {"errorCode": "NOT_FOUND", "errorMessage": f"{what} not found"}
    return web.json_response(body, status=404)


def _stand_in_app() -> web.Application:
    workflows: dict[str, dict[str, Any]] = {}
    instances: dict[str, dict[str, Any]] = {}
    ids = itertools.count(1)

    def events(instance: dict[str, Any]) -> list[str]:
        stages = workflows[instance["workflowID"]]["config"].get("stages") or []
        return [stage["wait_event"]["event"] for stage in stages]

    def start_stage(instance: dict[str, Any]) -> None:
        """Start the next stage, or end the instance when none is left."""
        number = len(instance["status"])
        if number == len(events(instance)):
            instance.update(terminated=True, terminatedAt=_now())
            return
        instance["status"].append(
            {
                "stage": number,
                "instanceID": instance["id"],
                "startedAt": _now(),
                "temporalRunID": "r",
            }
        )

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
        return web.json_response({"data": workflows[workflow_id]}, status=201)

    async def delete_workflow(request: web.Request) -> web.Response:
        workflow = workflows.get(request.match_info["workflow_id"])
        if workflow is None:
            return _not_found("workflow")
        workflow["deletedAt"] = _now()
        return web.Response(status=204)

    async def run_workflow(request: web.Request) -> web.Response:
        workflow_id = request.match_info["workflow_id"]
        if workflow_id not in workflows:
            return _not_found("workflow")
        now = _now()
        instance: dict[str, Any] = {
            "id": f"inst-{next(ids)}",
            "workflowID": workflow_id,
            "createdAt": now,
            "updatedAt": now,
            "terminated": False,
            "status": [],
        }
        instances[instance["id"]] = instance
        start_stage(instance)
        return web.json_response({"data": instance}, status=201)

    async def list_instances(request: web.Request) -> web.Response:
        wanted = request.query.get("workflowID")
        data = [i for i in instances.values() if wanted in (None, i["workflowID"])]
        return web.json_response(
            {"cursor": {"pageSize": 15, "hasMore": False, "data": data or None}}
        )

    async def get_instance(request: web.Request) -> web.Response:
        instance = instances.get(request.match_info["instance_id"])
        if instance is None:
            return _not_found("instance")
        return web.json_response({"data": instance})

    async def instance_history(request: web.Request) -> web.Response:
        instance = instances.get(request.match_info["instance_id"])
        if instance is None:
            return _not_found("instance")
        history = [
            {
                "name": "RunWaitEvent",
                "input": {"event": events(instance)[status["stage"]]},
                "terminated": "terminatedAt" in status,
                "startedAt": status["startedAt"],
            }
            for status in instance["status"]
        ]
        return web.json_response({"data": history})

    async def send_event(request: web.Request) -> web.Response:
        instance = instances.get(request.match_info["instance_id"])
        if instance is None or instance["terminated"]:
            return _not_found("running instance")
        name = (await request.json()).get("name")
        current = instance["status"][-1]
        if name == events(instance)[current["stage"]]:
            current["terminatedAt"] = _now()
            start_stage(instance)
        return web.Response(status=204)

    app = web.Application()
    app.router.add_post("/api/auth/oauth/token", token)
    app.router.add_get(PREFIX + "/_info", info)
    app.router.add_post(PREFIX + "/v2/workflows", create_workflow)
    app.router.add_delete(PREFIX + "/v2/workflows/{workflow_id}", delete_workflow)
    app.router.add_post(PREFIX + "/v2/workflows/{workflow_id}/instances", run_workflow)
    app.router.add_get(PREFIX + "/v2/instances", list_instances)
    app.router.add_get(PREFIX + "/v2/instances/{instance_id}", get_instance)
    app.router.add_get(PREFIX + "/v2/instances/{instance_id}/history", instance_history)
    app.router.add_post(PREFIX + "/v2/instances/{instance_id}/events", send_event)
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
