"""``SDKCore``: configuration, credentials and the HTTP session.

It has no operation methods: operations are functions taking the core as
their first argument (``formance_orch.funcs``). Create one core per
application and share it; it is safe to use from many tasks at once.

The request path (``_operation``, ``_send``) reads the core's public
settings and a small internal interface, and nothing else:

* ``session()``: the one place a session is acquired (bound to the running
  event loop; raises ``InvalidRequestError`` once the core is closed);
* ``request_headers(authorization)``: what a request that adds no header of
  its own passes as ``headers`` (on a session the core owns, its constant
  headers are the session's defaults, so aiohttp merges less per request);
* ``api_url(path, query_string)``: a request URL from pre-encoded parts;
* ``client_timeout``: the default per-attempt timeout, as aiohttp takes it;
* ``cached_authorization()`` / ``fetch_authorization(wait)`` /
  ``drop_authorization(header)``: the ``Authorization`` header value to send,
  and forgetting one the API refused;
* ``authorization_backoff()``: how long a failed token fetch is still shared,
  which a retry waits out;
* ``secrets()``: every secret this core knows, for redaction.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import os
import platform
import re
from collections.abc import AsyncGenerator, Callable, Mapping
from types import TracebackType
from typing import Any, TypedDict

import aiohttp
import attrs
import yarl
from multidict import CIMultiDict, CIMultiDictProxy

from formance_orch._version import __version__
from formance_orch.clock import Clock, SystemClock
from formance_orch.errors import InvalidRequestError, shown
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


#: The largest response body read by default (decompressed): 32 MiB.
DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024

# RFC 9110 token characters: what a header name may hold.
_HEADER_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+\Z")
# Control characters (CR, LF, NUL...) would end or corrupt the header line; tab is allowed.
_HEADER_VALUE_FORBIDDEN = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
#: Headers a call cannot set: the core's credentials, and the framing aiohttp computes.
RESERVED_HEADERS = frozenset({"authorization", "content-length", "transfer-encoding"})


def seconds(value: object, what: str) -> float:
    """``value`` as a finite positive number of seconds; raises ``ValueError`` naming ``what``."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            number = float(value)
        except OverflowError:
            number = math.inf
        if math.isfinite(number) and number > 0:
            return number
    raise ValueError(f"{what} must be a finite number of seconds > 0, got {shown(value)}")


def byte_count(value: object, what: str) -> int:
    """``value`` as a positive ``int`` of bytes; raises ``ValueError`` naming ``what``."""
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    raise ValueError(f"{what} must be a positive int (bytes), got {shown(value)}")


def _check_timeout(_: object, attribute: attrs.Attribute[float | None], value: object) -> None:
    if value is not None:
        seconds(value, f"RequestOptions.{attribute.name}")


def _check_byte_count(_: object, attribute: attrs.Attribute[int | None], value: object) -> None:
    if value is not None:
        byte_count(value, f"RequestOptions.{attribute.name}")


def _copy_mapping(value: object) -> object:
    return dict(value) if isinstance(value, Mapping) else value


def _check_headers(_: object, __: attrs.Attribute[Any], headers: object) -> None:
    """Refuse headers that aiohttp would choke on, or that would corrupt the request.

    Values are never quoted in the message: they may be credentials.
    """
    if headers is None:
        return
    if not isinstance(headers, Mapping):
        raise ValueError(f"RequestOptions.headers must be a mapping, got {type(headers).__name__}")
    seen: set[str] = set()
    for name, value in headers.items():
        if not isinstance(name, str) or not _HEADER_NAME.match(name):
            raise ValueError(f"RequestOptions.headers: {shown(name)} is not a valid header name")
        folded = name.lower()
        if folded in RESERVED_HEADERS:
            hint = " (credentials go in SDKCore(security=...))" if folded == "authorization" else ""
            raise ValueError(f"RequestOptions.headers cannot set {name}{hint}")
        if folded in seen:
            raise ValueError(f"RequestOptions.headers names {name} twice (names ignore case)")
        seen.add(folded)
        if not isinstance(value, str):
            raise ValueError(
                f"RequestOptions.headers[{name!r}] must be a str, got {type(value).__name__}"
            )
        if _HEADER_VALUE_FORBIDDEN.search(value):
            raise ValueError(
                f"RequestOptions.headers[{name!r}] holds a control character (CR, LF, NUL...)"
            )
        if not _encodable(value):
            raise ValueError(f"RequestOptions.headers[{name!r}] is not valid Unicode text")


def _encodable(text: str) -> bool:
    try:
        text.encode()
    except UnicodeEncodeError:  # a lone surrogate
        return False
    return True


@attrs.frozen(kw_only=True)
class RequestOptions:
    """Per-call settings that override the core's.

    ``timeout`` is the seconds one attempt may take; ``retries`` replaces the
    retry policy (``RetryConfig.none()`` disables retries); ``headers`` are
    added to the request, replacing the core's of the same name (any case);
    they cannot set ``Authorization``, ``Content-Length`` or
    ``Transfer-Encoding``. ``max_response_bytes`` caps the body read.
    Invalid settings raise ``ValueError`` here, when the options are built.
    """

    timeout: float | None = attrs.field(default=None, validator=_check_timeout)
    retries: RetryConfig | None = None
    headers: Mapping[str, str] | None = attrs.field(
        default=None, converter=_copy_mapping, validator=_check_headers
    )
    max_response_bytes: int | None = attrs.field(default=None, validator=_check_byte_count)


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
    max_response_bytes: int
    log_bodies: bool


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


def _checked_url(text: str, what: str, *, query: bool = False) -> yarl.URL:
    """``text`` as an http(s) URL without credentials; raises ``ValueError`` naming ``what``.

    A URL holding credentials is refused before anything else, and never
    quoted: its password would end up in messages and logs. A query is
    refused too, unless ``query``.
    """
    try:
        url: yarl.URL | None = yarl.URL(text.strip())
    except (TypeError, ValueError):
        url = None
    if (url is None and "@" in text) or (url is not None and (url.user or url.password)):
        raise ValueError(
            f"{what} must not contain credentials (user:password@): "
            "pass them as SDKCore(security=...)"
        )
    if url is None or url.scheme not in ("http", "https") or not url.host:
        raise ValueError(f"{what} must be an http:// or https:// URL, got {text!r}")
    if (url.query_string and not query) or url.fragment:
        raise ValueError(f"{what} must not have a query or fragment, got {text!r}")
    return url


async def _close_with_loop(session: aiohttp.ClientSession) -> AsyncGenerator[None, None]:
    """Parked at its ``yield`` for as long as the core's session lives.

    ``asyncio.run`` (and every runner that shuts down async generators) closes
    the generators still parked when its loop ends: the session is then closed
    inside its own loop, before the loop closes. ``aclose()`` closes it earlier.
    """
    try:
        yield
    finally:
        await session.close()


class SDKCore:
    """What every operation needs: where the API is, how to authenticate, the session.

    ``server_url`` defaults to ``$FORMANCE_SERVER_URL``, else
    ``http://localhost``; requests go to ``{server_url}/api/orchestration/v2/...``;
    it must not hold credentials. For a Formance Cloud stack, give
    ``organization`` and ``environment`` instead
    (``https://{organization}.{environment}.formance.cloud``). ``timeout`` is
    the default seconds one attempt may take; ``max_response_bytes`` the
    largest body read (32 MiB). Pass ``session`` to use your own
    ``aiohttp.ClientSession`` (the core then never closes it); otherwise the
    core creates one on first use in each event loop it runs on, and closes it
    in ``aclose()``, at the end of ``async with``, or when that loop ends
    (``asyncio.run``). ``clock`` is for tests that run in virtual time.
    ``log_bodies=True`` adds request and response bodies (redacted, cut to 512
    characters) to the DEBUG log.
    """

    __slots__ = (
        "_api",
        "_api_path",
        "_auth",
        "_closed",
        "_keeper",
        "_loop",
        "_owns_session",
        "_releasing",
        "_request_headers",
        "_session",
        "cached_authorization",
        "client_timeout",
        "clock",
        "headers",
        "hooks",
        "log_bodies",
        "max_response_bytes",
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
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        log_bodies: bool = False,
    ) -> None:
        #: The default seconds one attempt may take.
        self.timeout = seconds(timeout, "timeout")
        #: The largest response body read, decompressed.
        self.max_response_bytes = byte_count(max_response_bytes, "max_response_bytes")
        #: Whether the DEBUG log shows request and response bodies (redacted, cut).
        self.log_bodies = bool(log_bodies)
        #: The server's base URL, without a trailing slash.
        self.server_url = str(
            _checked_url(_server_url(server_url, organization, environment), "server_url")
        ).rstrip("/")
        #: The credentials given (shown without secrets in ``repr``).
        self.security = security
        #: The default retry policy.
        self.retries = retries if retries is not None else RetryConfig()
        #: The hooks called around every attempt.
        self.hooks = hooks if hooks is not None else Hooks()
        #: The clock retries wait on and token expiry is read from.
        self.clock: Clock = clock if clock is not None else SystemClock()
        #: Headers sent with every request (read-only: a session the core creates carries them).
        self.headers: Mapping[str, str] = {"Accept": "application/json", "User-Agent": USER_AGENT}
        # What every request URL is built from.
        self._api = yarl.URL(self.server_url + API_PREFIX)
        self._api_path = self._api.raw_path
        #: (internal) The default timeout of one attempt, as aiohttp takes it.
        self.client_timeout = aiohttp.ClientTimeout(total=self.timeout)
        self._auth: Authenticator | None = make_authenticator(
            security,
            token_url=self._token_url(security),
            clock=self.clock,
            timeout=self.client_timeout,
            headers=self.headers,
        )
        #: (internal) The ``Authorization`` value to send when it is known without
        #: I/O; None when it must be fetched or there are no credentials. The
        #: authenticator's own method, bound here: it is called on every attempt.
        self.cached_authorization: Callable[[], str | None] = (
            _no_authorization if self._auth is None else self._auth.cached
        )
        self._session = session
        self._owns_session = session is None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._keeper: AsyncGenerator[None, None] | None = None
        self._releasing: set[asyncio.Task[None]] = set()
        self._closed = False
        # The last Authorization value and the headers request_headers() built for it.
        self._request_headers: tuple[str | None, CIMultiDictProxy[str] | None] | None = None

    def _token_url(self, security: SecurityLike | None) -> str:
        token_url = security.token_url if isinstance(security, Security) else None
        if not token_url:
            return self.server_url + DEFAULT_TOKEN_PATH
        if "://" in token_url:
            return str(_checked_url(token_url, "Security.token_url", query=True))
        return self.server_url + "/" + token_url.lstrip("/")

    @property
    def closed(self) -> bool:
        """True once ``aclose()`` has run."""
        return self._closed

    # --- the request path's interface (internal) -------------------------------------------

    def session(self) -> aiohttp.ClientSession:
        """The HTTP session for the running event loop: the only place the request path gets one.

        Raises ``InvalidRequestError`` when none may be used: the core is
        closed, the caller's session is closed, or the core is in use on
        another event loop that is still open.
        """
        session = self._session
        # aclose() drops the session, and the core's own session only closes with its loop:
        # only a caller's session can be found closed here.
        if (
            session is not None
            and self._loop is asyncio.get_running_loop()
            and (self._owns_session or not session.closed)
        ):
            return session
        return self._open_session()

    def _open_session(self) -> aiohttp.ClientSession:
        """``session()`` when the fast path does not apply."""
        if self._closed:
            raise InvalidRequestError("this SDKCore is closed", parameter="core")
        loop = asyncio.get_running_loop()
        session = self._session
        if not self._owns_session:
            assert session is not None
            if session.closed:
                raise InvalidRequestError(
                    "the aiohttp session given as SDKCore(session=...) is closed",
                    parameter="core",
                )
            if self._loop is not None and self._loop is not loop:
                raise InvalidRequestError(
                    "the aiohttp session given as SDKCore(session=...) belongs to another "
                    "event loop",
                    parameter="core",
                )
            self._loop = loop
            return session
        if session is not None and not session.closed:
            previous = self._loop
            if previous is not None and not previous.is_closed():
                raise InvalidRequestError(
                    "this SDKCore is in use on another event loop that is still open: "
                    "use one SDKCore per event loop",
                    parameter="core",
                )
            # Its loop was closed without shutting down async generators, so the session
            # could not close with it: release it here (its connections died with that loop).
            release = loop.create_task(session.close())
            self._releasing.add(release)
            release.add_done_callback(self._releasing.discard)
        session = self._session = aiohttp.ClientSession(headers=self.headers)
        self._loop = loop
        self._keeper = keeper = _close_with_loop(session)
        # Run it to its yield now: the loop registers it on this first step.
        with contextlib.suppress(StopIteration):
            keeper.asend(None).send(None)
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

    async def fetch_authorization(self, wait: float | None) -> str | None:
        """Obtain the ``Authorization`` value (None without credentials).

        Raises ``AuthenticationError`` when no credentials could be obtained
        within ``wait`` seconds, ``InvalidRequestError`` when the core cannot
        send. Concurrent callers share one token request, made with the core's
        timeout; a failed one is shared for a second.
        """
        auth = self._auth
        if auth is None:
            return None
        return await auth.fetch(self.session, wait)

    def drop_authorization(self, header: str) -> bool:
        """Forget ``header`` after the API refused it; True if a fresh one may be fetched."""
        return self._auth is not None and self._auth.invalidate(header)

    def authorization_backoff(self) -> float:
        """Seconds until a failed token fetch may be tried again (0: at once).

        A failed fetch is shared with every caller for a moment (``security``):
        a retry sooner would only see that failure again.
        """
        auth = self._auth
        return 0.0 if auth is None else auth.backoff()

    def secrets(self) -> tuple[str, ...]:
        """Every secret this core knows: the client secret, the tokens it has held."""
        auth = self._auth
        return () if auth is None else auth.secrets()

    async def aclose(self) -> None:
        """Stop: no request is sent after this, and the session this core created is closed.

        Calls in flight end as ``Err``. A caller's session is left open.
        """
        self._closed = True
        self._session = None
        keeper, self._keeper = self._keeper, None
        if keeper is not None:  # only a session this core created has one
            await keeper.aclose()  # closes the session it keeps

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
