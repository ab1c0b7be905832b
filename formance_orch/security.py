"""Credentials, and how they become an ``Authorization`` header.

Three ways to authenticate, passed as ``SDKCore(security=...)``:

* ``Security(client_id=..., client_secret=...)``: OAuth2 client credentials
  against the stack's token endpoint (``{server_url}/api/auth/oauth/token``
  unless ``token_url`` says otherwise). The token is cached per ``SDKCore``,
  refreshed 60 s before it expires (used for at least 30 s, at most a day),
  fetched once for any number of concurrent callers, and dropped when the API
  answers 401 (the call is then retried once with a fresh token). A failed
  fetch is shared for 1 s: the callers that need a token meanwhile, retries
  included, get the same error instead of asking again. Redirects
  from the token endpoint are never followed: the secret goes to
  ``token_url`` and nowhere else.
* ``BearerToken("...")``: a token you obtained yourself, sent as is.
* an async callable returning a token: called before each attempt, and again
  after a 401; cache in it as you see fit.

Secrets never appear in ``repr()``, logs or error messages.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import math
import os
import re
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any, Literal, Protocol, TypeAlias, overload

import attrs

from formance_orch._http import read_body, where
from formance_orch.clock import Clock
from formance_orch.errors import AuthenticationError

if TYPE_CHECKING:
    import aiohttp

__all__ = ["BearerToken", "Security", "SecurityLike", "TokenProvider"]

logger = logging.getLogger("formance_orch")

#: The token endpoint of a Formance stack, relative to the server URL.
DEFAULT_TOKEN_PATH = "/api/auth/oauth/token"

#: The environment variables ``Security.from_env()`` reads.
CLIENT_ID_ENV = "FORMANCE_CLIENT_ID"
CLIENT_SECRET_ENV = "FORMANCE_CLIENT_SECRET"
TOKEN_URL_ENV = "FORMANCE_TOKEN_URL"

#: A token is refreshed this many seconds before the server says it expires.
REFRESH_MARGIN = 60.0

#: A token is used at least this long, whatever ``expires_in`` says (0, negative, NaN, tiny):
#: if it really expires sooner, the API's 401 makes the core fetch a new one.
MIN_TOKEN_LIFETIME = 30.0

#: A token is used at most this long, whatever ``expires_in`` says.
MAX_TOKEN_LIFETIME = 24 * 3600.0

#: An ``expires_in`` sent as a string that is still a number of seconds (any length:
#: ``float`` reads a huge one as infinity, which the 1-day cap then clamps).
_DECIMAL_SECONDS = re.compile(r"[0-9]+(?:\.[0-9]+)?")

#: Seconds during which a failed token fetch is shared: no new one is made meanwhile.
FAILURE_SHARING = 1.0

#: The largest token endpoint answer read.
TOKEN_BODY_LIMIT = 1024 * 1024

#: How many past tokens a core keeps, only to redact them from what servers echo.
TOKENS_REMEMBERED = 8

#: What a bearer token may hold to be sent as a header value (RFC 6750's b64token is stricter).
_HEADER_SAFE = re.compile(r"[\x21-\x7e]+\Z")


def sendable(token: str) -> bool:
    """Whether ``token`` can go in an ``Authorization`` header: visible ASCII, no spaces."""
    return _HEADER_SAFE.match(token) is not None


def _sendable_token(_: object, __: attrs.Attribute[str], token: object) -> None:
    if not isinstance(token, str) or not sendable(token):
        # The token itself is never shown.
        raise ValueError(
            "BearerToken.token must be a non-empty str of visible ASCII characters "
            "(no spaces, control or non-ASCII characters)"
        )


@attrs.frozen(repr=False)
class Security:
    """OAuth2 client credentials.

    ``token_url`` may be absolute, or a path resolved against the server URL;
    ``scopes`` are sent space-separated as ``scope`` when given.
    """

    client_id: str
    client_secret: str
    token_url: str | None = None
    scopes: tuple[str, ...] = ()

    def __repr__(self) -> str:
        return (
            f"Security(client_id={self.client_id!r}, client_secret='***', "
            f"token_url={self.token_url!r}, scopes={self.scopes!r})"
        )

    @overload
    @classmethod
    def from_env(
        cls, *, optional: Literal[False] = False, scopes: tuple[str, ...] = ()
    ) -> Security: ...

    @overload
    @classmethod
    def from_env(cls, *, optional: bool, scopes: tuple[str, ...] = ()) -> Security | None: ...

    @classmethod
    def from_env(cls, *, optional: bool = False, scopes: tuple[str, ...] = ()) -> Security | None:
        """Client credentials from ``FORMANCE_CLIENT_ID`` and ``FORMANCE_CLIENT_SECRET``.

        ``FORMANCE_TOKEN_URL``, when set, replaces the default token endpoint.
        Raises ``ValueError`` naming the variable that is missing or empty
        (never showing a value). With ``optional=True``, returns None when
        neither credential variable is set (for a server without
        authentication, such as a local emulator); one without the other is
        still an error.
        """
        client_id = os.environ.get(CLIENT_ID_ENV, "")
        client_secret = os.environ.get(CLIENT_SECRET_ENV, "")
        if optional and not client_id and not client_secret:
            return None
        for name, value in ((CLIENT_ID_ENV, client_id), (CLIENT_SECRET_ENV, client_secret)):
            if not value:
                raise ValueError(f"the environment variable {name} is not set (or is empty)")
        token_url = os.environ.get(TOKEN_URL_ENV) or None
        return cls(client_id, client_secret, token_url=token_url, scopes=scopes)


@attrs.frozen(repr=False)
class BearerToken:
    """A ready-made bearer token, sent unchanged with every request."""

    token: str = attrs.field(validator=_sendable_token)

    def __repr__(self) -> str:
        return "BearerToken('***')"


#: An async callable that returns a bearer token (without the ``Bearer`` prefix).
TokenProvider: TypeAlias = Callable[[], Awaitable[str]]

#: What ``SDKCore(security=...)`` accepts.
SecurityLike: TypeAlias = Security | BearerToken | TokenProvider

#: What the authenticators acquire the session with (``SDKCore.session``).
SessionSource: TypeAlias = Callable[[], "aiohttp.ClientSession"]


class Authenticator(Protocol):
    """Turns credentials into an ``Authorization`` header value (internal)."""

    def cached(self) -> str | None:
        """The header value, if it can be given without any I/O."""
        ...

    async def fetch(self, session: SessionSource, wait: float | None) -> str:
        """Obtain the header value; raises ``AuthenticationError``.

        ``session`` gives the session for any request made to obtain it (and
        raises ``InvalidRequestError`` when the core cannot send any more).
        The caller waits at most ``wait`` seconds (None: no bound).
        """
        ...

    def invalidate(self, header: str) -> bool:
        """Forget ``header`` after a 401; True if a new one may be fetched."""
        ...

    def backoff(self) -> float:
        """Seconds until a failed fetch may be tried again (0: at once)."""
        ...

    def secrets(self) -> tuple[str, ...]:
        """The strings that must never appear in messages."""
        ...


class StaticAuthenticator:
    """Sends one fixed bearer token."""

    __slots__ = ("_header",)

    def __init__(self, token: str) -> None:
        self._header = f"Bearer {token}"

    def cached(self) -> str:
        return self._header

    async def fetch(self, session: SessionSource, wait: float | None) -> str:
        return self._header

    def backoff(self) -> float:
        return 0.0

    def invalidate(self, header: str) -> bool:
        return False

    def secrets(self) -> tuple[str, ...]:
        return (self._header[len("Bearer ") :],)


class ProviderAuthenticator:
    """Asks a caller-supplied coroutine for a token before each attempt."""

    __slots__ = ("_held", "_provider")

    def __init__(self, provider: TokenProvider) -> None:
        self._provider = provider
        self._held: collections.deque[str] = collections.deque(maxlen=TOKENS_REMEMBERED)

    def cached(self) -> None:
        return None

    async def fetch(self, session: SessionSource, wait: float | None) -> str:
        try:
            async with asyncio.timeout(wait):
                token = await self._provider()
        except TimeoutError as exc:
            raise AuthenticationError(f"the token provider gave no token within {wait} s") from exc
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - the caller's code: any failure is an auth failure
            # The provider's own message may quote a credential: keep only its type.
            raise AuthenticationError(
                f"the token provider failed with {type(exc).__name__}"
            ) from None
        if not isinstance(token, str) or not token:
            raise AuthenticationError("the token provider returned no token")
        if token not in self._held:
            self._held.append(token)
        if not sendable(token):
            raise AuthenticationError(
                "the token provider returned a token that cannot be sent in a header "
                "(spaces, control or non-ASCII characters)"
            )
        return f"Bearer {token}"

    def backoff(self) -> float:
        return 0.0

    def invalidate(self, header: str) -> bool:
        return True

    def secrets(self) -> tuple[str, ...]:
        return tuple(self._held)


class ClientCredentialsAuthenticator:
    """OAuth2 client credentials with a cached, single-flight token."""

    __slots__ = (
        "_clock",
        "_failed_at",
        "_failure",
        "_header",
        "_headers",
        "_held",
        "_inflight",
        "_refresh_at",
        "_security",
        "_timeout",
        "_token_url",
        "_where",
    )

    def __init__(
        self,
        security: Security,
        token_url: str,
        *,
        clock: Clock,
        timeout: aiohttp.ClientTimeout,
        headers: Mapping[str, str],
    ) -> None:
        import yarl  # loaded with the core already; imported here to keep this module light

        self._security = security
        self._token_url = token_url
        # How errors and logs name it: scheme://host:port/path, never a query.
        self._where = where(yarl.URL(token_url))
        self._clock = clock
        # The shared fetch runs with the core's timeout and headers, whichever caller starts it.
        self._timeout = timeout
        self._headers = headers  # the core's: Accept (JSON) and User-Agent
        self._header: str | None = None
        self._refresh_at = 0.0
        self._inflight: asyncio.Task[str] | None = None
        self._failure: AuthenticationError | None = None
        self._failed_at = 0.0
        self._held: collections.deque[str] = collections.deque(maxlen=TOKENS_REMEMBERED)

    def cached(self) -> str | None:
        # The hot path: no lock, no await, one comparison.
        header = self._header
        if header is not None and self._clock.monotonic() < self._refresh_at:
            return header
        return None

    async def fetch(self, session: SessionSource, wait: float | None) -> str:
        header = self.cached()
        if header is not None:
            return header
        task = self._inflight
        if task is None or task.get_loop() is not asyncio.get_running_loop():
            failure = self._failure
            if failure is not None and self._clock.monotonic() - self._failed_at < FAILURE_SHARING:
                raise failure.with_traceback(None)
            task = asyncio.ensure_future(self._request_token(session))
            task.add_done_callback(self._settle)
            self._inflight = task
        # Not shield(): a waiter that gives up or is cancelled leaves the fetch to the others.
        done, _ = await asyncio.wait((task,), timeout=wait)
        if not done:
            # This caller's own bound: the shared request goes on for the others.
            raise AuthenticationError(
                f"the token endpoint {self._where} did not answer within {wait} s",
                url=self._where,
            )
        if task.cancelled():
            raise AuthenticationError("the token request was cancelled", url=self._where)
        return task.result()

    def _settle(self, task: asyncio.Task[str]) -> None:
        if self._inflight is task:
            self._inflight = None
        if task.cancelled():
            return
        error = task.exception()  # retrieved here: every waiter may have gone
        if isinstance(error, AuthenticationError):
            self._failure, self._failed_at = error, self._clock.monotonic()
        elif error is None:
            self._failure = None

    def backoff(self) -> float:
        # A failure is shared for FAILURE_SHARING seconds: a retry before then would only
        # see it again, so the retry layer waits at least this long.
        if self._failure is None:
            return 0.0
        return max(0.0, FAILURE_SHARING - (self._clock.monotonic() - self._failed_at))

    def invalidate(self, header: str) -> bool:
        # Another caller may already have replaced the token: only drop the one refused.
        if self._header == header:
            self._header = None
        return True

    def secrets(self) -> tuple[str, ...]:
        return (self._security.client_secret, *self._held)

    async def _request_token(self, session: SessionSource) -> str:
        import aiohttp  # loaded with the core already; imported here to keep this module light

        form = {
            "grant_type": "client_credentials",
            "client_id": self._security.client_id,
            "client_secret": self._security.client_secret,
        }
        if self._security.scopes:
            form["scope"] = " ".join(self._security.scopes)
        url = self._where
        started = self._clock.monotonic()
        try:
            # allow_redirects=False: a redirect would carry the form, secret included, elsewhere.
            async with session().post(
                self._token_url,
                data=form,
                headers=self._headers,
                timeout=self._timeout,
                allow_redirects=False,
            ) as response:
                status = response.status
                body = await read_body(response, TOKEN_BODY_LIMIT)
        except TimeoutError as exc:
            reason = f"did not answer within {self._timeout.total} s"
            _log_token_request(url, started, self._clock, reason)
            raise AuthenticationError(f"the token endpoint {url} {reason}", url=url) from exc
        except aiohttp.ClientError as exc:
            reason = f"could not be reached: {type(exc).__name__}: {exc}"
            _log_token_request(url, started, self._clock, reason)
            raise AuthenticationError(f"the token endpoint {url} {reason}", url=url) from exc
        _log_token_request(url, started, self._clock, f"HTTP {status}")
        if body is None:
            raise AuthenticationError(
                f"the token endpoint {url} answered HTTP {status} with a body over "
                f"{TOKEN_BODY_LIMIT} bytes",
                status=status,
                url=url,
            )
        payload = _parse_json_object(body)
        text = body.decode("utf-8", "replace")
        if not 200 <= status < 300:
            raise _refusal(url, status, payload, text)
        token = payload.get("access_token") if payload is not None else None
        if payload is None or not isinstance(token, str) or not token:
            raise AuthenticationError(
                f"the token endpoint {url} answered HTTP {status} without an access_token",
                status=status,
                body=text,
                url=url,
            )
        if token not in self._held:
            self._held.append(token)  # known before anything can echo it
        if not sendable(token):
            raise AuthenticationError(
                f"the token endpoint {url} answered with an access_token that cannot be sent "
                "in a header (spaces, control or non-ASCII characters)",
                status=status,
                url=url,
            )
        self._header = header = f"Bearer {token}"
        self._refresh_at = started + refresh_after(payload.get("expires_in"))
        return header


def _log_token_request(url: str, started: float, clock: Clock, outcome: str) -> None:
    if logger.isEnabledFor(logging.DEBUG):
        elapsed_ms = (clock.monotonic() - started) * 1000
        logger.debug("POST %s (token request): %s after %.1f ms", url, outcome, elapsed_ms)


def _refusal(
    url: str, status: int, payload: dict[str, Any] | None, text: str
) -> AuthenticationError:
    """The error for a token endpoint that answered with an error status."""
    error = payload.get("error") if payload is not None else None
    description = payload.get("error_description") if payload is not None else None
    error = error if isinstance(error, str) else None
    description = description if isinstance(description, str) else None
    detail = "".join([f": {error}" if error else "", f" ({description})" if description else ""])
    if 300 <= status < 400:
        what = f"answered HTTP {status}, a redirect, which is not followed"
    elif 400 <= status < 500 and status not in (408, 429):
        what = f"refused the credentials: HTTP {status}"
    else:
        what = f"failed: HTTP {status}"
    return AuthenticationError(
        f"the token endpoint {url} {what}{detail}",
        status=status,
        body=text,
        url=url,
        oauth_error=error,
        oauth_error_description=description,
    )


def _parse_json_object(body: bytes) -> dict[str, Any] | None:
    from formance_orch import _json

    try:
        payload = _json.loads(body)
    except ValueError:
        return None
    return payload if isinstance(payload, dict) else None


def refresh_after(expires_in: object) -> float:
    """Seconds after the token request was sent at which to fetch a new token.

    No readable ``expires_in``: keep the token until the API refuses it.
    Otherwise the stated lifetime (a JSON number, or a decimal string such as
    ``"3600"``, as some providers send it), clamped to 30 s .. 1 day (0,
    negative and NaN count as 0), less a 60 s margin (half the lifetime for
    short ones), and never less than 30 s.
    """
    if isinstance(expires_in, str) and _DECIMAL_SECONDS.fullmatch(expires_in):
        expires_in = float(expires_in)
    if isinstance(expires_in, bool) or not isinstance(expires_in, int | float):
        return math.inf
    try:
        lifetime = float(expires_in)
    except OverflowError:  # an integer beyond any float
        lifetime = math.inf if expires_in > 0 else 0.0
    if math.isnan(lifetime):
        lifetime = 0.0
    lifetime = min(lifetime, MAX_TOKEN_LIFETIME)
    after = lifetime / 2 if lifetime <= 2 * REFRESH_MARGIN else lifetime - REFRESH_MARGIN
    return max(after, MIN_TOKEN_LIFETIME)


def make_authenticator(
    security: SecurityLike | None,
    *,
    token_url: str,
    clock: Clock,
    timeout: aiohttp.ClientTimeout,
    headers: Mapping[str, str],
) -> Authenticator | None:
    """Build the authenticator for ``SDKCore(security=...)`` (internal)."""
    if security is None:
        return None
    if isinstance(security, Security):
        return ClientCredentialsAuthenticator(
            security, token_url, clock=clock, timeout=timeout, headers=headers
        )
    if isinstance(security, BearerToken):
        return StaticAuthenticator(security.token)
    if callable(security):
        return ProviderAuthenticator(security)
    raise TypeError(
        "security must be a Security, a BearerToken or an async callable returning a token, "
        f"not {type(security).__name__}"
    )
