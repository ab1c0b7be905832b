"""Results and every error pickle and unpickle with all their fields, headers included.

aiohttp gives a response's headers as a read-only ``CIMultiDictProxy``, which
refuses pickling: errors and metas pickle them as a ``CIMultiDict`` copy
(every value, case-insensitive keys).
"""

from __future__ import annotations

import importlib
import pickle
import pkgutil
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from multidict import CIMultiDict, CIMultiDictProxy

import formance_orch
from formance_orch import Err, Ok, ResponseMeta, RetryConfig
from formance_orch.errors import (
    APIConnectionError,
    APIError,
    AuthenticationError,
    ErrorCode,
    FormanceError,
    InvalidRequestError,
    RequestTimeoutError,
    ResponseValidationError,
    UnexpectedResponseError,
    WaitTimeoutError,
)
from formance_orch.funcs.orchestration_v2_get_instance import orchestration_v2_get_instance
from formance_orch.models.instances import V2WorkflowInstance
from formance_orch.pagination import PaginationError
from formance_orch.wire import WireFormatError
from tests.support import Reply, instance_json


def proxy() -> CIMultiDictProxy[str]:
    """Headers as aiohttp gives them: read-only, case-insensitive, with repeated names."""
    return CIMultiDictProxy(
        CIMultiDict([("Content-Type", "application/json"), ("Via", "a"), ("via", "b")])
    )


SAMPLES: dict[type[FormanceError], Callable[[], FormanceError]] = {
    FormanceError: lambda: FormanceError("plain"),
    APIError: lambda: APIError(
        status=500,
        error_code=ErrorCode.INTERNAL,
        error_message="boom",
        body='{"errorCode":"INTERNAL","errorMessage":"boom"}',
        headers=proxy(),
        details={"field": ["x", 1]},
    ),
    UnexpectedResponseError: lambda: UnexpectedResponseError(
        "HTTP 502: html", status=502, content_type="text/html", body="<html>", headers=proxy()
    ),
    ResponseValidationError: lambda: ResponseValidationError(
        status=200, path="$.data.id", reason="expected a string", body="{}", headers=proxy()
    ),
    InvalidRequestError: lambda: InvalidRequestError("page_size too big", parameter="page_size"),
    APIConnectionError: lambda: APIConnectionError("refused", sent=False),
    RequestTimeoutError: lambda: RequestTimeoutError("slow", timeout=2.5),
    AuthenticationError: lambda: AuthenticationError("refused", status=401, body="no"),
    PaginationError: lambda: PaginationError("loop", cursor="c1", pages=3),
    WireFormatError: lambda: WireFormatError(path="$.stage", reason="expected a number"),
    WaitTimeoutError: lambda: WaitTimeoutError(
        "instance 'i-1' has not ended after 5 s; stage 0 is retrying CreateTransaction",
        timeout=5.0,
        instance=V2WorkflowInstance(
            id="i-1",
            workflow_id="wf-1",
            created_at=datetime(2024, 9, 23, 10, 0, tzinfo=UTC),
            updated_at=datetime(2024, 9, 23, 10, 0, tzinfo=UTC),
            terminated=False,
        ),
        stage=0,
        activity="CreateTransaction",
        attempt=7,
        last_failure="insufficient funds",
        next_execution=datetime(2024, 9, 23, 10, 1, tzinfo=UTC),
    ),
}


def every_error_class() -> set[type[FormanceError]]:
    """FormanceError and all its subclasses, once every module of the package is imported."""
    for module in pkgutil.walk_packages(formance_orch.__path__, "formance_orch."):
        if not module.name.endswith(".__main__"):
            importlib.import_module(module.name)
    found: set[type[FormanceError]] = set()
    todo = [FormanceError]
    while todo:
        cls = todo.pop()
        if cls.__module__.startswith("formance_orch") and cls not in found:
            found.add(cls)
            todo.extend(cls.__subclasses__())
    return found


def same_headers(left: Any, right: Any) -> bool:
    return list(left.items()) == list(right.items())


def assert_same_error(restored: Any, original: Any) -> None:
    assert type(restored) is type(original)
    assert restored.args == original.args
    assert str(restored) == str(original)
    assert repr(restored) == repr(original)
    assert restored.__dict__.keys() == original.__dict__.keys()
    for name, value in original.__dict__.items():
        if name == "headers":
            assert same_headers(restored.headers, value)
            assert isinstance(restored.headers, CIMultiDict)
        else:
            assert getattr(restored, name) == value
            assert type(getattr(restored, name)) is type(value)


def test_every_error_class_has_a_sample() -> None:
    assert every_error_class() == set(SAMPLES)


@pytest.mark.parametrize("cls", list(SAMPLES), ids=lambda cls: cls.__name__)
def test_each_error_pickles_with_all_its_fields(cls: type[FormanceError]) -> None:
    error = SAMPLES[cls]()
    error.add_note("seen by the worker")

    restored = pickle.loads(pickle.dumps(error))

    assert_same_error(restored, error)
    assert restored.__notes__ == ["seen by the worker"]
    assert restored.message == error.message
    # The original still holds its own headers, untouched.
    if "headers" in error.__dict__:
        assert isinstance(error.__dict__["headers"], CIMultiDictProxy)


def test_pickled_headers_keep_every_value_and_any_case() -> None:
    restored = pickle.loads(pickle.dumps(SAMPLES[APIError]()))

    assert restored.headers.getall("VIA") == ["a", "b"]
    assert restored.headers["content-type"] == "application/json"


@pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1))
def test_results_pickle_with_every_protocol(protocol: int) -> None:
    meta = ResponseMeta(500, proxy(), 3, 1.25)
    failed = Err(SAMPLES[APIError](), meta)
    succeeded = Ok({"id": "i", "amount": 2**70}, ResponseMeta(200, proxy(), 1, 0.5))

    err = pickle.loads(pickle.dumps(failed, protocol))
    ok = pickle.loads(pickle.dumps(succeeded, protocol))

    assert_same_error(err.error, failed.error)
    assert (err.meta.status, err.meta.attempts, err.meta.elapsed) == (500, 3, 1.25)
    assert same_headers(err.meta.headers, meta.headers)
    assert ok.value == succeeded.value
    assert same_headers(ok.meta.headers, succeeded.meta.headers)
    assert ok.meta == ResponseMeta(200, ok.meta.headers, 1, 0.5)


async def test_results_from_the_wire_pickle(server, make_core) -> None:
    core = make_core(retries=RetryConfig.none())
    server.reply(
        Reply(json={"data": instance_json()}, headers={"X-Request-Id": "r-1"}),
        Reply(
            status=500,
            json={"errorCode": "INTERNAL", "errorMessage": "Instance not found"},
            headers={"X-Request-Id": "r-2"},
        ),
    )

    ok = await orchestration_v2_get_instance(core, "inst-1")
    err = await orchestration_v2_get_instance(core, "inst-2")

    assert isinstance(ok, Ok)
    assert isinstance(err, Err)
    assert isinstance(err.error.headers, CIMultiDictProxy)  # what aiohttp gave
    ok_back = pickle.loads(pickle.dumps(ok))
    err_back = pickle.loads(pickle.dumps(err))
    assert ok_back.value == ok.value
    assert ok_back.meta.headers["x-request-id"] == "r-1"
    assert_same_error(err_back.error, err.error)
    assert err_back.error.headers["x-request-id"] == "r-2"
    assert err_back.meta.status == 500
    assert same_headers(err_back.meta.headers, err.meta.headers)
