"""Credentials, and how they become an ``Authorization`` header.

Three ways to authenticate, passed as ``SDKCore(security=...)``:

* ``Security(client_id=..., client_secret=...)``: OAuth2 client credentials
  against the stack's token endpoint (``{server_url}/api/auth/oauth/token``
  unless ``token_url`` says otherwise). The token is cached per ``SDKCore``,
  refreshed 60 s before it expires, fetched once for any number of concurrent
  callers, and dropped when the API answers 401 (the call is then retried once
  with a fresh token).
* ``BearerToken("...")``: a token you obtained yourself, sent as is.
* an async callable returning a token: called before each attempt, and again
  after a 401; cache in it as you see fit.

Secrets never appear in ``repr()``, logs or error messages.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any, Literal, Protocol, TypeAlias, overload

import attrs

from formance_orch.clock import Clock
from formance_orch.errors import AuthenticationError, redact, snippet

if TYPE_CHECKING:
    import aiohttp

__all__ = ["BearerToken", "Security", "SecurityLike", "TokenProvider"]

#: The token endpoint of a Formance stack, relative to the server URL.
DEFAULT_TOKEN_PATH = "/api/auth/oauth/token"

#: The environment variables ``Security.from_env()`` reads.
CLIENT_ID_ENV = "FORMANCE_CLIENT_ID"
CLIENT_SECRET_ENV = "FORMANCE_CLIENT_SECRET"
TOKEN_URL_ENV = "FORMANCE_TOKEN_URL"

#: A token is refreshed this many seconds before the server says it expires.
REFRESH_MARGIN = 60.0


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

    token: str

    def __repr__(self) -> str:
        return "BearerToken('***')"


#: An async callable that returns a bearer token (without the ``Bearer`` prefix).
TokenProvider: TypeAlias = Callable[[], Awaitable[str]]

#: What ``SDKCore(security=...)`` accepts.
SecurityLike: TypeAlias = Security | BearerToken | TokenProvider


class Authenticator(Protocol):
    """Turns credentials into an ``Authorization`` header value (internal)."""

    def cached(self) -> str | None:
        """The header value, if it can be given without any I/O."""
        ...

    async def fetch(
        self,
        session: aiohttp.ClientSession,
        timeout: aiohttp.ClientTimeout,
        headers: Mapping[str, str],
    ) -> str:
        """Obtain the header value; raises ``AuthenticationError``.

        ``headers`` are the core's own (``User-Agent``, ...), for any request
        made to obtain credentials.
        """
        ...

    def invalidate(self, header: str) -> bool:
        """Forget ``header`` after a 401; True if a new one may be fetched."""
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

    async def fetch(
        self,
        session: aiohttp.ClientSession,
        timeout: aiohttp.ClientTimeout,
        headers: Mapping[str, str],
    ) -> str:
        return self._header

    def invalidate(self, header: str) -> bool:
        return False

    def secrets(self) -> tuple[str, ...]:
        return (self._header[len("Bearer ") :],)


class ProviderAuthenticator:
    """Asks a caller-supplied coroutine for a token before each attempt."""

    __slots__ = ("_last", "_provider")

    def __init__(self, provider: TokenProvider) -> None:
        self._provider = provider
        self._last = ""

    def cached(self) -> None:
        return None

    async def fetch(
        self,
        session: aiohttp.ClientSession,
        timeout: aiohttp.ClientTimeout,
        headers: Mapping[str, str],
    ) -> str:
        try:
            token = await self._provider()
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            # The provider's own message may quote a credential: keep only its type.
            raise AuthenticationError(
                f"the token provider failed with {type(exc).__name__}"
            ) from exc
        if not isinstance(token, str) or not token:
            raise AuthenticationError("the token provider returned no token")
        self._last = token
        return f"Bearer {token}"

    def invalidate(self, header: str) -> bool:
        return True

    def secrets(self) -> tuple[str, ...]:
        return (self._last,) if self._last else ()


class ClientCredentialsAuthenticator:
    """OAuth2 client credentials with a cached, single-flight token."""

    __slots__ = ("_clock", "_header", "_inflight", "_refresh_at", "_security", "_token_url")

    def __init__(self, security: Security, token_url: str, clock: Clock) -> None:
        self._security = security
        self._token_url = token_url
        self._clock = clock
        self._header: str | None = None
        self._refresh_at = 0.0
        self._inflight: asyncio.Task[str] | None = None

    def cached(self) -> str | None:
        # The hot path: no lock, no await, one comparison.
        header = self._header
        if header is not None and self._clock.monotonic() < self._refresh_at:
            return header
        return None

    async def fetch(
        self,
        session: aiohttp.ClientSession,
        timeout: aiohttp.ClientTimeout,
        headers: Mapping[str, str],
    ) -> str:
        header = self.cached()
        if header is not None:
            return header
        task = self._inflight
        if task is None:
            task = asyncio.ensure_future(self._request_token(session, timeout, headers))
            task.add_done_callback(self._forget_inflight)
            self._inflight = task
        # shield: one caller being cancelled must not cancel the fetch the others wait on.
        return await asyncio.shield(task)

    def _forget_inflight(self, task: asyncio.Task[str]) -> None:
        if self._inflight is task:
            self._inflight = None
        if not task.cancelled():
            task.exception()  # mark retrieved: every waiter may have been cancelled

    def invalidate(self, header: str) -> bool:
        # Another caller may already have replaced the token: only drop the one refused.
        if self._header == header:
            self._header = None
        return True

    def secrets(self) -> tuple[str, ...]:
        found = [self._security.client_secret]
        if self._header is not None:
            found.append(self._header[len("Bearer ") :])
        return tuple(found)

    async def _request_token(
        self,
        session: aiohttp.ClientSession,
        timeout: aiohttp.ClientTimeout,
        headers: Mapping[str, str],
    ) -> str:
        import aiohttp  # loaded with the core already; imported here to keep this module light

        form = {
            "grant_type": "client_credentials",
            "client_id": self._security.client_id,
            "client_secret": self._security.client_secret,
        }
        if self._security.scopes:
            form["scope"] = " ".join(self._security.scopes)
        started = self._clock.monotonic()
        try:
            async with session.post(
                self._token_url,
                data=form,
                headers={**headers, "Accept": "application/json"},
                timeout=timeout,
            ) as response:
                status = response.status
                body = await response.read()
        except TimeoutError as exc:
            raise AuthenticationError("the token request timed out") from exc
        except aiohttp.ClientError as exc:
            raise AuthenticationError(
                f"the token endpoint could not be reached ({type(exc).__name__})"
            ) from exc
        text = body.decode("utf-8", "replace")
        if not 200 <= status < 300:
            raise AuthenticationError(
                f"the token endpoint answered HTTP {status}",
                status=status,
                body=self._redact(snippet(text)),
            )
        token, expires_in = _parse_token_response(body)
        if token is None:
            raise AuthenticationError(
                "the token endpoint answered without an access_token",
                status=status,
                body=self._redact(snippet(text)),
            )
        self._header = header = f"Bearer {token}"
        self._refresh_at = started + _refresh_after(expires_in)
        return header

    def _redact(self, text: str) -> str:
        return redact(text, (self._security.client_secret,))


def _parse_token_response(body: bytes) -> tuple[str | None, float | None]:
    try:
        payload: Any = json.loads(body)
    except ValueError:
        return None, None
    if not isinstance(payload, dict):
        return None, None
    token = payload.get("access_token")
    expires_in = payload.get("expires_in")
    if not isinstance(token, str) or not token:
        return None, None
    if isinstance(expires_in, bool) or not isinstance(expires_in, int | float):
        return token, None
    return token, float(expires_in)


def _refresh_after(expires_in: float | None) -> float:
    """Seconds after the request was sent at which to fetch a new token."""
    if expires_in is None:
        return float("inf")  # no stated expiry: keep it until the API refuses it
    if expires_in <= 2 * REFRESH_MARGIN:
        return expires_in / 2
    return expires_in - REFRESH_MARGIN


def make_authenticator(
    security: SecurityLike | None, *, token_url: str, clock: Clock
) -> Authenticator | None:
    """Build the authenticator for ``SDKCore(security=...)`` (internal)."""
    if security is None:
        return None
    if isinstance(security, Security):
        return ClientCredentialsAuthenticator(security, token_url, clock)
    if isinstance(security, BearerToken):
        return StaticAuthenticator(security.token)
    if callable(security):
        return ProviderAuthenticator(security)
    raise TypeError(
        "security must be a Security, a BearerToken or an async callable returning a token, "
        f"not {type(security).__name__}"
    )
