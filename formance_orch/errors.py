"""The errors an operation can return.

Every failure is a value: operations return ``Err(error)`` with one of the
classes below instead of raising. They are still exceptions, so
``result.unwrap()`` can raise them and callers can ``except FormanceError``.

No error message, ``str()`` or ``repr()`` ever contains a credential: bodies
are kept as text snippets, and ``redact`` removes known secrets from them.
"""

from __future__ import annotations

import enum
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
]

#: How many characters of an unexpected body an error keeps.
SNIPPET_LIMIT = 512

#: What a secret is replaced with.
REDACTED = "[redacted]"


def redact(text: str, secrets: Iterable[str]) -> str:
    """Return ``text`` with every (non-empty) secret replaced by ``[redacted]``.

    The one place the SDK removes credentials from text it keeps or logs.
    """
    for secret in secrets:
        if secret:
            text = text.replace(secret, REDACTED)
    return text


def snippet(text: str, limit: int = SNIPPET_LIMIT) -> str:
    """Return ``text`` cut to ``limit`` characters, marking the cut."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}... [{len(text) - limit} more characters]"


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
    server cannot have acted on it). The original exception is ``__cause__``.
    """

    def __init__(self, message: str, *, sent: bool) -> None:
        super().__init__(message)
        self.sent = sent


class RequestTimeoutError(FormanceError):
    """An attempt took longer than its timeout."""

    def __init__(self, message: str, *, timeout: float | None) -> None:
        super().__init__(message)
        self.timeout = timeout


class AuthenticationError(FormanceError):
    """No credentials could be obtained: the token endpoint refused or failed.

    ``status`` is the token endpoint's HTTP status, or None when it could not
    be reached.
    """

    def __init__(self, message: str, *, status: int | None = None, body: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.body = body

    @property
    def transient(self) -> bool:
        """Whether asking again later may succeed (unreachable, 429 or 5xx)."""
        return self.status is None or self.status == 429 or self.status >= 500


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
