"""The clock the SDK reads and sleeps on.

Retries wait on it and the token cache reads expiry from it. Tests (yours and
ours) pass a virtual clock to ``SDKCore(clock=...)`` so that backoff waits,
``Retry-After`` and token expiry happen instantly, in virtual time.
"""

from __future__ import annotations

import asyncio
import time
from typing import Protocol

__all__ = ["Clock", "SystemClock"]


class Clock(Protocol):
    """Monotonic time and sleeping, as the SDK needs them."""

    def monotonic(self) -> float:
        """Seconds on a clock that never goes backwards."""
        ...

    async def sleep(self, seconds: float) -> None:
        """Wait ``seconds``."""
        ...


class SystemClock:
    """The real clock: ``time.monotonic`` and ``asyncio.sleep``."""

    __slots__ = ()

    #: ``time.monotonic`` itself: read on every call, so no Python frame around it.
    monotonic = staticmethod(time.monotonic)

    async def sleep(self, seconds: float) -> None:
        """Sleep with ``asyncio.sleep``."""
        await asyncio.sleep(seconds)

    def __repr__(self) -> str:
        return "SystemClock()"
