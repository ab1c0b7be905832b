"""The emulator's clock: what stages sleep on and what every timestamp reads.

``SystemClock`` is real time. ``ManualClock`` stands still until told:
``await clock.advance(seconds)`` fires the timers that fall due, in order, and
after each one waits until every running instance has settled again (parked
on a timer, on an event, or finished), so a test that advances the clock sees
a deterministic state afterwards.

Running code parks through ``Waiter``: the clock counts who is running, so
``advance`` knows when the emulator is quiet.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import time
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

__all__ = ["EmulatorClock", "ManualClock", "SystemClock", "Tracker", "Waiter"]

NS = 1_000_000_000
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


class Tracker:
    """Counts the emulator's tasks that are running (not parked)."""

    __slots__ = ("_idle", "running")

    def __init__(self) -> None:
        self.running = 0
        self._idle = asyncio.Event()
        self._idle.set()

    def enter(self) -> None:
        """One more task is running."""
        self.running += 1
        self._idle.clear()

    def leave(self) -> None:
        """One task parked or ended."""
        self.running -= 1
        if self.running <= 0:
            self.running = 0
            self._idle.set()

    async def idle(self) -> None:
        """Let tasks started just now take their first step, then wait until none is running."""
        await asyncio.sleep(0)
        while self.running > 0:
            await self._idle.wait()


class Waiter:
    """One parked task's wake-up: resolved by a timer, an event or a cancel."""

    __slots__ = ("future", "tracker", "woken")

    def __init__(self, tracker: Tracker) -> None:
        self.future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self.tracker = tracker
        self.woken = False

    def wake(self, value: Any = None) -> None:
        """Resume the parked task with ``value`` (counted as running from now)."""
        if self.woken:
            return
        self.woken = True
        self.tracker.enter()
        if not self.future.done():
            self.future.set_result(value)

    async def park(self) -> Any:
        """Wait for ``wake`` (the caller is counted as parked meanwhile)."""
        self.tracker.leave()
        try:
            return await self.future
        finally:
            if not self.woken:  # cancelled while parked
                self.woken = True
                self.tracker.enter()


class EmulatorClock(Protocol):
    """Wall time in nanoseconds, and timers the emulator's tasks park on."""

    tracker: Tracker

    def now_ns(self) -> int:
        """Nanoseconds since the Unix epoch."""
        ...

    def timer(self, deadline_ns: int) -> Waiter:
        """A waiter woken at ``deadline_ns`` (at once if it has passed)."""
        ...


class SystemClock:
    """Real time: ``time.time_ns`` and the event loop's timers."""

    def __init__(self) -> None:
        self.tracker = Tracker()

    def now_ns(self) -> int:
        """The machine's wall clock."""
        return time.time_ns()

    def timer(self, deadline_ns: int) -> Waiter:
        """Wake after the remaining real time (latency is real time too)."""
        waiter = Waiter(self.tracker)
        delay = max(0, deadline_ns - time.time_ns()) / NS
        asyncio.get_running_loop().call_later(delay, waiter.wake)
        return waiter

    def __repr__(self) -> str:
        return "SystemClock()"


class ManualClock:
    """Time that moves only through ``advance``: delays and retries run on demand.

    ``start`` is the initial wall time (default: now; a naive one is local time).
    """

    def __init__(self, start: datetime | None = None) -> None:
        self.tracker = Tracker()
        if start is None:
            self._now = time.time_ns()
        else:  # exact to the microsecond, where ``timestamp()`` would round through a float
            self._now = (start.astimezone(UTC) - _EPOCH) // _MICROSECOND * 1000
        self._timers: list[tuple[int, int, Waiter]] = []
        self._order = itertools.count()

    def now_ns(self) -> int:
        """The clock's current time."""
        return self._now

    def timer(self, deadline_ns: int) -> Waiter:
        """Wake when ``advance`` reaches ``deadline_ns`` (now if it has passed)."""
        waiter = Waiter(self.tracker)
        if deadline_ns <= self._now:
            asyncio.get_running_loop().call_soon(waiter.wake)
        else:
            heapq.heappush(self._timers, (deadline_ns, next(self._order), waiter))
        return waiter

    async def advance(self, seconds: float) -> None:
        """Move time forward, firing each due timer in order and settling after each."""
        if seconds < 0:
            raise ValueError("a clock does not go backwards")
        target = self._now + round(seconds * NS)
        await self.tracker.idle()
        while self._timers and self._timers[0][0] <= target:
            deadline, _, waiter = heapq.heappop(self._timers)
            if waiter.woken:
                continue
            self._now = max(self._now, deadline)
            waiter.wake()
            await self.tracker.idle()
        self._now = target

    def __repr__(self) -> str:
        return f"ManualClock(now_ns={self._now})"
