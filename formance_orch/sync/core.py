"""``SyncCore``: the async core, driven from synchronous code through a portal thread."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import TYPE_CHECKING, Concatenate, ParamSpec, TypedDict, TypeVar, Unpack

from formance_orch.sync._portal import Portal

if TYPE_CHECKING:
    from formance_orch.clock import Clock
    from formance_orch.core import SDKCore
    from formance_orch.errors import InvalidRequestError
    from formance_orch.hooks import Hooks
    from formance_orch.result import Result
    from formance_orch.retries import RetryConfig
    from formance_orch.security import SecurityLike

__all__ = ["SyncCore", "SyncSettings"]

P = ParamSpec("P")
T = TypeVar("T")
E = TypeVar("E", bound=BaseException)


class SyncSettings(TypedDict, total=False):
    """The keyword arguments of ``SyncCore``, for code that passes them along.

    ``SDKCore``'s (``CoreSettings``) but ``session``; a test keeps the two in step.
    """

    server_url: str | None
    organization: str | None
    environment: str | None
    security: SecurityLike | None
    retries: RetryConfig | None
    timeout: float
    hooks: Hooks | None
    clock: Clock | None
    max_response_bytes: int
    log_bodies: bool


class SyncCore:
    """An ``SDKCore`` for synchronous code: ``core.call(operation, *args, **kwargs)``.

    Takes ``SDKCore``'s settings, all but ``session``: an aiohttp session
    belongs to one event loop. The async core runs on an event loop in a
    daemon thread, started by the first call; every thread that uses this
    object shares that core, so its token cache, connection pool, retries
    and hooks (hooks run on that thread). ``close()``, or the end of a
    ``with`` block, cancels the calls still running and closes the session;
    calls made afterwards answer ``Err(InvalidRequestError)``. After
    ``os.fork()`` the child gets a thread and a session of its own.
    """

    __slots__ = ("__weakref__", "_portal")

    def __init__(self, **settings: Unpack[SyncSettings]) -> None:
        unknown = settings.keys() - SyncSettings.__optional_keys__
        if unknown:
            raise TypeError(f"SyncCore got unexpected settings: {', '.join(sorted(unknown))}")
        self._portal = Portal(settings)

    def call(
        self,
        function: Callable[Concatenate[SDKCore, P], Awaitable[Result[T, E]]],
        /,
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> Result[T, E | InvalidRequestError]:
        """Run ``await function(core, *args, **kwargs)`` and return its ``Result``.

        ``function`` is an operation (``orchestration_v2_get_instance``) or any
        coroutine function taking the core first. Blocks the calling thread,
        and only it: calling from a thread whose event loop is running (a
        notebook cell) works, but holds that loop up for the call's duration.
        A closed core, or a call from the core's own thread (from a hook),
        answers ``Err(InvalidRequestError)``. Ctrl-C cancels the call and
        raises ``KeyboardInterrupt`` at once; the core stays usable.
        """
        result: Result[T, E | InvalidRequestError] = self._portal.run(function, *args, **kwargs)
        return result

    @property
    def closed(self) -> bool:
        """True once ``close()`` has run."""
        return self._portal.closed

    def close(self) -> None:
        """Cancel the calls still running, close the session and stop the thread.

        Safe from any thread, and more than once; returns once the thread
        has ended (when called from a hook, which runs on that thread, it
        returns at once and the thread ends after the hook).
        """
        self._portal.close()

    def __enter__(self) -> SyncCore:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return "SyncCore" + repr(self._portal.core()).removeprefix("SDKCore")
