"""The errors an operation can return.

Every failure is a value: operations return ``Err(error)`` with one of the
classes below instead of raising. They are still exceptions, so
``result.unwrap()`` can raise them and callers can ``except FormanceError``.

No error message, ``str()``, ``repr()`` or field ever contains a credential:
the request path passes every error it returns through ``redact_error``.
"""

from __future__ import annotations

import enum
import functools
import re
import sys
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, TypeAlias

if TYPE_CHECKING:
    from datetime import datetime

    from formance_orch.models.instances import V2WorkflowInstance

__all__ = [
    "APIConnectionError",
    "APIError",
    "AuthenticationError",
    "ErrorCode",
    "FormanceError",
    "InvalidRequestError",
    "NoContentOperationError",
    "OperationError",
    "RequestTimeoutError",
    "ResponseValidationError",
    "UnexpectedResponseError",
    "WaitTimeoutError",
    "redact",
    "redact_error",
]

#: How many characters of a body an error keeps.
SNIPPET_LIMIT = 512

#: A text at most this much longer than the limit is kept whole (so cutting twice changes nothing).
_SNIPPET_SLACK = 64

#: What a secret is replaced with.
REDACTED = "[redacted]"

#: A secret this long is redacted wherever it occurs; a shorter one only where it is a value.
LONG_SECRET = 16

# A short secret is replaced where it stands as a whole value: not directly preceded
# or followed by a letter, a digit or an underscore. A development secret ("s")
# then leaves "instance" alone, while "Bearer s", "client_secret=s" and '"s"' are
# redacted. A long one cannot occur by chance: it is replaced wherever it is.
_VALUE_EDGE_BEFORE = r"(?<![A-Za-z0-9_])"
_VALUE_EDGE_AFTER = r"(?![A-Za-z0-9_])"


def _spellings(secret: str) -> set[str]:
    """How a secret may come back: as is, form- or percent-encoded, JSON-escaped."""
    import json
    from urllib.parse import quote, quote_plus

    return {
        secret,
        quote_plus(secret, safe=""),
        quote(secret, safe=""),
        json.dumps(secret)[1:-1],
        json.dumps(secret, ensure_ascii=False)[1:-1],
    }


def _alternatives(variants: set[str]) -> str:
    # Longest first, so that a secret containing another is replaced whole.
    return "|".join(re.escape(v) for v in sorted(variants, key=len, reverse=True))


@functools.lru_cache(maxsize=32)
def _pattern(secrets: tuple[str, ...]) -> re.Pattern[str] | None:
    long = {v for secret in secrets if len(secret) >= LONG_SECRET for v in _spellings(secret)}
    short = {v for secret in secrets if 0 < len(secret) < LONG_SECRET for v in _spellings(secret)}
    parts = []
    if long:
        parts.append(f"(?:{_alternatives(long)})")
    if short:
        parts.append(f"{_VALUE_EDGE_BEFORE}(?:{_alternatives(short)}){_VALUE_EDGE_AFTER}")
    return re.compile("|".join(parts)) if parts else None


def redact(text: str, secrets: Iterable[str]) -> str:
    """Return ``text`` with every secret replaced by ``[redacted]``.

    Each secret is looked for as is and in its form-encoded, percent-encoded
    and JSON-escaped spellings. A secret of 16 characters or more is replaced
    wherever it occurs; a shorter one (a development secret such as ``"s"``)
    only where it stands as a whole value, not glued to a letter, digit or
    underscore, so that redaction never mangles ordinary words.
    """
    pattern = _pattern(tuple(secrets))
    return text if pattern is None else pattern.sub(REDACTED, text)


def snippet(text: str, limit: int = SNIPPET_LIMIT) -> str:
    """Return ``text`` cut to ``limit`` characters, marking the cut (cutting twice is a no-op)."""
    if len(text) <= limit + _SNIPPET_SLACK:
        return text
    return f"{text[:limit]}... [{len(text) - limit} more characters]"


def shown(value: object, limit: int = 60) -> str:
    """``repr(value)`` for a message: cut when long; integers too long to print are described.

    Never raises: ``str`` and ``int`` subclasses are shown as the plain value,
    and an object whose ``repr`` fails by its type.
    """
    if isinstance(value, int) and not isinstance(value, bool):
        if value.bit_length() > 64:
            return f"an int of {value.bit_length()} bits"
        text = int.__repr__(value)
    elif isinstance(value, str):
        text = str.__repr__(value)
    else:
        try:
            text = repr(value)
        except Exception:  # noqa: BLE001 - the caller's object: describe it by its type
            text = f"<{type(value).__name__}>"
    return text if len(text) <= limit else f"{text[:limit]}..."


def redact_error(error: BaseException, secrets: Iterable[str]) -> None:
    """Remove every secret from every field of ``error``, in place; then cut its ``body``.

    The one place errors lose their secrets: the message and ``args``, every
    string field (body, error code, path, reason, URL, ...), JSON details
    (keys included) and header names and values. ``body`` is cut to a snippet
    only after redaction, so that a cut never leaves part of a secret.
    """
    pattern = _pattern(tuple(secrets))
    fields: dict[str, Any] = getattr(error, "__dict__", {})
    for name, value in list(fields.items()):
        if pattern is not None:
            value = _scrub(value, pattern)
        if name == "body" and isinstance(value, str):
            value = snippet(value)
        if value is not fields[name]:
            fields[name] = value
    if pattern is not None:
        error.args = tuple(_scrub(arg, pattern) for arg in error.args)


def _scrub(value: Any, pattern: re.Pattern[str]) -> Any:
    """``value`` with every secret removed from its strings; the same object when none was found.

    Walks nested JSON data (dicts, lists, tuples) without recursion: error
    details can be nested as deep as the JSON parser allows.
    """
    if isinstance(value, str):
        return pattern.sub(REDACTED, value) if pattern.search(value) else value
    if isinstance(value, Mapping) and not isinstance(value, dict):
        # Headers (a multidict): rebuilt only when a name or value holds a secret.
        items = list(value.items())
        if not any(pattern.search(f"{name}\n{item}") for name, item in items):
            return value
        from multidict import CIMultiDict  # headers only exist once aiohttp is loaded

        return CIMultiDict((_scrub(name, pattern), _scrub(item, pattern)) for name, item in items)
    if not isinstance(value, dict | list | tuple):
        return value
    changed = False

    def scrubbed(item: Any) -> Any:
        nonlocal changed
        if isinstance(item, str) and pattern.search(item):
            changed = True
            return pattern.sub(REDACTED, item)
        if isinstance(item, dict):
            target: dict[Any, Any] = {}
            stack.append((item, target))
            return target
        if isinstance(item, list | tuple):
            items: list[Any] = []
            stack.append((item, items))
            return items
        return item

    stack: list[tuple[Any, Any]] = []
    root = scrubbed(value)
    while stack:
        source, target = stack.pop()
        if isinstance(source, dict):
            for key, item in source.items():
                target[scrubbed(key)] = scrubbed(item)
        else:
            target.extend(scrubbed(item) for item in source)
    if not changed:
        return value
    return tuple(root) if isinstance(value, tuple) else root


class ErrorCode(enum.StrEnum):
    """The error codes the Orchestration v2 API documents.

    The set is open: an error code the server adds later reaches the caller as
    a plain ``str`` (``APIError.error_code``) rather than failing to decode.
    """

    VALIDATION = "VALIDATION"
    NOT_FOUND = "NOT_FOUND"
    INTERNAL = "INTERNAL"


def picklable(value: Any) -> Any:
    """``value``, or a copy that can be pickled when it is aiohttp's read-only headers.

    A response's headers are a ``CIMultiDictProxy``, which refuses pickling;
    its ``copy()`` is a ``CIMultiDict`` (every value, case-insensitive keys).
    """
    multidict = sys.modules.get("multidict")  # loaded whenever such headers exist
    if multidict is not None and isinstance(value, multidict.MultiDictProxy):
        return value.copy()
    return value


def _rebuild(cls: type[FormanceError], args: tuple[Any, ...]) -> FormanceError:
    """An error of class ``cls`` without calling its ``__init__`` (unpickling sets the rest)."""
    return cls.__new__(cls, *args)


class FormanceError(Exception):
    """Base class of every error this SDK returns or raises.

    Every error pickles with all its attributes (headers included), so it can
    cross process boundaries; ``__cause__`` and the traceback are not kept.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        # The default reduce calls cls(*args), which keyword-only __init__s refuse.
        state = {name: picklable(value) for name, value in self.__dict__.items()}
        return _rebuild, (type(self), self.args), state


class APIError(FormanceError):
    """The server answered with an error status and a ``V2Error`` body."""

    def __init__(
        self,
        *,
        status: int,
        error_code: ErrorCode | str,
        error_message: str,
        body: str,
        headers: Mapping[str, str],
        details: Any = None,
    ) -> None:
        # Either part may be empty: the server omits an empty code or message.
        head = f"HTTP {status} {error_code}".rstrip()
        super().__init__(f"{head}: {error_message}" if error_message else head)
        self.status = status
        self.error_code = error_code
        self.error_message = error_message
        self.body = body
        self.headers = headers
        self.details = details

    def __repr__(self) -> str:
        return (
            f"APIError(status={self.status}, error_code={str(self.error_code)!r}, "
            f"error_message={self.error_message!r})"
        )


class UnexpectedResponseError(FormanceError):
    """The server answered with something this API never sends.

    For example an HTML page from a gateway, an empty 404 body, truncated
    JSON, a non-JSON content type, or no body where one was expected. ``body``
    holds a truncated snippet of what arrived.
    """

    def __init__(
        self,
        message: str,
        *,
        status: int,
        content_type: str | None,
        body: str,
        headers: Mapping[str, str],
    ) -> None:
        super().__init__(message)
        self.status = status
        self.content_type = content_type
        self.body = body
        self.headers = headers

    def __repr__(self) -> str:
        return (
            f"UnexpectedResponseError(status={self.status}, "
            f"content_type={self.content_type!r}, message={self.message!r})"
        )


class ResponseValidationError(FormanceError):
    """A success body was JSON but did not match the operation's model.

    ``path`` is a JSON path into the body (``$.data.status[1].startedAt``),
    using the wire's field names; ``reason`` says what was wrong there.
    """

    def __init__(
        self, *, status: int, path: str, reason: str, body: str, headers: Mapping[str, str]
    ) -> None:
        super().__init__(f"response body does not match the model at {path}: {reason}")
        self.status = status
        self.path = path
        self.reason = reason
        self.body = body
        self.headers = headers

    def __repr__(self) -> str:
        return f"ResponseValidationError(status={self.status}, path={self.path!r})"


class InvalidRequestError(FormanceError):
    """An argument was rejected before anything was sent.

    ``parameter`` names the offending argument, when there is one.
    """

    def __init__(self, message: str, *, parameter: str | None = None) -> None:
        super().__init__(message)
        self.parameter = parameter


class APIConnectionError(FormanceError):
    """The server could not be reached, or the connection broke mid-exchange.

    ``sent`` is False when the failure happened before the request left (the
    server cannot have acted on it). ``url`` is where the request went
    (scheme, host, port and path). The original exception is ``__cause__``
    (except aiohttp's ``ClientResponseError``, which holds the request's
    headers: only its message is kept).
    """

    def __init__(self, message: str, *, sent: bool, url: str | None = None) -> None:
        super().__init__(message)
        self.sent = sent
        self.url = url


class RequestTimeoutError(FormanceError):
    """An attempt took longer than its timeout; ``url`` is where the request went."""

    def __init__(self, message: str, *, timeout: float | None, url: str | None = None) -> None:
        super().__init__(message)
        self.timeout = timeout
        self.url = url


class AuthenticationError(FormanceError):
    """No credentials could be obtained: the token endpoint refused, failed or was unreachable.

    ``url`` is the token endpoint. ``status`` is its HTTP status, or None when
    no answer arrived (unreachable, timed out). When it refused the
    credentials, ``oauth_error`` and ``oauth_error_description`` hold its
    OAuth2 ``error`` and ``error_description``; ``body`` is a snippet of its
    answer.
    """

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        body: str = "",
        url: str | None = None,
        oauth_error: str | None = None,
        oauth_error_description: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.body = body
        self.url = url
        self.oauth_error = oauth_error
        self.oauth_error_description = oauth_error_description

    @property
    def transient(self) -> bool:
        """Whether asking again later may succeed (unreachable, 408, 429 or 5xx)."""
        return self.status is None or self.status in (408, 429) or self.status >= 500


class WaitTimeoutError(FormanceError):
    """``wait_for_instance`` gave up: the instance had not ended in time.

    ``instance`` is the last state seen, ``timeout`` the seconds waited. When
    the running ``stage`` was waiting for an event, ``waiting_for`` names it.
    When it was an activity that keeps failing and being retried (on the real
    server, insufficient funds or an unknown wallet retry forever),
    ``activity``, ``attempt``, ``last_failure`` and ``next_execution`` come
    from that stage's history, and the message quotes the failure.
    """

    def __init__(
        self,
        message: str,
        *,
        timeout: float,
        instance: V2WorkflowInstance,
        stage: int | None = None,
        waiting_for: str | None = None,
        activity: str | None = None,
        attempt: int | None = None,
        last_failure: str | None = None,
        next_execution: datetime | None = None,
    ) -> None:
        super().__init__(message)
        self.timeout = timeout
        self.instance = instance
        self.stage = stage
        self.waiting_for = waiting_for
        self.activity = activity
        self.attempt = attempt
        self.last_failure = last_failure
        self.next_execution = next_execution


#: Every error an operation with a response body can return.
OperationError: TypeAlias = (
    APIError
    | UnexpectedResponseError
    | ResponseValidationError
    | InvalidRequestError
    | APIConnectionError
    | RequestTimeoutError
    | AuthenticationError
)

#: Every error an operation answered with 204 No Content can return.
NoContentOperationError: TypeAlias = (
    APIError
    | UnexpectedResponseError
    | InvalidRequestError
    | APIConnectionError
    | RequestTimeoutError
    | AuthenticationError
)
