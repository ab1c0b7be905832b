"""The portal's thread side: an event loop in a daemon thread, and the core living on it.

Loaded by the first call (it needs asyncio); ``_portal`` is the callers' side.
A ``Runner`` holds no reference to its ``Portal``, so that an unclosed client
can still be garbage-collected while its thread runs.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import selectors
import threading
from typing import TYPE_CHECKING

from formance_orch.errors import InvalidRequestError
from formance_orch.result import Err

if TYPE_CHECKING:
    from formance_orch.core import SDKCore
    from formance_orch.sync._portal import Call

__all__ = ["Runner"]


class Runner:
    """A daemon thread running an event loop until ``stop()``; then it closes the core."""

    def __init__(self, core: SDKCore, name: str) -> None:
        self.core = core
        self.pid = os.getpid()
        # Our own selector, so that a forked child can reach its file descriptor.
        self.selector = selectors.DefaultSelector()
        self.loop = asyncio.SelectorEventLoop(self.selector)
        self.stopping = asyncio.Event()
        self.thread = threading.Thread(target=self._main, name=name, daemon=True)
        self.thread.start()
        self.ident = self.thread.ident

    def _main(self) -> None:
        try:
            self.loop.run_until_complete(self._serve())
        finally:
            self.loop.close()

    async def _serve(self) -> None:
        await self.stopping.wait()
        # Calls still running are cancelled, so that each caller gets an answer.
        tasks = asyncio.all_tasks() - {asyncio.current_task()}
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await self.core.aclose()
        await self.loop.shutdown_asyncgens()
        with contextlib.suppress(RuntimeError):  # at interpreter exit no thread may start
            await self.loop.shutdown_default_executor()

    def begin(self, call: Call) -> None:
        """Start ``call`` as a task (on the loop's thread), unless the loop is stopping."""
        if self.stopping.is_set():
            call.result = _cancelled()
            call.done.release()
        else:
            call.task = self.loop.create_task(self._run(call))

    async def _run(self, call: Call) -> None:
        try:
            call.result = await call.function(self.core, *call.args, **call.kwargs)
        except asyncio.CancelledError:
            call.result = _cancelled()
        except BaseException as exc:  # noqa: BLE001 - a bug (in a hook?): raised in the caller's thread
            call.error = exc
        finally:
            call.done.release()

    @staticmethod
    def cancel(call: Call) -> None:
        """Cancel ``call``'s task (on the loop's thread), if it is still running."""
        if call.task is not None:
            call.task.cancel()

    def stop(self) -> None:
        """Ask the thread to cancel what runs, close the core and end (from any thread)."""
        if os.getpid() != self.pid:
            return  # a forked child's copy: the thread and the loop are the parent's
        with contextlib.suppress(RuntimeError):  # the loop is closed already
            self.loop.call_soon_threadsafe(self.stopping.set)

    def abandon(self) -> None:
        """Make a forked child's copy of this runner harmless to the parent.

        The epoll (or kqueue) file descriptor is replaced by a fresh one of the
        child's own: removing a socket from the inherited set, which
        finalizing the inherited transports does, would remove it from the
        parent's. The inherited loop never runs again, so the complaints of
        the objects tied to it are silenced.
        """
        fileno = getattr(self.selector, "fileno", None)
        if fileno is not None:
            fresh = type(self.selector)()
            os.dup2(fresh.fileno(), fileno(), inheritable=False)
            fresh.close()
        self.loop.set_exception_handler(lambda loop, context: None)


def _cancelled() -> Err[InvalidRequestError]:
    return Err(InvalidRequestError("the call was cancelled: the client was closed"))
