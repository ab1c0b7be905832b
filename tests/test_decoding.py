"""Responses as the real server (and its gateways) send them."""

from __future__ import annotations

import pytest

from formance_orch import (
    APIError,
    Err,
    ErrorCode,
    Ok,
    ResponseValidationError,
    RetryConfig,
    UnexpectedResponseError,
)
from formance_orch.funcs.orchestration_v2_get_instance import orchestration_v2_get_instance
from formance_orch.funcs.orchestration_v2_list_instances import orchestration_v2_list_instances
from tests.support import Reply, instance_json


@pytest.fixture
def core(make_core):
    return make_core(retries=RetryConfig.none())


async def test_extra_fields_are_ignored(server, core) -> None:
    body = instance_json(futureField={"nested": [1, 2]}, anotherOne=None)
    server.reply(Reply(json={"data": body, "meta": "x"}))

    result = await orchestration_v2_get_instance(core, "i")

    assert isinstance(result, Ok)
    assert result.value.status[0].temporal_run_id == "run-0"


async def test_null_lists_decode_as_empty(server, core) -> None:
    server.reply(Reply(json={"cursor": {"pageSize": 15, "hasMore": False, "data": None}}))
    page = (await orchestration_v2_list_instances(core)).unwrap()
    assert page.data == []

    server.reply(Reply(json={"data": instance_json(status=None)}))
    assert (await orchestration_v2_get_instance(core, "i")).unwrap().status == []


async def test_absent_optional_fields_are_none(server, core) -> None:
    body = instance_json(terminated=False)
    del body["terminatedAt"]
    del body["status"]
    server.reply(Reply(json={"data": body}))

    instance = (await orchestration_v2_get_instance(core, "i")).unwrap()

    assert instance.terminated_at is None
    assert instance.error is None
    assert instance.status == []


async def test_failed_instance_carries_its_error(server, core) -> None:
    server.reply(Reply(json={"data": instance_json(error="stage 1: insufficient funds")}))

    instance = (await orchestration_v2_get_instance(core, "i")).unwrap()

    assert instance.error == "stage 1: insufficient funds"


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("NOT_FOUND", ErrorCode.NOT_FOUND),
        ("INTERNAL", ErrorCode.INTERNAL),
        ("RATE_LIMITED", "RATE_LIMITED"),
    ],
)
async def test_error_codes_are_an_open_enum(server, core, code, expected) -> None:
    server.reply(
        Reply(
            status=404, json={"errorCode": code, "errorMessage": "no such instance", "details": "x"}
        )
    )

    result = await orchestration_v2_get_instance(core, "missing")

    assert isinstance(result, Err)
    error = result.error
    assert isinstance(error, APIError)
    assert error.status == 404
    assert error.error_code == expected
    assert type(error.error_code) is type(expected)
    assert error.error_message == "no such instance"
    assert error.details == "x"
    assert '"errorCode"' in error.body


async def test_an_error_message_with_a_lone_surrogate_is_kept_not_raised(server, core) -> None:
    body = b'{"errorCode": "VALIDATION", "errorMessage": "bad \\ud800 id"}'
    server.reply(Reply(status=400, body=body))

    result = await orchestration_v2_get_instance(core, "i")

    assert isinstance(result, Err)
    assert isinstance(result.error, APIError)
    assert result.error.error_message == "bad \ud800 id"


async def test_unknown_instance_as_500_internal(server, core) -> None:
    server.reply(Reply(status=500, json={"errorCode": "INTERNAL", "errorMessage": "not found"}))

    result = await orchestration_v2_get_instance(core, "missing")

    assert isinstance(result, Err)
    assert isinstance(result.error, APIError)
    assert result.error.error_code is ErrorCode.INTERNAL


@pytest.mark.parametrize(
    ("reply", "status", "fragment"),
    [
        (Reply(status=404, body=b"", content_type=None), 404, "empty body"),
        (Reply(status=500, body=b"", content_type="application/json"), 500, "empty body"),
        (
            Reply(
                status=502, body="<html><body>Bad Gateway</body></html>", content_type="text/html"
            ),
            502,
            "text/html",
        ),
        (Reply(status=401, body="Unauthorized", content_type="text/plain"), 401, "text/plain"),
        (Reply(status=404, body="404 page not found", content_type="application/json"), 404, ""),
        (Reply(status=400, json={"message": "gateway says no"}), 400, ""),
    ],
)
async def test_error_statuses_without_a_v2_error_body(
    server, core, reply, status, fragment
) -> None:
    server.reply(reply)

    result = await orchestration_v2_get_instance(core, "i")

    assert isinstance(result, Err)
    error = result.error
    assert isinstance(error, UnexpectedResponseError)
    assert error.status == status
    assert fragment in error.message


async def test_long_unexpected_bodies_are_truncated(server, core) -> None:
    server.reply(Reply(status=502, body="x" * 10_000, content_type="text/html"))

    error = (await orchestration_v2_get_instance(core, "i")).error  # type: ignore[union-attr]

    assert isinstance(error, UnexpectedResponseError)
    assert len(error.body) < 600
    assert error.body.endswith("[9488 more characters]")


@pytest.mark.parametrize(
    ("reply", "fragment"),
    [
        (Reply(body='{"data": {"id": "i", "workflowID"'), "not valid JSON"),
        (Reply(body="<html>ok</html>", content_type="text/html"), "text/html"),
        (Reply(body='{"data": {}}', content_type="text/plain"), "text/plain"),
        (Reply(body=b"", content_type="application/json"), "empty body"),
        (Reply(status=204, body=None), "empty body"),
    ],
)
async def test_unreadable_success_bodies(server, core, reply, fragment) -> None:
    server.reply(reply)

    result = await orchestration_v2_get_instance(core, "i")

    assert isinstance(result, Err)
    assert isinstance(result.error, UnexpectedResponseError)
    assert fragment in result.error.message


@pytest.mark.parametrize(
    ("body", "path", "reason"),
    [
        ([], "$", "expected an object"),
        ({"data": []}, "$.data", "expected an object"),
        ({"data": instance_json(id=5)}, "$.data.id", "expected a string, got number"),
        ({"data": instance_json(terminated="false")}, "$.data.terminated", "expected a boolean"),
        ({"data": instance_json(createdAt="yesterday")}, "$.data.createdAt", "isoformat"),
        ({"data": instance_json(status={"stage": 0})}, "$.data.status", "expected an array"),
        (
            {"data": instance_json(status=[{"stage": 0}, {"stage": 1.5, "instanceID": "i"}])},
            "$.data.status[0].instanceID",
            "missing",
        ),
        (
            {"data": {**instance_json(), "status": [instance_json()["status"][0], {"stage": 1.5}]}},
            "$.data.status[1].stage",
            "expected an integer, got 1.5",
        ),
        (
            {"data": {k: v for k, v in instance_json().items() if k != "workflowID"}},
            "$.data.workflowID",
            "missing",
        ),
        ({"nodata": 1}, "$.data", "missing"),
    ],
)
async def test_wrong_shapes_name_the_json_path(server, core, body, path, reason) -> None:
    server.reply(Reply(json=body))

    result = await orchestration_v2_get_instance(core, "i")

    assert isinstance(result, Err)
    error = result.error
    assert isinstance(error, ResponseValidationError)
    assert error.path == path
    assert reason in error.reason
    assert error.status == 200


async def test_cursor_page_with_a_wrong_item(server, core) -> None:
    items = [instance_json("a"), instance_json("b", terminated=None)]
    server.reply(Reply(json={"cursor": {"pageSize": 2, "hasMore": False, "data": items}}))

    result = await orchestration_v2_list_instances(core)

    assert isinstance(result, Err)
    assert isinstance(result.error, ResponseValidationError)
    assert result.error.path == "$.cursor.data[1].terminated"


async def test_integral_floats_are_accepted_as_integers(server, core) -> None:
    body = instance_json()
    body["status"][0]["stage"] = 2.0
    server.reply(Reply(json={"data": body}))

    instance = (await orchestration_v2_get_instance(core, "i")).unwrap()

    assert instance.status[0].stage == 2
    assert type(instance.status[0].stage) is int


@pytest.mark.parametrize("valid", [True, False])
async def test_large_bodies_decode_with_the_gc_paused_then_restored(
    server, core, monkeypatch, valid
) -> None:
    import gc

    from formance_orch import _json

    seen: list[bool] = []
    real_loads = _json.loads

    def spying_loads(body: bytes, **kwargs) -> object:
        seen.append(gc.isenabled())
        return real_loads(body, **kwargs)

    monkeypatch.setattr(_json, "loads", spying_loads)
    items = [instance_json(f"i-{n}") for n in range(200)]  # ~150 kB
    if not valid:
        items[-1]["id"] = 5
    server.reply(Reply(json={"cursor": {"pageSize": 200, "hasMore": False, "data": items}}))
    assert gc.isenabled()

    result = await orchestration_v2_list_instances(core)

    assert isinstance(result, Ok) is valid
    assert seen[0] is False  # paused while decoding the page
    assert gc.isenabled()  # and restored, on success and on failure

    server.reply(Reply(json={"data": instance_json()}))
    seen.clear()
    await orchestration_v2_get_instance(core, "i")
    assert seen == [True]  # small bodies leave the GC alone
