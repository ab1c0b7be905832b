"""The portal: synchronous callers hand coroutine functions to a loop in another thread.

A call puts its coroutine function on the loop with one
``call_soon_threadsafe`` (one byte down the loop's self-pipe) and blocks on a
plain lock, which the task releases as its last act. No ``concurrent.futures``
machinery: ``run_coroutine_threadsafe`` measured 8-10 µs more per hand-off.

Lifecycle:

* the thread (``_runner.Runner``) starts on the first call, and stops after
  ``close()``, after the client is garbage-collected, or at interpreter exit
  (which waits for it a little, so that the session is closed); stopping
  cancels the calls still running (their callers get
  ``Err(InvalidRequestError)``), then closes the core's session and the loop;
* after ``os.fork()`` the child forgets the parent's thread and core (it
  builds its own on its next call) and swaps the inherited epoll set for an
  empty one of its own, so nothing the child does to its copies of the
  parent's sockets can unregister them from the parent's loop.
"""

from __future__ import annotations

import atexit
import contextlib
import itertools
import os
import threading
import time
import weakref
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import asyncio

    from formance_orch.core import SDKCore
    from formance_orch.sync._runner import Runner

__all__ = ["Call", "Portal"]

#: How long interpreter exit waits, in all, for unclosed portals to close their sessions.
EXIT_GRACE_SECONDS = 2.0

_names = itertools.count(1)
#: Every portal of this process: interpreter exit closes them, a forked child resets them.
_portals: weakref.WeakSet[Portal] = weakref.WeakSet()


class Call:
    """One synchronous call in flight: what to run, and where its outcome lands."""

    __slots__ = ("args", "done", "error", "function", "kwargs", "result", "task")

    def __init__(
        self, function: Callable[..., Awaitable[Any]], args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> None:
        self.function = function
        self.args = args
        self.kwargs = kwargs
        self.done = threading.Lock()
        self.done.acquire()  # released by the task, whatever its outcome
        self.result: Any = None
        self.error: BaseException | None = None
        self.task: asyncio.Task[None] | None = None


class Portal:
    """Runs coroutine functions on a background event loop, for synchronous callers.

    ``settings`` are ``SDKCore``'s keyword arguments; a core is built from
    them now (so that bad settings fail here) and again in a forked child.
    Thread-safe, but ``close()`` must not run in a signal handler that
    interrupts a ``run()`` on the same thread (it would wait for the lock
    that ``run()`` holds).
    """

    __slots__ = ("__weakref__", "_closed", "_core", "_finalizer", "_lock", "_runner", "settings")

    def __init__(self, settings: Mapping[str, Any]) -> None:
        from formance_orch.core import SDKCore

        self.settings = dict(settings)
        self._core = SDKCore(**self.settings)
        self._lock = threading.Lock()
        self._runner: Runner | None = None
        self._finalizer: weakref.finalize[Any, Any] | None = None
        self._closed = False
        _portals.add(self)

    @property
    def closed(self) -> bool:
        """True once ``close()`` has been called."""
        return self._closed

    def core(self) -> SDKCore:
        """The core calls run with (replaced in a forked child)."""
        return self._core

    def run(self, function: Callable[..., Awaitable[Any]], *args: Any, **kwargs: Any) -> Any:
        """``await function(core, *args, **kwargs)`` on the loop; return or raise its outcome.

        A closed portal, or a call from the loop's own thread (which could
        only deadlock), answers ``Err(InvalidRequestError)`` instead. If the
        waiting thread is interrupted (Ctrl-C), the task is cancelled and
        the interruption propagates.
        """
        runner = self._runner
        if runner is not None and runner.ident == threading.get_ident():
            return _refused(
                "a synchronous call from the client's own event loop thread (from a hook?) "
                "would wait for itself: await the async function there instead"
            )
        call = Call(function, args, kwargs)
        submitted_to: Runner | None = None
        try:
            # Submitting under the lock orders every call before close()'s stop request.
            with self._lock:
                if self._closed:
                    return _refused("the client is closed")
                runner = self._runner or self._start()
                runner.loop.call_soon_threadsafe(runner.begin, call)
                submitted_to = runner
            call.done.acquire()
        except BaseException:  # KeyboardInterrupt, or another exception from a signal handler
            if submitted_to is not None:
                with contextlib.suppress(RuntimeError):  # closed meanwhile: nothing to cancel
                    submitted_to.loop.call_soon_threadsafe(submitted_to.cancel, call)
            raise
        error, call.error = call.error, None  # the traceback holds the call: no cycle through it
        if error is not None:
            raise error
        return call.result

    def _start(self) -> Runner:
        from formance_orch.sync._runner import Runner

        runner = self._runner = Runner(self.core(), f"formance-orch-portal-{next(_names)}")
        # Garbage collection only asks the thread to stop: it may run on any thread, even that one.
        self._finalizer = weakref.finalize(self, runner.stop)
        self._finalizer.atexit = False  # _close_all_at_exit closes it, and waits a little
        return runner

    def close(self, wait: float | None = None) -> None:
        """Stop the thread after cancelling running calls.

        Waits for it to end (at most ``wait`` seconds, when given), unless
        called from it.
        """
        with self._lock:
            self._closed = True
            runner, self._runner = self._runner, None
        if runner is None:
            return
        if self._finalizer is not None:
            self._finalizer.detach()  # stopped here: nothing left for garbage collection to do
        runner.stop()
        if runner.ident != threading.get_ident():
            runner.thread.join(wait)

    def _forget_parent(self) -> None:
        """In a forked child: drop the parent's thread, loop and core; keep the settings."""
        from formance_orch.core import SDKCore

        self._lock = threading.Lock()  # another thread of the parent may have held it
        runner, self._runner = self._runner, None
        if runner is not None:
            if self._finalizer is not None:
                self._finalizer.detach()
            runner.abandon()
            self._core = SDKCore(**self.settings)


def _refused(message: str) -> Any:
    from formance_orch.errors import InvalidRequestError
    from formance_orch.result import Err

    return Err(InvalidRequestError(message))


def _after_fork_in_child() -> None:
    for portal in list(_portals):
        portal._forget_parent()


def _close_all_at_exit() -> None:
    """Close the clients nobody closed (their sessions too), waiting a bounded time in all."""
    deadline = time.monotonic() + EXIT_GRACE_SECONDS
    for portal in list(_portals):
        portal.close(wait=max(0.0, deadline - time.monotonic()))


atexit.register(_close_all_at_exit)
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)
