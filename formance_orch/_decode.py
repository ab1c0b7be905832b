"""Classifying and decoding: what one HTTP answer becomes.

A 2xx answer becomes ``Ok(value)`` through the operation's ``Response`` (or
an ``Err`` when its body is not the JSON the model expects); any other status
becomes ``Err``: ``APIError`` when the body is a ``V2Error``, else
``UnexpectedResponseError``. Errors keep the body's whole text here: the
sending layer redacts every field, then cuts bodies to a snippet
(``errors.redact_error``). Nothing here does I/O or raises for a bad body.
"""

from __future__ import annotations

import contextlib
import functools
import gc
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from formance_orch import _json, _serde
from formance_orch._http import where
from formance_orch.errors import (
    APIError,
    FormanceError,
    NoContentOperationError,
    OperationError,
    ResponseValidationError,
    UnexpectedResponseError,
)
from formance_orch.models.common import CursorEnvelope, CursorPage, DataEnvelope, V2Error
from formance_orch.result import Err, Ok, ResponseMeta

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = ["Response", "paused_gc", "result_of", "too_large"]

T = TypeVar("T")
E = TypeVar("E", bound=FormanceError)

JSON_CONTENT_TYPE = "application/json"
#: Bodies at least this large are decoded with the cyclic GC paused.
GC_PAUSE_BYTES = 64 * 1024


class Response(Generic[T, E]):
    """How a success body becomes the value of ``Ok``, and so which errors a call can end with.

    ``Response.data(M)`` unwraps ``{"data": M}``, ``Response.cursor(M)`` unwraps
    ``{"cursor": {...}}`` into ``CursorPage[M]``, ``Response.json(M)`` decodes
    the body as ``M``, and ``Response.no_content()`` expects no body (``None``;
    such an operation cannot end with ``ResponseValidationError``, hence its
    narrower error type ``E``). The structure function is generated on first
    use and kept.

    ``wire_type`` is the type of the whole body (the envelope included), for
    describing a body that does not fit; decoding skips the envelope object.
    """

    __slots__ = ("_hook", "_key", "_value_type", "exact_numbers", "expects_body", "wire_type")

    def __init__(
        self,
        value_type: Any,
        *,
        key: str | None = None,
        wire_type: Any = None,
        exact_numbers: bool = False,
    ) -> None:
        self._value_type = value_type
        self._key = key
        self.wire_type = value_type if wire_type is None else wire_type
        self.exact_numbers = exact_numbers
        #: False for ``no_content`` responses.
        self.expects_body = value_type is not None
        self._hook: Callable[[Any, Any], Any] | None = None

    @staticmethod
    def json(model: type[T]) -> Response[T, OperationError]:
        """The whole body is one ``model``."""
        return Response(model)

    @staticmethod
    def data(model: type[T], *, exact_numbers: bool = False) -> Response[T, OperationError]:
        """The body is ``{"data": model}``; the value is the model.

        ``exact_numbers`` keeps the literal of every float in the body, for
        bodies whose integers may have travelled through float64.
        """
        envelope = DataEnvelope[model]  # type: ignore[valid-type]
        return Response(model, key="data", wire_type=envelope, exact_numbers=exact_numbers)

    @staticmethod
    def cursor(model: type[T]) -> Response[CursorPage[T], OperationError]:
        """The body is ``{"cursor": {...}}``; the value is a ``CursorPage[model]``."""
        envelope = CursorEnvelope[model]  # type: ignore[valid-type]
        return Response(CursorPage[model], key="cursor", wire_type=envelope)  # type: ignore[valid-type]

    @staticmethod
    def no_content() -> Response[None, NoContentOperationError]:
        """No body is read; the value is None."""
        return Response(None)

    def decode(self, data: Any) -> T:
        """Structure parsed JSON into the value; raises when it does not fit."""
        hook = self._hook
        if hook is None:
            hook = self._hook = _serde.structure_hook(self._value_type)
        if self._key is not None:
            data = data[self._key]  # TypeError or KeyError when the body is not an envelope
        return hook(data, self._value_type)  # type: ignore[no-any-return]


def result_of(
    response: Response[Any, Any], meta: ResponseMeta, body: bytes
) -> Ok[Any] | Err[FormanceError]:
    """Classify an answer by its status, then decode it: the result of one attempt."""
    if not 200 <= meta.status < 300:
        return Err(_classify_error(meta, body), meta)
    if not response.expects_body:
        return Ok(None, meta)
    content_type = meta.headers.get("Content-Type")
    if not _is_json(content_type):
        reason = f"expected a JSON body, got content type {content_type!r}"
        return Err(_unexpected(reason, meta, body), meta)
    if not body:
        return Err(_unexpected("expected a JSON body, got an empty body", meta, body), meta)
    if len(body) >= GC_PAUSE_BYTES:
        with paused_gc():
            return _parse(response, meta, body)
    return _parse(response, meta, body)


def too_large(meta: ResponseMeta, limit: int) -> UnexpectedResponseError:
    """The error for an answer whose body was over ``max_response_bytes`` (and was not read)."""
    return _unexpected(f"the body is larger than max_response_bytes ({limit})", meta, b"")


@functools.lru_cache(maxsize=64)
def _is_json(content_type: str | None) -> bool:
    if not content_type:
        return True  # absent: let the body speak for itself
    media = content_type.split(";", 1)[0].strip().lower()
    return media == JSON_CONTENT_TYPE or media.endswith("+json")


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector for a block (if it is on).

    Decoding a large page allocates tens of thousands of containers that all
    stay alive: the collector would traverse them again and again for nothing.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _parse(
    response: Response[Any, Any], meta: ResponseMeta, body: bytes
) -> Ok[Any] | Err[FormanceError]:
    """Parse and decode a JSON success body."""
    try:
        data = _json.loads(body, exact_numbers=response.exact_numbers)
    except ValueError:
        return Err(_unexpected("the body is not valid JSON", meta, body), meta)
    try:
        return Ok(response.decode(data), meta)
    except Exception:  # noqa: BLE001 - any mismatch becomes a validation error
        where, reason = _serde.locate_failure(data, response.wire_type)
        validation = ResponseValidationError(
            status=meta.status,
            path=where,
            reason=reason,
            body=_text(body),
            headers=meta.headers,
        )
        return Err(validation, meta)


def _text(body: bytes) -> str:
    """The body as text for an error (redacted and cut later, with every other field)."""
    return body.decode("utf-8", "replace")


def _unexpected(reason: str, meta: ResponseMeta, body: bytes) -> UnexpectedResponseError:
    return UnexpectedResponseError(
        f"HTTP {meta.status}: {reason}",
        status=meta.status,
        content_type=meta.headers.get("Content-Type"),
        body=_text(body),
        headers=meta.headers,
    )


_V2_ERROR: Response[V2Error, OperationError] = Response.json(V2Error)


#: The keys of a V2Error body, at least one of which it must carry.
_V2_ERROR_KEYS = frozenset({"errorCode", "errorMessage"})


def _classify_error(meta: ResponseMeta, body: bytes) -> FormanceError:
    """An error status becomes an ``APIError`` when its body is a V2Error.

    The server omits an empty ``errorCode`` or ``errorMessage`` (Go's
    ``omitempty``), so a body with either one is a V2Error, the other read as
    ``""``; a JSON object with neither (``{}`` from a gateway) is not.
    """
    content_type = meta.headers.get("Content-Type")
    if body and _is_json(content_type):
        try:
            data = _json.loads(body)
            parsed = _V2_ERROR.decode(data)
        except Exception:  # noqa: BLE001 - not a V2Error: reported as unexpected below
            pass
        else:
            if not _V2_ERROR_KEYS.isdisjoint(data):
                return APIError(
                    status=meta.status,
                    error_code=parsed.error_code,
                    error_message=parsed.error_message,
                    body=_text(body),
                    headers=meta.headers,
                    details=parsed.details,
                )
    if 300 <= meta.status < 400:
        return _unexpected(_redirect_reason(meta.headers.get("Location")), meta, body)
    reason = "an empty body" if not body else f"a body of type {content_type or 'unknown'}"
    return _unexpected(f"an error status with {reason}", meta, body)


def _redirect_reason(location: str | None) -> str:
    """Why a redirect is an error, and where it pointed (no credentials, no query)."""
    import yarl

    reason = "a redirect, which the SDK does not follow"
    if not location:
        return reason
    try:
        target = yarl.URL(location)
        if target.scheme in ("http", "https") and target.host:
            shown = where(target)
        elif not target.scheme and not target.host and target.path.startswith("/"):
            shown = target.path  # on the same server
        else:  # scheme-relative, another scheme, or nothing usable: not worth quoting
            return reason
    except (ValueError, TypeError):
        return reason
    if len(shown) > _LONGEST_LOCATION:
        shown = shown[:_LONGEST_LOCATION] + "..."
    return f"{reason}, to {shown}: if the API moved there, set server_url to it"


#: How much of a redirect's target an error message quotes.
_LONGEST_LOCATION = 200
