"""Sending: the attempts of one call, as a stack of small layers.

    send -> retries -> fallback routes -> re-authentication -> one attempt

Each layer owns one concern and calls the next one:

* ``_send_handling_retries`` tries again while ``retries.RetryState`` allows
  (which failures, ``Retry-After``, backoff, the attempts and elapsed budget);
* ``_send_handling_routes`` moves to the operation's next route on a 404;
* ``_send_handling_auth`` fetches a fresh token once after a 401;
* ``_attempt`` is one attempt: authenticate, call the hooks, one HTTP
  exchange, and the answer classified and decoded by ``_decode``.

aiohttp's exceptions become SDK errors in one function, ``_transport_error``.
A ``Call`` carries what the layers share. Nothing here raises for an HTTP or
network failure; cancellation and exceptions raised by hooks propagate.
"""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import Awaitable, Mapping
from typing import TYPE_CHECKING, Any, Protocol

import aiohttp

from formance_orch._decode import JSON_CONTENT_TYPE, Response, result_of, too_large
from formance_orch._http import read_body, where
from formance_orch.errors import (
    REDACTED,
    APIConnectionError,
    AuthenticationError,
    FormanceError,
    InvalidRequestError,
    RequestTimeoutError,
    redact,
    redact_error,
    snippet,
)
from formance_orch.hooks import HookContext, call_hooks
from formance_orch.result import Err, Ok, ResponseMeta, Result
from formance_orch.retries import Failure, RetryConfig, RetryState

if TYPE_CHECKING:
    import yarl

    from formance_orch.core import RequestOptions, SDKCore

__all__ = ["Call", "OperationSpec", "send"]

logger = logging.getLogger("formance_orch")

_NO_HEADERS: Mapping[str, str] = {}

#: Bodies larger than this are handed to aiohttp as a stream (it warns about larger bytes).
_LARGE_BODY = 1024 * 1024


class OperationSpec(Protocol):
    """What sending needs to know about an operation (``_operation.Operation`` is one)."""

    operation_id: str
    method: str
    idempotent: bool
    response: Response[Any, Any]
    #: Headers aiohttp must not add on its own (``Content-Type`` of an empty POST).
    skip_auto_headers: tuple[str, ...] | None


class Call:
    """One call of an operation: its settings, and what its attempts have done so far.

    ``routes`` are the URLs to try (the operation's path, then its fallbacks)
    and ``route`` the index of the current one; ``authorization`` is the
    header value the latest attempt sent (None when it sent none) and
    ``failure`` how that attempt failed, for the retry policy.
    """

    __slots__ = (
        "attempts",
        "authorization",
        "core",
        "data",
        "failure",
        "headers",
        "max_response_bytes",
        "op",
        "reauthenticated",
        "retry",
        "route",
        "routes",
        "started",
        "timeout",
    )

    def __init__(
        self,
        core: SDKCore,
        op: OperationSpec,
        routes: list[yarl.URL],
        data: bytes | None,
        options: RequestOptions | None,
    ) -> None:
        self.core = core
        self.op = op
        self.routes = routes
        self.data = data
        self.retry: RetryConfig = core.retries
        self.timeout = core.client_timeout
        self.max_response_bytes = core.max_response_bytes
        #: The headers of every attempt, before ``Authorization`` and the hooks;
        #: None when the call adds none to the core's (the common case, made cheap).
        self.headers: Mapping[str, str] | None = None
        if data is not None:
            self.headers = {**core.headers, "Content-Type": JSON_CONTENT_TYPE}
        if options is not None:
            if options.retries is not None:
                self.retry = options.retries
            if options.timeout is not None:
                self.timeout = aiohttp.ClientTimeout(total=options.timeout)
            if options.max_response_bytes is not None:
                self.max_response_bytes = options.max_response_bytes
            if options.headers:
                self.headers = _merged(self.headers or core.headers, options.headers)
        self.route = 0
        self.attempts = 0
        self.reauthenticated = False
        self.authorization: str | None = None
        self.failure = Failure.FINAL
        self.started = core.clock.monotonic()

    @property
    def url(self) -> yarl.URL:
        """The URL of the current route."""
        return self.routes[self.route]

    def meta(self, status: int, headers: Mapping[str, str]) -> ResponseMeta:
        """The meta of the latest attempt's result (0 and no headers when nothing answered)."""
        return ResponseMeta(
            status, headers, self.attempts, self.core.clock.monotonic() - self.started
        )

    def hook_context(self) -> HookContext:
        """What the hooks are told about the latest attempt."""
        return HookContext(self.op.operation_id, self.op.method, str(self.url), self.attempts)

    def secrets(self) -> tuple[str, ...]:
        """Every secret the core knows, and the token this call's latest attempt sent."""
        secrets = self.core.secrets()
        if self.authorization is not None:
            secrets = (*secrets, self.authorization.removeprefix("Bearer "))
        return secrets

    def redacted(self, result: Err[FormanceError]) -> Err[FormanceError]:
        """``result`` with every secret removed from its error (every field) and headers."""
        error = result.error
        redact_error(error, self.secrets())
        headers = getattr(error, "headers", None)
        meta = result.meta
        if headers is None or headers is meta.headers:
            return result
        return Err(error, ResponseMeta(meta.status, headers, meta.attempts, meta.elapsed))


def _merged(headers: Mapping[str, str], extra: Mapping[str, str]) -> dict[str, str]:
    """``headers`` with ``extra`` added, replacing any header of the same name in any case."""
    replaced = {name.lower() for name in extra}
    merged = {name: value for name, value in headers.items() if name.lower() not in replaced}
    merged.update(extra)
    return merged


def send(
    core: SDKCore,
    op: OperationSpec,
    routes: list[yarl.URL],
    data: bytes | None,
    options: RequestOptions | None,
) -> Awaitable[Result[Any, Any]]:
    """Perform a validated call: the coroutine that runs its attempts.

    Not itself a coroutine, so that a call costs one coroutine frame less.
    """
    return _send_handling_retries(Call(core, op, routes, data, options))


async def _send_handling_retries(call: Call) -> Ok[Any] | Err[FormanceError]:
    """Try again, after the policy's wait, until an attempt succeeds or the policy gives up."""
    retry: RetryState | None = None
    while True:
        result = await _send_handling_routes(call)
        if isinstance(result, Ok) or call.core.closed:
            return result
        if retry is None:
            retry = RetryState(call.retry, call.core.clock, call.started)
        meta = result.meta
        delay = retry.next_wait(
            call.failure,
            meta.status,
            meta.headers.get("Retry-After"),
            idempotent=call.op.idempotent,
            at_least=(
                call.core.authorization_backoff()
                if isinstance(result.error, AuthenticationError)
                else 0.0
            ),
        )
        if delay is None:
            return result
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug(
                "%s %s: retrying in %.3f s after %s",
                call.op.method,
                where(call.url),
                delay,
                result.error,
            )
        await call.core.clock.sleep(delay)


async def _send_handling_routes(call: Call) -> Ok[Any] | Err[FormanceError]:
    """On a 404, try the operation's next route (for servers that route it elsewhere)."""
    result = await _send_handling_auth(call)
    while result.meta.status == 404 and call.route + 1 < len(call.routes):
        call.route += 1
        result = await _send_handling_auth(call)
    return result


async def _send_handling_auth(call: Call) -> Ok[Any] | Err[FormanceError]:
    """On a 401, drop the refused token and try once more with a fresh one (once per call)."""
    result = await _attempt(call)
    if (
        result.meta.status == 401
        and not call.reauthenticated
        and call.authorization is not None
        and call.core.drop_authorization(call.authorization)
    ):
        call.reauthenticated = True
        result = await _attempt(call)
    return result


async def _attempt(call: Call) -> Ok[Any] | Err[FormanceError]:
    """One attempt: authenticate, call the hooks, one HTTP exchange, classify and decode.

    Every ``Err`` it returns has been redacted first: hooks, logs and callers
    only ever see errors without secrets.
    """
    call.attempts += 1
    core = call.core
    op = call.op
    result: Ok[Any] | Err[FormanceError] | None = None
    authorization = call.authorization = core.cached_authorization()
    try:
        if authorization is None:
            authorization = call.authorization = await core.fetch_authorization(call.timeout.total)
    except AuthenticationError as auth_error:
        call.failure = Failure.NOT_SENT if auth_error.transient else Failure.FINAL
        result = Err(auth_error, call.meta(0, _NO_HEADERS))
    except InvalidRequestError as refused:  # the core closed while the token was fetched
        call.failure = Failure.FINAL
        result = Err(refused, call.meta(0, _NO_HEADERS))
    if result is None:
        hooks = core.hooks
        headers = call.headers
        if headers is None and not hooks.before_request:
            headers = core.request_headers(authorization)
        else:
            headers = dict(core.headers if headers is None else headers)
            if authorization is not None:
                headers["Authorization"] = authorization
            if hooks.before_request:
                await call_hooks(hooks.before_request, call.hook_context(), headers)
        try:
            # Acquired last, with no await before the request: it cannot close in between.
            session = core.session()
        except InvalidRequestError as refused:
            call.failure = Failure.FINAL
            result = Err(refused, call.meta(0, _NO_HEADERS))
    if result is None:
        url = call.routes[call.route]
        data: bytes | io.BytesIO | None = call.data
        if call.data is not None and len(call.data) > _LARGE_BODY:
            # Written in chunks, yielding to the loop between them (a fresh stream per attempt).
            data = io.BytesIO(call.data)
        debug = logger.isEnabledFor(logging.DEBUG)
        if debug:
            sent_at = _log_request(call, headers)
        try:
            async with session.request(
                op.method,
                url,
                headers=headers,
                data=data,
                timeout=call.timeout,
                skip_auto_headers=op.skip_auto_headers,
                # A redirect would send the body (not the token) to wherever it points, and
                # turn a 301/302 POST into a GET: it is reported instead (_decode).
                allow_redirects=False,
            ) as response:
                status = response.status
                response_headers: Mapping[str, str] = response.headers
                body = await read_body(response, call.max_response_bytes)
        except (TimeoutError, aiohttp.ClientError) as exc:
            error, call.failure = _transport_error(exc, call)
            result = Err(error, call.meta(0, _NO_HEADERS))
        except asyncio.CancelledError:
            if _cancelled_by_caller(session):
                raise
            call.failure = Failure.FINAL
            closed = APIConnectionError(
                f"{op.method} {where(url)}: the session closed before the request was sent",
                sent=False,
                url=where(url),
            )
            result = Err(closed, call.meta(0, _NO_HEADERS))
        else:
            meta = call.meta(status, response_headers)
            if debug:
                _log_response(call, status, sent_at, body)
            if body is None:
                call.failure = Failure.FINAL
                result = Err(too_large(meta, call.max_response_bytes), meta)
            else:
                call.failure = Failure.FINAL if 200 <= status < 300 else Failure.STATUS
                result = result_of(op.response, meta, body)
    if isinstance(result, Err):
        result = call.redacted(result)
    hooks = core.hooks
    if isinstance(result, Ok):
        if hooks.after_success:
            await call_hooks(hooks.after_success, call.hook_context(), result.meta)
    elif hooks.after_error:
        await call_hooks(hooks.after_error, call.hook_context(), result.error)
    return result


def _cancelled_by_caller(session: aiohttp.ClientSession) -> bool:
    """Whether a ``CancelledError`` is the caller's, not aiohttp's.

    aiohttp cancels the requests waiting for a free connection when its
    session closes; only a cancellation of the task itself is the caller's.
    """
    task = asyncio.current_task()
    return (task is not None and task.cancelling() > 0) or not session.closed


def _log_request(call: Call, headers: Mapping[str, str] | None) -> float:
    """Log an attempt about to be sent (``Authorization`` redacted); return when it was."""
    sent = {**call.core.headers, **(headers or {})}
    redacted = {
        name: REDACTED if name.lower() == "authorization" else value for name, value in sent.items()
    }
    logger.debug("%s %s attempt %d headers=%s", call.op.method, call.url, call.attempts, redacted)
    if call.core.log_bodies and call.data is not None:
        logger.debug("%s %s request body: %s", call.op.method, call.url, _shown(call, call.data))
    return call.core.clock.monotonic()


def _log_response(call: Call, status: int, sent_at: float, body: bytes | None) -> None:
    elapsed_ms = (call.core.clock.monotonic() - sent_at) * 1000
    logger.debug(
        "%s %s -> %d in %.1f ms (attempt %d)",
        call.op.method,
        call.url,
        status,
        elapsed_ms,
        call.attempts,
    )
    if call.core.log_bodies and body:
        logger.debug("%s %s response body: %s", call.op.method, call.url, _shown(call, body))


def _shown(call: Call, body: bytes) -> str:
    """A body as the DEBUG log shows it: redacted, then cut."""
    return snippet(redact(body.decode("utf-8", "replace"), call.secrets()))


def _transport_error(exc: BaseException, call: Call) -> tuple[FormanceError, Failure]:
    """The SDK error for an exception aiohttp raised, and how the attempt failed.

    The one place aiohttp's exceptions are mapped: a timeout is a
    ``RequestTimeoutError`` (not sent, if it was the connection that timed
    out), a refused or unresolvable connection an ``APIConnectionError`` that
    was not sent, anything else a connection that broke after sending. Each
    names the URL (scheme, host, port, path).
    """
    method, url = call.op.method, where(call.url)
    error: FormanceError
    if isinstance(exc, TimeoutError):
        total = call.timeout.total
        error = RequestTimeoutError(
            f"{method} {url} timed out after {total} s", timeout=total, url=url
        )
        connecting = isinstance(exc, aiohttp.ConnectionTimeoutError)
        failure = Failure.NOT_SENT if connecting else Failure.TIMEOUT
    elif isinstance(exc, aiohttp.ClientConnectorError):
        reason = f"{method} {url}: could not connect: {exc.os_error}"
        error, failure = APIConnectionError(reason, sent=False, url=url), Failure.NOT_SENT
    else:
        reason = f"{method} {url} failed: {type(exc).__name__}: {exc}"
        error, failure = APIConnectionError(reason, sent=True, url=url), Failure.BROKEN
    # A ClientResponseError holds the request's headers, Authorization included (its repr
    # shows them): its message is in ours, the exception itself is not kept.
    error.__cause__ = None if isinstance(exc, aiohttp.ClientResponseError) else exc
    return error, failure
