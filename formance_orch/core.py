"""``SDKCore``: configuration, credentials and the HTTP session.

It has no operation methods: operations are functions taking the core as
their first argument (``formance_orch.funcs``). Create one core per
application and share it; it is safe to use from many tasks at once.

The request path (``_operation``, ``_send``) reads the core's public
settings and a small internal interface, and nothing else:

* ``session()``: the one place a session is acquired;
* ``request_headers(authorization)``: what a request that adds no header of
  its own passes as ``headers`` (on a session the core owns, its constant
  headers are the session's defaults, so aiohttp merges less per request);
* ``api_url(path, query_string)``: a request URL from pre-encoded parts;
* ``client_timeout``: the default per-attempt timeout, as aiohttp takes it;
* ``cached_authorization()`` / ``fetch_authorization(timeout)`` /
  ``drop_authorization(header)``: the ``Authorization`` header value to send,
  and forgetting one the API refused;
* ``redact(text)``: the text without any secret this core knows.
"""

from __future__ import annotations

import os
import platform
import re
from collections.abc import Callable, Mapping
from types import TracebackType
from typing import TypedDict

import aiohttp
import attrs
import yarl
from multidict import CIMultiDict, CIMultiDictProxy

from formance_orch._version import __version__
from formance_orch.clock import Clock, SystemClock
from formance_orch.errors import redact
from formance_orch.hooks import Hooks
from formance_orch.retries import RetryConfig
from formance_orch.security import (
    DEFAULT_TOKEN_PATH,
    Authenticator,
    Security,
    SecurityLike,
    make_authenticator,
)

__all__ = ["DEFAULT_SERVER_URL", "CoreSettings", "RequestOptions", "SDKCore", "cloud_server_url"]

#: Where the SDK sends requests when neither the code nor the environment says.
DEFAULT_SERVER_URL = "http://localhost"

#: The environment variable read when ``server_url`` is not given.
SERVER_URL_ENV = "FORMANCE_SERVER_URL"

#: A Formance Cloud stack's URL (server 1 of the Formance SDKs).
CLOUD_URL_TEMPLATE = "https://{organization}.{environment}.formance.cloud"

#: The API's prefix under the server URL.
API_PREFIX = "/api/orchestration"

USER_AGENT = (
    f"formance-orch-python/{__version__} aiohttp/{aiohttp.__version__} "
    f"python/{platform.python_version()}"
)


def _positive_or_none(_: object, attribute: attrs.Attribute[float | None], value: object) -> None:
    if value is not None and not (isinstance(value, int | float) and value > 0):
        raise ValueError(f"RequestOptions.{attribute.name} must be a positive number")


@attrs.frozen(kw_only=True)
class RequestOptions:
    """Per-call settings that override the core's.

    ``timeout`` is the seconds one attempt may take; ``retries`` replaces the
    retry policy (``RetryConfig.none()`` disables retries); ``headers`` are
    added to the request (they cannot replace ``Authorization``).
    """

    timeout: float | None = attrs.field(default=None, validator=_positive_or_none)
    retries: RetryConfig | None = None
    headers: Mapping[str, str] | None = None


class CoreSettings(TypedDict, total=False):
    """The keyword arguments of ``SDKCore``, for code that passes them along."""

    server_url: str | None
    organization: str | None
    environment: str | None
    security: SecurityLike | None
    retries: RetryConfig | None
    timeout: float
    hooks: Hooks | None
    session: aiohttp.ClientSession | None
    clock: Clock | None


def _no_authorization() -> None:
    return None


_HOST_LABELS = re.compile(
    r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*"
)


def cloud_server_url(organization: str, environment: str) -> str:
    """The URL of a Formance Cloud stack: ``https://{organization}.{environment}.formance.cloud``.

    ``environment`` is the stack's region, e.g. ``eu.sandbox``, ``sandbox``,
    ``eu-west-1`` or ``us-east-1``. Raises ``ValueError`` for a value that
    cannot be part of a host name.
    """
    for name, value in (("organization", organization), ("environment", environment)):
        if not isinstance(value, str) or not _HOST_LABELS.fullmatch(value):
            raise ValueError(
                f"{name} must be a host name part (letters, digits, '-' and '.'), got {value!r}"
            )
    return CLOUD_URL_TEMPLATE.format(organization=organization, environment=environment)


def _server_url(server_url: str | None, organization: str | None, environment: str | None) -> str:
    """The server URL from the constructor's options, then the environment, then the default."""
    if organization is None and environment is None:
        return server_url or os.environ.get(SERVER_URL_ENV) or DEFAULT_SERVER_URL
    if server_url is not None:
        raise ValueError("pass either server_url or organization and environment, not both")
    if organization is None or environment is None:
        missing = "organization" if organization is None else "environment"
        raise ValueError(
            f"a Formance Cloud URL needs both organization and environment: {missing} is missing"
        )
    return cloud_server_url(organization, environment)


def _normalise_server_url(server_url: str) -> str:
    url = yarl.URL(server_url.strip())
    if url.scheme not in ("http", "https") or not url.host:
        raise ValueError(f"server_url must be an http:// or https:// URL, got {server_url!r}")
    if url.query_string or url.fragment:
        raise ValueError(f"server_url must not have a query or fragment, got {server_url!r}")
    return str(url).rstrip("/")


class SDKCore:
    """What every operation needs: where the API is, how to authenticate, the session.

    ``server_url`` defaults to ``$FORMANCE_SERVER_URL``, else
    ``http://localhost``; requests go to ``{server_url}/api/orchestration/v2/...``.
    For a Formance Cloud stack, give ``organization`` and ``environment``
    instead (``https://{organization}.{environment}.formance.cloud``).
    ``timeout`` is the default seconds one attempt may take. Pass ``session``
    to use your own ``aiohttp.ClientSession`` (the core then never closes it);
    otherwise the core creates one on first use and closes it in ``aclose()``
    or at the end of ``async with``. ``clock`` is for tests that run in
    virtual time.
    """

    __slots__ = (
        "_api",
        "_api_path",
        "_auth",
        "_closed",
        "_owns_session",
        "_request_headers",
        "_session",
        "cached_authorization",
        "client_timeout",
        "clock",
        "headers",
        "hooks",
        "retries",
        "security",
        "server_url",
        "timeout",
    )

    def __init__(
        self,
        *,
        server_url: str | None = None,
        organization: str | None = None,
        environment: str | None = None,
        security: SecurityLike | None = None,
        retries: RetryConfig | None = None,
        timeout: float = 30.0,
        hooks: Hooks | None = None,
        session: aiohttp.ClientSession | None = None,
        clock: Clock | None = None,
    ) -> None:
        if not (isinstance(timeout, int | float) and timeout > 0):
            raise ValueError(f"timeout must be a positive number of seconds, got {timeout!r}")
        #: The server's base URL, without a trailing slash.
        self.server_url = _normalise_server_url(_server_url(server_url, organization, environment))
        #: The credentials given (shown without secrets in ``repr``).
        self.security = security
        #: The default retry policy.
        self.retries = retries if retries is not None else RetryConfig()
        #: The default seconds one attempt may take.
        self.timeout = float(timeout)
        #: The hooks called around every attempt.
        self.hooks = hooks if hooks is not None else Hooks()
        #: The clock retries wait on and token expiry is read from.
        self.clock: Clock = clock if clock is not None else SystemClock()
        #: Headers sent with every request (read-only: a session the core creates carries them).
        self.headers: Mapping[str, str] = {"Accept": "application/json", "User-Agent": USER_AGENT}
        # The parts every request URL is built from (yarl.URL.build is the cheap constructor).
        # What every request URL is built from.
        self._api = yarl.URL(self.server_url + API_PREFIX)
        self._api_path = self._api.raw_path
        self._auth: Authenticator | None = make_authenticator(
            security, token_url=self._token_url(security), clock=self.clock
        )
        #: (internal) The default timeout of one attempt, as aiohttp takes it.
        self.client_timeout = aiohttp.ClientTimeout(total=self.timeout)
        #: (internal) The ``Authorization`` value to send when it is known without
        #: I/O; None when it must be fetched or there are no credentials. The
        #: authenticator's own method, bound here: it is called on every attempt.
        self.cached_authorization: Callable[[], str | None] = (
            _no_authorization if self._auth is None else self._auth.cached
        )
        self._session = session
        self._owns_session = session is None
        self._closed = False
        # The last Authorization value and the headers request_headers() built for it.
        self._request_headers: tuple[str | None, CIMultiDictProxy[str] | None] | None = None

    def _token_url(self, security: SecurityLike | None) -> str:
        token_url = security.token_url if isinstance(security, Security) else None
        if not token_url:
            return self.server_url + DEFAULT_TOKEN_PATH
        if "://" in token_url:
            return token_url
        return self.server_url + "/" + token_url.lstrip("/")

    @property
    def closed(self) -> bool:
        """True once ``aclose()`` has run."""
        return self._closed

    def session(self) -> aiohttp.ClientSession:
        """The HTTP session, created on first use inside the running event loop.

        The only place the request path gets a session from.
        """
        session = self._session
        if session is None or (self._owns_session and session.closed):
            session = self._session = aiohttp.ClientSession(headers=self.headers)
        return session

    def request_headers(self, authorization: str | None) -> Mapping[str, str] | None:
        """The ``headers`` argument of a request that adds no header of its own.

        A session this core created carries the constant headers as its
        defaults, so only ``Authorization`` is passed; a caller's session gets
        them all. Built once per ``authorization`` value, read-only.
        """
        cached = self._request_headers
        if cached is not None and cached[0] == authorization:
            return cached[1]
        headers = {} if self._owns_session else dict(self.headers)
        if authorization is not None:
            headers["Authorization"] = authorization
        built = CIMultiDictProxy(CIMultiDict(headers)) if headers else None
        self._request_headers = (authorization, built)
        return built

    # --- the request path's interface (internal) -------------------------------------------

    def api_url(self, path: str, query_string: str = "") -> yarl.URL:
        """The URL of ``path`` under the API prefix; ``path`` and the query are pre-encoded."""
        api = self._api
        if not query_string:  # most calls: with_path is the cheaper constructor
            return api.with_path(self._api_path + path, encoded=True)
        return yarl.URL.build(
            scheme=api.scheme,
            authority=api.raw_authority,
            path=self._api_path + path,
            query_string=query_string,
            encoded=True,
        )

    async def fetch_authorization(self, timeout: aiohttp.ClientTimeout) -> str | None:
        """Obtain the ``Authorization`` value (None without credentials).

        Raises ``AuthenticationError`` when no credentials could be obtained.
        Concurrent callers share one token request.
        """
        auth = self._auth
        if auth is None:
            return None
        return await auth.fetch(self.session(), timeout, self.headers)

    def drop_authorization(self, header: str) -> bool:
        """Forget ``header`` after the API refused it; True if a fresh one may be fetched."""
        return self._auth is not None and self._auth.invalidate(header)

    def redact(self, text: str) -> str:
        """``text`` without any secret this core knows (client secret, tokens)."""
        auth = self._auth
        return text if auth is None else redact(text, auth.secrets())

    async def aclose(self) -> None:
        """Close the session this core created (a caller's session is left open)."""
        self._closed = True
        session, self._session = self._session, None
        if session is not None and self._owns_session and not session.closed:
            await session.close()

    async def __aenter__(self) -> SDKCore:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        return (
            f"SDKCore(server_url={self.server_url!r}, security={self.security!r}, "
            f"timeout={self.timeout!r}, retries={self.retries!r})"
        )
