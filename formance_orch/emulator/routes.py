"""The HTTP surface: the real route table (REAL-SERVER §0), middlewares, the control routes.

* ``/api/orchestration/v2/...``: the 18 operations (list, create, get, delete
  and run also with a trailing ``/``, as chi routes declared as ``"/"``);
* ``/api/orchestration/_info`` and ``/_healthcheck`` (no auth);
* ``/api/auth/oauth/token``;
* ``/_emulator/...``: the emulator's own control surface (events, faults,
  clock, seeding), outside ``/api``.

Every answer is labelled ``application/json``, empty ones included, but for
unknown paths, which get Go's ``404 page not found`` as ``text/plain``. Wrong
methods get an empty 405 with ``Allow``, anything unexpected an empty 500
(chi's Recoverer), never a traceback. Control routes refuse with 400
``{"error": message}``.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from aiohttp import web

from formance_orch.emulator import wire
from formance_orch.emulator.faults import Fault
from formance_orch.emulator.ledger import LedgerError
from formance_orch.emulator.service import Answer, error

if TYPE_CHECKING:
    from formance_orch.emulator.app import Emulator

__all__ = ["build_app"]

logger = logging.getLogger("formance_orch.emulator")

API = "/api/orchestration"
V2 = API + "/v2"
TOKEN_PATH = "/api/auth/oauth/token"
JSON = "application/json"
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
EMULATOR_KEY: web.AppKey[Emulator] = web.AppKey("emulator")


def respond(answer: Answer) -> web.Response:
    """The HTTP response for an ``Answer`` (Go-encoded JSON, or no body)."""
    body = None if answer.body is None else wire.dumps(answer.body)
    return web.Response(status=answer.status, body=body, headers={"Content-Type": JSON})


def _emulator(request: web.Request) -> Emulator:
    return request.app[EMULATOR_KEY]


def _not_found() -> web.Response:
    return web.Response(
        status=404,
        body=b"404 page not found\n",
        headers={"Content-Type": "text/plain; charset=utf-8"},
    )


@web.middleware
async def recover(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Go's answers to unknown paths and methods, and an empty 500 for any crash."""
    try:
        return await handler(request)
    except web.HTTPMethodNotAllowed as refused:
        allow = ", ".join(sorted(refused.allowed_methods))
        return web.Response(status=405, headers={"Content-Type": JSON, "Allow": allow})
    except web.HTTPNotFound:
        return _not_found()
    except web.HTTPException as refused:
        if refused.status == 413:
            return respond(error(400, "http: request body too large"))
        raise
    except (asyncio.CancelledError, ConnectionResetError):
        raise
    except Exception:
        logger.exception("emulator: unexpected error on %s %s", request.method, request.path)
        return web.Response(status=500, headers={"Content-Type": JSON})


@web.middleware
async def inject_faults(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Apply the fault plan to API and token requests."""
    route = request.match_info.route.name
    if route is None or route.startswith("_"):
        return await handler(request)
    faults = _emulator(request).faults.roll(route.removesuffix("_slash"))
    if not faults:
        return await handler(request)
    after: list[Fault] = []
    for fault in faults:
        if fault.kind == "latency":
            await asyncio.sleep(fault.seconds)
        elif fault.kind == "throttle":
            return web.Response(
                status=429, headers={"Content-Type": JSON, "Retry-After": str(fault.retry_after)}
            )
        elif fault.when == "before":
            if fault.kind == "drop":
                return _drop(request)
            return web.Response(status=fault.status, headers={"Content-Type": JSON})
        else:
            after.append(fault)
    response = await handler(request)
    for fault in after:
        if fault.kind == "error":
            return web.Response(status=fault.status, headers={"Content-Type": JSON})
        if fault.when == "mid-body" and isinstance(response, web.Response) and response.body:
            return await _half_body(request, response)
        return _drop(request)
    return response


def _drop(request: web.Request) -> web.StreamResponse:
    """Close the connection without (the rest of) an answer.

    The answer returned cannot be written: aiohttp then ends the request
    quietly, where an exception would be logged as a server error.
    """
    if request.transport is not None:
        request.transport.abort()
    return web.Response(status=500, headers={"Content-Type": JSON})


async def _half_body(request: web.Request, response: web.Response) -> web.StreamResponse:
    body = bytes(response.body)  # type: ignore[arg-type]
    stream = web.StreamResponse(status=response.status, headers=response.headers)
    stream.content_length = len(body)
    await stream.prepare(request)
    await stream.write(body[: max(1, len(body) // 2)])
    if request.transport is not None:
        request.transport.abort()
    return stream


@web.middleware
async def authenticate(request: web.Request, handler: Handler) -> web.StreamResponse:
    """The bearer check on the API routes (REAL-SERVER §8): 401 with an empty body."""
    route = request.match_info.route.name
    if (
        route is None
        or route.startswith("_")
        or route in ("token", "info", "health", "get_server_info")
    ):
        return await handler(request)
    emulator = _emulator(request)
    if not emulator.auth.allows(request.method, request.headers.get("Authorization")):
        return web.Response(status=401, headers={"Content-Type": JSON})
    return await handler(request)


# --- handlers ------------------------------------------------------------------------------


def _wait(request: web.Request) -> bool:
    return request.query.get("wait", "").lower() in ("true", "1")


async def info(request: web.Request) -> web.StreamResponse:
    """``/_info``: the raw ``{"version"}`` with no envelope."""
    return respond(Answer(200, {"version": _emulator(request).version}))


async def info_v2(request: web.Request) -> web.StreamResponse:
    """``/v2/_info``: 404 on the real router, answered in the ``contract`` behaviour."""
    if _emulator(request).policy.info_under_v2:
        return await info(request)
    return _not_found()


async def health(request: web.Request) -> web.StreamResponse:
    """``/_healthcheck``."""
    return respond(Answer(200, {"default": "OK"}))


async def token(request: web.Request) -> web.StreamResponse:
    """The OAuth2 token endpoint (client credentials)."""
    answer = _emulator(request).auth.issue(
        await request.read(), request.headers.get("Authorization")
    )
    return web.json_response(answer.body, status=answer.status)


async def create_workflow(request: web.Request) -> web.StreamResponse:
    """POST /workflows: YAML only when the content type is exactly ``text/vnd.yaml``."""
    yaml = request.headers.get("Content-Type") == "text/vnd.yaml"
    service = _emulator(request).service
    return respond(service.create_workflow(await request.read(), yaml=yaml))


async def list_workflows(request: web.Request) -> web.StreamResponse:
    """GET /workflows."""
    return respond(_emulator(request).service.list_workflows(request.query))


async def get_workflow(request: web.Request) -> web.StreamResponse:
    """GET /workflows/{id}."""
    return respond(_emulator(request).service.get_workflow(request.match_info["id"]))


async def delete_workflow(request: web.Request) -> web.StreamResponse:
    """DELETE /workflows/{id}."""
    return respond(_emulator(request).service.delete_workflow(request.match_info["id"]))


async def run_workflow(request: web.Request) -> web.StreamResponse:
    """POST /workflows/{id}/instances: the body is read only with a Content-Length > 0."""
    body = await request.read() if (request.content_length or 0) > 0 else None
    service = _emulator(request).service
    return respond(await service.run_workflow(request.match_info["id"], body, _wait(request)))


async def list_instances(request: web.Request) -> web.StreamResponse:
    """GET /instances."""
    return respond(_emulator(request).service.list_instances(request.query))


async def get_instance(request: web.Request) -> web.StreamResponse:
    """GET /instances/{id}."""
    return respond(_emulator(request).service.get_instance(request.match_info["id"]))


async def send_event(request: web.Request) -> web.StreamResponse:
    """POST /instances/{id}/events."""
    service = _emulator(request).service
    return respond(service.send_event(request.match_info["id"], await request.read()))


async def cancel_event(request: web.Request) -> web.StreamResponse:
    """PUT /instances/{id}/abort."""
    return respond(_emulator(request).service.abort(request.match_info["id"]))


async def get_instance_history(request: web.Request) -> web.StreamResponse:
    """GET /instances/{id}/history."""
    return respond(_emulator(request).service.instance_history(request.match_info["id"]))


async def get_instance_stage_history(request: web.Request) -> web.StreamResponse:
    """GET /instances/{id}/stages/{number}/history."""
    info_ = request.match_info
    return respond(_emulator(request).service.stage_history(info_["id"], info_["number"]))


async def list_triggers(request: web.Request) -> web.StreamResponse:
    """GET /triggers."""
    return respond(_emulator(request).service.list_triggers(request.query))


async def create_trigger(request: web.Request) -> web.StreamResponse:
    """POST /triggers."""
    return respond(_emulator(request).service.create_trigger(await request.read()))


async def read_trigger(request: web.Request) -> web.StreamResponse:
    """GET /triggers/{id}."""
    return respond(_emulator(request).service.read_trigger(request.match_info["id"]))


async def delete_trigger(request: web.Request) -> web.StreamResponse:
    """DELETE /triggers/{id}."""
    return respond(_emulator(request).service.delete_trigger(request.match_info["id"]))


async def test_trigger(request: web.Request) -> web.StreamResponse:
    """POST /triggers/{id}/test."""
    service = _emulator(request).service
    return respond(service.test_trigger(request.match_info["id"], await request.read()))


async def list_triggers_occurrences(request: web.Request) -> web.StreamResponse:
    """GET /triggers/{id}/occurrences."""
    service = _emulator(request).service
    return respond(service.list_occurrences(request.match_info["id"], request.query))


# --- the control surface ------------------------------------------------------------------


def _control_error(message: str) -> web.Response:
    """A control route's refusal: 400 ``{"error": message}``."""
    return web.json_response({"error": message}, status=400)


async def _json_body(request: web.Request) -> Any:
    try:
        return wire.decode_json(await request.read(), exact=True)
    except ValueError as refused:
        # Raised as the answer itself: an HTTPException is a Response too.
        error_body = json.dumps({"error": str(refused)})
        raise web.HTTPBadRequest(text=error_body, content_type=JSON) from None


async def control_publish(request: web.Request) -> web.StreamResponse:
    """POST /_emulator/events ``{"type", "payload"}``: fire the matching triggers."""
    body = await _json_body(request)
    if not isinstance(body, dict) or not isinstance(body.get("type"), str):
        return _control_error('the body is {"type": str, "payload": object}')
    occurrences = _emulator(request).publish(body["type"], body.get("payload") or {})
    return web.json_response({"occurrences": [occurrence.id for occurrence in occurrences]})


async def control_faults(request: web.Request) -> web.StreamResponse:
    """GET lists the fault rules; POST adds (a rule or a list); DELETE clears them."""
    plan = _emulator(request).faults
    if request.method == "POST":
        body = await _json_body(request)
        try:
            plan.add(
                *(Fault.from_json(item) for item in (body if isinstance(body, list) else [body]))
            )
        except (TypeError, ValueError) as refused:
            return _control_error(str(refused))
    elif request.method == "DELETE":
        plan.clear()
    return web.json_response({"faults": [fault.to_json() for fault in plan.faults]})


async def control_advance(request: web.Request) -> web.StreamResponse:
    """POST /_emulator/clock/advance ``{"seconds": N}`` on a manual clock."""
    from formance_orch.emulator.clock import ManualClock

    emulator = _emulator(request)
    body = await _json_body(request)
    seconds = body.get("seconds") if isinstance(body, dict) else None
    if not isinstance(emulator.clock, ManualClock):
        return _control_error("the emulator runs on the system clock")
    if isinstance(seconds, bool) or not isinstance(seconds, int | float) or seconds < 0:
        return _control_error('the body is {"seconds": number >= 0}')
    await emulator.clock.advance(seconds)
    return web.json_response({"now_ns": emulator.clock.now_ns()})


async def control_seed(request: web.Request) -> web.StreamResponse:
    """POST /_emulator/{accounts,wallets,payments}: seed what sends act on."""
    emulator = _emulator(request)
    body = await _json_body(request)
    if not isinstance(body, dict):
        return _control_error("the body is a JSON object")
    kind = request.match_info["kind"]
    seeders: dict[str, Callable[..., Any]] = {
        "accounts": emulator.seed_account,
        "wallets": emulator.seed_wallet,
        "payments": emulator.seed_payment,
    }
    try:
        seeded = seeders[kind](**body)
    except (TypeError, ValueError, LedgerError) as refused:
        return _control_error(str(refused))
    return respond(Answer(201, {"data": seeded}))


async def control_read(request: web.Request) -> web.StreamResponse:
    """GET /_emulator/{wallets,payments}/{id} and /_emulator/accounts/{ledger}/{address}."""
    data = _emulator(request).lookup(request.path)
    if data is None:
        return respond(error(404, "not found"))
    return respond(Answer(200, {"data": data}))


# --- the table -----------------------------------------------------------------------------

_OPERATIONS: list[tuple[str, str, Handler, bool]] = [
    # method, path under /v2, handler, also with a trailing slash
    ("GET", "/workflows", list_workflows, True),
    ("POST", "/workflows", create_workflow, True),
    ("GET", "/workflows/{id}", get_workflow, True),
    ("DELETE", "/workflows/{id}", delete_workflow, True),
    ("POST", "/workflows/{id}/instances", run_workflow, True),
    ("GET", "/instances", list_instances, True),
    ("GET", "/instances/{id}", get_instance, True),
    ("POST", "/instances/{id}/events", send_event, False),
    ("PUT", "/instances/{id}/abort", cancel_event, False),
    ("GET", "/instances/{id}/history", get_instance_history, False),
    ("GET", "/instances/{id}/stages/{number}/history", get_instance_stage_history, False),
    ("GET", "/triggers", list_triggers, True),
    ("POST", "/triggers", create_trigger, True),
    ("GET", "/triggers/{id}", read_trigger, True),
    ("DELETE", "/triggers/{id}", delete_trigger, True),
    ("POST", "/triggers/{id}/test", test_trigger, False),
    ("GET", "/triggers/{id}/occurrences", list_triggers_occurrences, False),
]


def build_app(emulator: Emulator) -> web.Application:
    """The aiohttp application serving ``emulator``."""
    app = web.Application(middlewares=[recover, inject_faults, authenticate])
    app[EMULATOR_KEY] = emulator
    router = app.router
    router.add_get(API + "/_info", info, name="info")
    router.add_get(API + "/_healthcheck", health, name="health")
    router.add_get(V2 + "/_info", info_v2, name="get_server_info")
    router.add_post(TOKEN_PATH, token, name="token")
    for method, path, handler, slash in _OPERATIONS:
        name = handler.__name__
        router.add_route(method, V2 + path, handler, name=name)
        if slash:
            router.add_route(method, V2 + path + "/", handler, name=name + "_slash")
    router.add_post("/_emulator/events", control_publish, name="_events")
    router.add_get("/_emulator/faults", control_faults, name="_faults")
    router.add_post("/_emulator/faults", control_faults, name="_faults_add")
    router.add_delete("/_emulator/faults", control_faults, name="_faults_clear")
    router.add_post("/_emulator/clock/advance", control_advance, name="_advance")
    router.add_post("/_emulator/{kind:accounts|wallets|payments}", control_seed, name="_seed")
    router.add_get("/_emulator/{kind:wallets|payments}/{id}", control_read, name="_read")
    router.add_get("/_emulator/accounts/{ledger}/{address}", control_read, name="_read_account")
    return app
