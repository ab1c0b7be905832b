"""The one request path every operation goes through.

An operation module declares an ``Operation``: method, path template, which
arguments go to the query or the body and how they are checked, how the
success body decodes, whether the call is idempotent. Calling it runs, in the
order a request lives:

    validate -> build URL -> authenticate -> send (with retries) -> classify
    -> decode -> Result

Nothing here raises for an HTTP, network, decoding or validation failure:
every such failure ends as ``Err``. Cancellation propagates.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import logging
import re
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any, Generic, NamedTuple, TypeVar, cast
from urllib.parse import quote

import aiohttp
import attrs
import yarl

from formance_orch import _serde
from formance_orch.core import RequestOptions, SDKCore
from formance_orch.errors import (
    APIConnectionError,
    APIError,
    AuthenticationError,
    FormanceError,
    InvalidRequestError,
    NoContentOperationError,
    OperationError,
    RequestTimeoutError,
    ResponseValidationError,
    UnexpectedResponseError,
    snippet,
)
from formance_orch.hooks import HookContext, call_hooks
from formance_orch.models.common import CursorEnvelope, CursorPage, DataEnvelope, V2Error
from formance_orch.result import NO_META, Err, Ok, ResponseMeta, Result
from formance_orch.retries import Failure, parse_retry_after

if TYPE_CHECKING:
    from collections.abc import Generator, Iterator

    from multidict import CIMultiDictProxy

__all__ = [
    "Body",
    "Operation",
    "Param",
    "Response",
]

T = TypeVar("T")

logger = logging.getLogger("formance_orch")

_NO_BODY: Any = object()
_EMPTY: Mapping[str, Any] = {}
_NO_HEADERS: Mapping[str, str] = {}
_PATH_PARAM = re.compile(r"\{(\w+)\}")
_TOP_KEY = re.compile(r"\$\.(\w+)")
_NEEDS_NO_QUOTING = re.compile(r"(?!\.\.?\Z)[A-Za-z0-9._~-]+\Z")
_JSON_CONTENT_TYPE = "application/json"
#: Bodies at least this large are decoded with the cyclic GC paused.
_GC_PAUSE_BYTES = 64 * 1024


# --- declarations -----------------------------------------------------------------------


@attrs.frozen
class Param:
    """One argument: its Python name, wire key, type, bounds and whether it is required.

    ``kind`` is ``str`` (non-empty), ``int`` (within ``minimum``..``maximum``),
    ``bool``, or ``object`` (any JSON value, left to a body's model to check).
    ``wire`` defaults to the camelCase of ``name``.
    """

    name: str
    kind: type = str
    wire: str | None = None
    minimum: int | None = None
    maximum: int | None = None
    required: bool = False

    @property
    def key(self) -> str:
        """The name of this argument on the wire."""
        return self.wire if self.wire is not None else _serde.wire_name(self.name)

    def check(self, value: Any) -> None:
        """Raise ``InvalidRequestError`` unless ``value`` is valid for this argument."""
        kind = self.kind
        if kind is object:
            return
        # bool is an int in Python, never in this API.
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise self._invalid(f"must be {_ARTICLE[kind]}, got {type(value).__name__}")
        if kind is str and not value:
            raise self._invalid("must not be empty")
        if kind is int:
            number = cast("int", value)
            if self.minimum is not None and number < self.minimum:
                raise self._invalid(f"must be at least {self.minimum}, got {number}")
            if self.maximum is not None and number > self.maximum:
                raise self._invalid(f"must be at most {self.maximum}, got {number}")

    def encode(self, value: Any) -> str:
        """The argument as URL text; raises ``InvalidRequestError`` when it is invalid."""
        self.check(value)
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int):
            return str(int(value))
        return _encode_segment(str(value))

    def _invalid(self, reason: str) -> InvalidRequestError:
        return InvalidRequestError(f"{self.name} {reason}", parameter=self.name)


_ARTICLE = {str: "a str", int: "an int", bool: "a bool"}


def _encode_segment(value: str) -> str:
    """Percent-encode ``value`` so that it stays one path segment or query value.

    ``.`` and ``..`` are unreserved characters, so ``quote`` leaves them alone,
    but as whole segments they are path steps: encode their dots too.
    """
    if _NEEDS_NO_QUOTING.match(value):
        return value  # most ids (UUIDs, slugs): three times cheaper than quote()
    encoded = quote(value, safe="")
    if encoded == "." or encoded == "..":
        return encoded.replace(".", "%2E")
    return encoded


#: The query parameters every list operation takes.
CURSOR = Param("cursor")
PAGE_SIZE = Param("page_size", int, minimum=1, maximum=1000)


@attrs.frozen
class Body:
    """What an operation accepts as its JSON body, and how it is checked.

    The body is either passed whole, as the argument ``name`` (an instance of
    ``model`` or a plain mapping), or built from the keyword arguments in
    ``fields`` (None is left out). A body that does not fit ``model`` is
    rejected before sending, with the JSON path of the problem.
    ``string_values`` requires a mapping of strings to strings (run variables).
    """

    name: str
    model: type | None = None
    fields: tuple[Param, ...] = ()
    string_values: bool = False

    def encode(self, whole: Any, fields: Mapping[str, Any]) -> bytes:
        """The body as JSON bytes; raises ``InvalidRequestError`` when it is invalid."""
        from_fields = whole is _NO_BODY or whole is None
        given: dict[str, Any] = {}
        for param in self.fields:
            value = fields.get(param.name)
            if value is None:
                if param.required and from_fields:
                    raise InvalidRequestError(f"{param.name} is required", parameter=param.name)
                continue
            param.check(value)
            given[param.key] = value
        if from_fields:
            if not self.fields:
                raise self._invalid("is required")
            data: Any = given
        elif given:
            raise self._invalid(f"cannot be combined with {', '.join(sorted(given))}")
        elif self.model is not None and isinstance(whole, self.model):
            try:
                data = _serde.unstructure(whole)
            except Exception as exc:  # noqa: BLE001 - a field holds what its type does not allow
                raise self._invalid(f"cannot be encoded: {type(exc).__name__}: {exc}") from None
        elif isinstance(whole, Mapping):
            data = dict(whole)
        else:
            expected = f"a {self.model.__name__} or a mapping" if self.model else "a mapping"
            raise self._invalid(f"must be {expected}, got {type(whole).__name__}")
        for key, value in data.items():
            if not isinstance(key, str):
                raise self._invalid(f"keys must be str, got {type(key).__name__}")
            if self.string_values and not isinstance(value, str):
                raise self._invalid(
                    f"must map to str values, got {type(value).__name__} at {key!r}"
                )
        try:
            encoded = _serde.dumps(data)
        except (TypeError, ValueError) as exc:
            raise self._invalid(f"cannot be encoded as JSON: {exc}") from None
        if self.model is not None:
            self._check_shape(encoded, self.fields if from_fields else ())
        return encoded

    def _check_shape(self, encoded: bytes, fields: tuple[Param, ...]) -> None:
        """Reject a body the model cannot read (as the server would, but before I/O).

        When the body was built from keyword arguments, the error names the
        argument at fault rather than the body.
        """
        model = self.model
        assert model is not None
        data = _serde.loads(encoded)
        try:
            _serde.structure_hook(model)(data, model)
        except Exception:  # noqa: BLE001 - reported with its path below
            where, reason = _serde.locate_failure(data, model)
            top = _TOP_KEY.match(where)
            culprit = next((p.name for p in fields if top and top[1] == p.key), None)
            if culprit is None:
                raise self._invalid(f"does not fit {model.__name__} at {where}: {reason}") from None
            raise InvalidRequestError(
                f"{culprit} is invalid at {where}: {reason}", parameter=culprit
            ) from None

    def _invalid(self, reason: str) -> InvalidRequestError:
        return InvalidRequestError(f"{self.name} {reason}", parameter=self.name)


class Response(Generic[T]):
    """How a success body becomes the value of ``Ok``.

    ``Response.data(M)`` unwraps ``{"data": M}``, ``Response.cursor(M)`` unwraps
    ``{"cursor": {...}}`` into ``CursorPage[M]``, ``Response.json(M)`` decodes
    the body as ``M``, and ``Response.no_content()`` expects no body (``None``).
    The structure function is generated on first use and kept.

    ``wire_type`` is the type of the whole body (the envelope included), for
    describing a body that does not fit; decoding skips the envelope object.
    """

    __slots__ = ("_hook", "_key", "_value_type", "exact_numbers", "wire_type")

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
        self._hook: Callable[[Any, Any], Any] | None = None

    @staticmethod
    def json(model: type[T]) -> Response[T]:
        """The whole body is one ``model``."""
        return Response(model)

    @staticmethod
    def data(model: type[T], *, exact_numbers: bool = False) -> Response[T]:
        """The body is ``{"data": model}``; the value is the model.

        ``exact_numbers`` keeps the literal of every float in the body, for
        bodies whose integers may have travelled through float64.
        """
        envelope = DataEnvelope[model]  # type: ignore[valid-type]
        return Response(model, key="data", wire_type=envelope, exact_numbers=exact_numbers)

    @staticmethod
    def cursor(model: type[T]) -> Response[CursorPage[T]]:
        """The body is ``{"cursor": {...}}``; the value is a ``CursorPage[model]``."""
        envelope = CursorEnvelope[model]  # type: ignore[valid-type]
        return Response(CursorPage[model], key="cursor", wire_type=envelope)  # type: ignore[valid-type]

    @staticmethod
    def no_content() -> Response[None]:
        """No body is read; the value is None."""
        return Response(None)

    @property
    def expects_body(self) -> bool:
        """False for ``no_content`` responses."""
        return self._value_type is not None

    def decode(self, data: Any) -> T:
        """Structure parsed JSON into the value; raises when it does not fit."""
        hook = self._hook
        if hook is None:
            hook = self._hook = _serde.structure_hook(self._value_type)
        if self._key is not None:
            data = data[self._key]  # TypeError or KeyError when the body is not an envelope
        return hook(data, self._value_type)  # type: ignore[no-any-return]


class Operation(Generic[T]):
    """One API operation, declared; calling it performs the request.

    ``path`` is relative to ``/api/orchestration`` and names its parameters
    with their Python names (``/v2/instances/{instance_id}``); parameters not
    listed in ``path_params`` are non-empty strings. ``idempotent`` defaults
    to True for GET, PUT and DELETE. ``fallback_paths`` are tried, in order,
    when the server answers 404 (for servers that route an endpoint
    elsewhere).
    """

    __slots__ = (
        "_skip_auto_headers",
        "_templates",
        "body",
        "idempotent",
        "method",
        "operation_id",
        "path_params",
        "query",
        "response",
    )

    def __init__(
        self,
        operation_id: str,
        method: str,
        path: str,
        *,
        response: Response[T],
        path_params: tuple[Param, ...] = (),
        query: tuple[Param, ...] = (),
        body: Body | None = None,
        idempotent: bool | None = None,
        fallback_paths: tuple[str, ...] = (),
    ) -> None:
        self.operation_id = operation_id
        self.method = method
        self.response = response
        self.query = query
        self.body = body
        self.idempotent = method in ("GET", "PUT", "DELETE") if idempotent is None else idempotent
        declared = {param.name: param for param in path_params}
        names = _PATH_PARAM.findall(path)
        self.path_params = tuple(declared.get(name, Param(name)) for name in names)
        # aiohttp labels an empty PUT or POST application/octet-stream: send no type instead.
        bodiless_write = body is None and method in ("PUT", "POST")
        self._skip_auto_headers = ("Content-Type",) if bodiless_write else None
        self._templates = tuple(
            _PATH_PARAM.sub("{}", template) for template in (path, *fallback_paths)
        )

    def __call__(
        self,
        core: SDKCore,
        *,
        path: Mapping[str, Any] = _EMPTY,
        query: Mapping[str, Any] = _EMPTY,
        body: Any = _NO_BODY,
        fields: Mapping[str, Any] = _EMPTY,
        options: RequestOptions | None = None,
    ) -> Awaitable[Result[T, OperationError]]:
        """Validate the arguments, then return the coroutine that performs the request.

        Not itself a coroutine, so that a call costs one coroutine frame less.
        """
        try:
            prepared = self._prepare(core, path, query, body, fields, options)
        except InvalidRequestError as error:
            return _rejected(error)
        return _send(core, self, prepared, options)

    def _prepare(
        self,
        core: SDKCore,
        path: Mapping[str, Any],
        query: Mapping[str, Any],
        body: Any,
        fields: Mapping[str, Any],
        options: RequestOptions | None,
    ) -> _Prepared:
        """Check every argument and build the URLs and body, before any I/O."""
        if not isinstance(core, SDKCore):
            raise InvalidRequestError(f"core must be an SDKCore, got {type(core).__name__}")
        if options is not None and not isinstance(options, RequestOptions):
            raise InvalidRequestError(
                f"options must be a RequestOptions, got {type(options).__name__}",
                parameter="options",
            )
        if core.closed:
            raise InvalidRequestError("this SDKCore is closed")
        segments = []
        for param in self.path_params:
            value = path.get(param.name)
            if value is None:
                raise InvalidRequestError(f"{param.name} is required", parameter=param.name)
            segments.append(param.encode(value))
        pairs = []
        for param in self.query:
            value = query.get(param.name)
            if value is not None:
                pairs.append(f"{param.key}={param.encode(value)}")
        query_string = "&".join(pairs)
        urls = [
            yarl.URL.build(
                scheme=core._api_scheme,
                authority=core._api_authority,
                path=core._api_path + template.format(*segments),
                query_string=query_string,
                encoded=True,
            )
            for template in self._templates
        ]
        data: bytes | None = None
        if self.body is not None:
            data = self.body.encode(body, fields)
        return _Prepared(urls, data)


class NoContentOperation(Operation[None]):
    """An operation answered with 204 No Content: its value is always None."""

    __slots__ = ()

    def __call__(
        self,
        core: SDKCore,
        *,
        path: Mapping[str, Any] = _EMPTY,
        query: Mapping[str, Any] = _EMPTY,
        body: Any = _NO_BODY,
        fields: Mapping[str, Any] = _EMPTY,
        options: RequestOptions | None = None,
    ) -> Awaitable[Result[None, NoContentOperationError]]:
        """Validate the arguments, then return the coroutine that performs the request."""
        # ResponseValidationError needs a body to validate: it cannot occur here.
        return cast(
            "Awaitable[Result[None, NoContentOperationError]]",
            super().__call__(
                core, path=path, query=query, body=body, fields=fields, options=options
            ),
        )


class _Prepared(NamedTuple):
    """A request ready to send: its URL (then the fallbacks) and body."""

    urls: list[yarl.URL]
    data: bytes | None


# --- sending ------------------------------------------------------------------------------


async def _rejected(error: InvalidRequestError) -> Result[Any, OperationError]:
    """The result of a call whose arguments were refused: nothing was sent."""
    return Err(error, NO_META)


class _Attempt(NamedTuple):
    """What one attempt produced (its status and headers are in ``result.meta``)."""

    result: Ok[Any] | Err[FormanceError]
    failure: Failure = Failure.FINAL
    authorization: str | None = None


async def _send(
    core: SDKCore, op: Operation[T], prepared: _Prepared, options: RequestOptions | None
) -> Result[T, OperationError]:
    """Run attempts until one succeeds or the retry policy gives up."""
    retry = core.retries
    timeout = core._timeout
    headers = core.headers
    if options is not None:
        if options.retries is not None:
            retry = options.retries
        if options.timeout is not None:
            timeout = aiohttp.ClientTimeout(total=options.timeout)
        if options.headers:
            headers = {**headers, **options.headers}
    if prepared.data is not None:
        headers = {**headers, "Content-Type": _JSON_CONTENT_TYPE}
    clock = core.clock
    started = clock.monotonic()
    url_index = 0
    attempts = 0
    policy_attempts = 0
    reauthenticated = False
    waits: Generator[float, None, None] | None = None
    while True:
        attempts += 1
        outcome = await _attempt(
            core, op, prepared.urls[url_index], prepared.data, headers, timeout, attempts, started
        )
        result = outcome.result
        status = result.meta.status
        if isinstance(result, Ok):
            if core.hooks.after_success:
                context = _context(op, prepared.urls[url_index], attempts)
                await call_hooks(core.hooks.after_success, context, result.meta)
            return result
        if core.hooks.after_error:
            await call_hooks(
                core.hooks.after_error,
                _context(op, prepared.urls[url_index], attempts),
                result.error,
            )
        # Two second chances that are not retries: a fresh token, another route.
        if (
            status == 401
            and not reauthenticated
            and outcome.authorization is not None
            and core._auth is not None
            and core._auth.invalidate(outcome.authorization)
        ):
            reauthenticated = True
            continue
        if status == 404 and url_index + 1 < len(prepared.urls):
            url_index += 1
            continue
        policy_attempts += 1
        if policy_attempts >= retry.max_attempts or not retry.should_retry(
            outcome.failure, status, idempotent=op.idempotent
        ):
            return cast("Err[OperationError]", result)
        retry_after = parse_retry_after(result.meta.headers.get("Retry-After"))
        if retry_after is not None:
            delay = min(retry_after, retry.max_retry_after)
        else:
            if waits is None:
                waits = retry.waits()
            delay = next(waits)
        if clock.monotonic() - started + delay > retry.max_elapsed:
            return cast("Err[OperationError]", result)
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug(
                "%s %s: retrying in %.3f s after %s",
                op.method,
                prepared.urls[url_index],
                delay,
                result.error,
            )
        await clock.sleep(delay)


def _context(op: Operation[Any], url: yarl.URL, attempt: int) -> HookContext:
    return HookContext(op.operation_id, op.method, str(url), attempt)


async def _attempt(
    core: SDKCore,
    op: Operation[Any],
    url: yarl.URL,
    data: bytes | None,
    base_headers: Mapping[str, str],
    timeout: aiohttp.ClientTimeout,
    attempt: int,
    started: float,
) -> _Attempt:
    """One HTTP exchange: authenticate, send, read, classify.

    ``started`` is when the call's first attempt began, for ``meta.elapsed``.
    """
    session = core.session()
    headers = base_headers
    authorization = None
    auth = core._auth
    if auth is not None:
        authorization = auth.cached()
        if authorization is None:
            try:
                authorization = await auth.fetch(session, timeout, core.headers)
            except AuthenticationError as auth_error:
                failure = Failure.NOT_SENT if auth_error.transient else Failure.FINAL
                return _failed(auth_error, failure, core, attempt, started, None)
        headers = {**base_headers, "Authorization": authorization}
    if core.hooks.before_request:
        headers = dict(headers)
        await call_hooks(core.hooks.before_request, _context(op, url, attempt), headers)
    debug = logger.isEnabledFor(logging.DEBUG)
    if debug:
        sent_at = core.clock.monotonic()
        logger.debug(
            "%s %s attempt %d headers=%s", op.method, url, attempt, _redacted_headers(headers)
        )
    try:
        async with session.request(
            op.method,
            url,
            headers=headers,
            data=data,
            timeout=timeout,
            skip_auto_headers=op._skip_auto_headers,
        ) as response:
            status = response.status
            response_headers: CIMultiDictProxy[str] = response.headers
            body = await response.read()
    except TimeoutError as exc:
        failure = (
            Failure.NOT_SENT if isinstance(exc, aiohttp.ConnectionTimeoutError) else Failure.TIMEOUT
        )
        error: FormanceError = RequestTimeoutError(
            f"{op.method} {url.path} timed out after {timeout.total} s", timeout=timeout.total
        )
        error.__cause__ = exc
        return _failed(error, failure, core, attempt, started, authorization)
    except aiohttp.ClientConnectorError as exc:
        error = APIConnectionError(
            f"could not connect to {url.host}:{url.port}: {exc.os_error}", sent=False
        )
        error.__cause__ = exc
        return _failed(error, Failure.NOT_SENT, core, attempt, started, authorization)
    except aiohttp.ClientError as exc:
        error = APIConnectionError(
            f"{op.method} {url.path} failed: {type(exc).__name__}: {exc}", sent=True
        )
        error.__cause__ = exc
        return _failed(error, Failure.BROKEN, core, attempt, started, authorization)
    if debug:
        logger.debug(
            "%s %s -> %d in %.1f ms (attempt %d)",
            op.method,
            url,
            status,
            (core.clock.monotonic() - sent_at) * 1000,
            attempt,
        )
    meta = ResponseMeta(status, response_headers, attempt, core.clock.monotonic() - started)
    if 200 <= status < 300:
        result = _decode_success(op.response, meta, body, core)
        failure = Failure.FINAL
    else:
        result = Err(_classify_error(status, response_headers, body, core), meta)
        failure = Failure.STATUS
    return _Attempt(result, failure, authorization)


def _failed(
    error: FormanceError,
    failure: Failure,
    core: SDKCore,
    attempt: int,
    started: float,
    authorization: str | None,
) -> _Attempt:
    """An attempt that got no HTTP response."""
    meta = ResponseMeta(0, _NO_HEADERS, attempt, core.clock.monotonic() - started)
    return _Attempt(Err(error, meta), failure, authorization)


def _redacted_headers(headers: Mapping[str, str]) -> dict[str, str]:
    return {
        name: "[redacted]" if name.lower() == "authorization" else value
        for name, value in headers.items()
    }


# --- classifying and decoding -----------------------------------------------------------------


@functools.lru_cache(maxsize=64)
def _is_json(content_type: str | None) -> bool:
    if not content_type:
        return True  # absent: let the body speak for itself
    media = content_type.split(";", 1)[0].strip().lower()
    return media == _JSON_CONTENT_TYPE or media.endswith("+json")


def _text(body: bytes, core: SDKCore) -> str:
    """The body as text for an error, with every known secret removed."""
    text = body.decode("utf-8", "replace")
    if core._auth is not None:
        for secret in core._auth.secrets():
            if secret:
                text = text.replace(secret, "[redacted]")
    return text


def _decode_success(
    response: Response[Any], meta: ResponseMeta, body: bytes, core: SDKCore
) -> Ok[Any] | Err[FormanceError]:
    if not response.expects_body:
        return Ok(None, meta)
    status, headers = meta.status, meta.headers
    content_type = headers.get("Content-Type")
    if not _is_json(content_type):
        reason = f"expected a JSON body, got content type {content_type!r}"
        return Err(_unexpected(reason, status, content_type, headers, body, core), meta)
    if not body:
        reason = "expected a JSON body, got an empty body"
        return Err(_unexpected(reason, status, content_type, headers, body, core), meta)
    if len(body) >= _GC_PAUSE_BYTES:
        with paused_gc():
            return _parse(response, meta, body, core)
    return _parse(response, meta, body, core)


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
    response: Response[Any], meta: ResponseMeta, body: bytes, core: SDKCore
) -> Ok[Any] | Err[FormanceError]:
    """Parse and decode a JSON success body."""
    try:
        data = _serde.loads(body, exact_numbers=response.exact_numbers)
    except ValueError:
        content_type = meta.headers.get("Content-Type")
        error = _unexpected(
            "the body is not valid JSON", meta.status, content_type, meta.headers, body, core
        )
        return Err(error, meta)
    try:
        return Ok(response.decode(data), meta)
    except Exception:  # noqa: BLE001 - any mismatch becomes a validation error
        where, reason = _serde.locate_failure(data, response.wire_type)
        validation = ResponseValidationError(
            status=meta.status,
            path=where,
            reason=reason,
            body=snippet(_text(body, core)),
            headers=meta.headers,
        )
        return Err(validation, meta)


def _unexpected(
    reason: str,
    status: int,
    content_type: str | None,
    headers: Mapping[str, str],
    body: bytes,
    core: SDKCore,
) -> UnexpectedResponseError:
    return UnexpectedResponseError(
        f"HTTP {status}: {reason}",
        status=status,
        content_type=content_type,
        body=snippet(_text(body, core)),
        headers=headers,
    )


_V2_ERROR: Response[V2Error] = Response.json(V2Error)


def _classify_error(
    status: int, headers: Mapping[str, str], body: bytes, core: SDKCore
) -> FormanceError:
    """An error status becomes an ``APIError`` when its body is a V2Error."""
    content_type = headers.get("Content-Type")
    if body and _is_json(content_type):
        try:
            parsed = _V2_ERROR.decode(_serde.loads(body))
        except Exception:  # noqa: BLE001 - not a V2Error: reported as unexpected below
            pass
        else:
            return APIError(
                status=status,
                error_code=parsed.error_code,
                error_message=_text(parsed.error_message.encode(), core),
                body=_text(body, core),
                headers=headers,
                details=parsed.details,
            )
    reason = "an empty body" if not body else f"a body of type {content_type or 'unknown'}"
    return _unexpected(f"an error status with {reason}", status, content_type, headers, body, core)
