"""Hooks run around attempts, sync or async, in order."""

from __future__ import annotations

from formance_orch import Err, HookContext, Hooks, Ok, ResponseMeta
from formance_orch.funcs.orchestration_v2_get_instance import orchestration_v2_get_instance
from tests.support import Reply, instance_json


async def test_hooks_see_every_attempt(server, make_core) -> None:
    seen: list[tuple[str, int, object]] = []

    def before(context: HookContext, headers: dict[str, str]) -> None:
        headers["X-Trace"] = f"trace-{context.attempt}"
        seen.append(("before", context.attempt, context.operation_id))

    async def after_error(context: HookContext, error: Exception) -> None:
        seen.append(("error", context.attempt, type(error).__name__))

    def after_success(context: HookContext, meta: ResponseMeta) -> None:
        seen.append(("success", context.attempt, meta.status))

    hooks = Hooks(before_request=[before], after_error=[after_error], after_success=[after_success])
    core = make_core(hooks=hooks)
    server.reply(Reply(status=503, body=""), Reply(json={"data": instance_json()}))

    result = await orchestration_v2_get_instance(core, "i")

    assert isinstance(result, Ok)
    assert seen == [
        ("before", 1, "v2GetInstance"),
        ("error", 1, "UnexpectedResponseError"),
        ("before", 2, "v2GetInstance"),
        ("success", 2, 200),
    ]
    assert [r.headers["X-Trace"] for r in server.requests] == ["trace-1", "trace-2"]


async def test_after_error_sees_final_failures(server, make_core) -> None:
    errors: list[Exception] = []
    core = make_core(hooks=Hooks(after_error=[lambda context, error: errors.append(error)]))
    server.reply(Reply(status=404, json={"errorCode": "NOT_FOUND", "errorMessage": "gone"}))

    result = await orchestration_v2_get_instance(core, "i")

    assert isinstance(result, Err)
    assert errors == [result.error]
