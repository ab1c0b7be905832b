"""Which failed attempts are retried, and how long to wait before the next.

The waits come from the ``backoff`` library's exponential generator with full
jitter; a ``Retry-After`` header, when the server sends one, replaces the
computed wait (capped by ``max_retry_after``). ``RetryState.next_wait`` is
the one call the request path makes: it decides whether a failed attempt is
retried and how long to wait, within the attempts and the elapsed budget.

Idempotent operations (GET, DELETE, the PUT of ``cancel_event``) are retried
on the statuses in ``retry_statuses``, on connection failures and on
timeouts. Operations that create something (the POSTs) are retried only where
the server cannot have acted on the request: a 429, a connection that was
refused before the request left, or a token endpoint that was briefly
unavailable. ``retry_non_idempotent=True`` opts those operations into the full
policy.
"""

from __future__ import annotations

import email.utils
import enum
import math
import time
from collections.abc import Callable, Generator
from typing import TYPE_CHECKING, Any

import attrs

if TYPE_CHECKING:
    from formance_orch.clock import Clock

__all__ = ["RetryConfig"]


class Failure(enum.Enum):
    """How an attempt failed, as far as retrying is concerned (internal)."""

    #: Nothing reached the server: connection refused, DNS, token endpoint down.
    NOT_SENT = "not-sent"
    #: The server answered with an HTTP status.
    STATUS = "status"
    #: The connection broke after the request may have been received.
    BROKEN = "broken"
    #: The attempt timed out; the server may have acted.
    TIMEOUT = "timeout"
    #: Retrying cannot help (bad input, undecodable success body, ...).
    FINAL = "final"


def full_jitter(value: float) -> float:
    """Full jitter: a wait drawn uniformly between 0 and ``value`` (``backoff.full_jitter``)."""
    import backoff  # loaded by the first retry: most calls never wait

    return float(backoff.full_jitter(value))


def _positive(_: Any, attribute: attrs.Attribute[Any], value: float) -> None:
    if not value > 0:
        raise ValueError(f"RetryConfig.{attribute.name} must be > 0, got {value!r}")


def _at_least_one(_: Any, attribute: attrs.Attribute[Any], value: int) -> None:
    if value < 1:
        raise ValueError(f"RetryConfig.{attribute.name} must be >= 1, got {value!r}")


@attrs.frozen(kw_only=True)
class RetryConfig:
    """How an operation retries. Set it on ``SDKCore`` or per call.

    ``max_attempts`` counts the first attempt (1 means no retry) and
    ``max_elapsed`` bounds the seconds spent on one call, waits included: a
    retry whose wait would cross it is not made. Waits grow as
    ``initial_backoff * exponent ** n`` up to ``max_backoff`` and are then
    jittered by ``jitter`` (full jitter: uniform between 0 and the value).
    """

    max_attempts: int = attrs.field(default=4, validator=_at_least_one)
    max_elapsed: float = attrs.field(default=60.0, validator=_positive)
    initial_backoff: float = attrs.field(default=0.5, validator=_positive)
    max_backoff: float = attrs.field(default=30.0, validator=_positive)
    exponent: float = attrs.field(default=2.0, validator=_positive)
    max_retry_after: float = attrs.field(default=60.0, validator=_positive)
    retry_statuses: frozenset[int] = frozenset({429, 500, 502, 503, 504})
    retry_connection_errors: bool = True
    retry_timeouts: bool = True
    retry_non_idempotent: bool = False
    jitter: Callable[[float], float] = attrs.field(default=full_jitter, eq=False, repr=False)

    @classmethod
    def none(cls) -> RetryConfig:
        """A policy that never retries."""
        return cls(max_attempts=1)

    def should_retry(self, failure: Failure, status: int, *, idempotent: bool) -> bool:
        """Whether a failed attempt of this kind may be tried again."""
        may_have_acted = not (idempotent or self.retry_non_idempotent)
        if failure is Failure.NOT_SENT:
            return self.retry_connection_errors
        if failure is Failure.STATUS:
            if status not in self.retry_statuses:
                return False
            # A 429 means the request was turned away unprocessed: safe to resend.
            return status == 429 or not may_have_acted
        if failure is Failure.BROKEN:
            return self.retry_connection_errors and not may_have_acted
        if failure is Failure.TIMEOUT:
            return self.retry_timeouts and not may_have_acted
        return False

    def waits(self) -> Generator[float, None, None]:
        """Yield the successive backoff waits, jittered."""
        import backoff  # loaded by the first retry: most calls never wait

        exponential = backoff.expo(
            base=self.exponent, factor=self.initial_backoff, max_value=self.max_backoff
        )
        exponential.send(None)  # backoff's generators must be primed before use
        for value in exponential:
            yield self.jitter(value)


class RetryState:
    """One call's retries: the attempts the policy has seen, the waits drawn, the budget.

    Created when a call's first attempt fails (most calls never need one);
    ``started`` is when that call began, on ``clock``.
    """

    __slots__ = ("_attempts", "_clock", "_config", "_started", "_waits")

    def __init__(self, config: RetryConfig, clock: Clock, started: float) -> None:
        self._config = config
        self._clock = clock
        self._started = started
        self._attempts = 0
        self._waits: Generator[float, None, None] | None = None

    def next_wait(
        self, failure: Failure, status: int, retry_after: str | None, *, idempotent: bool
    ) -> float | None:
        """Seconds to wait before trying a failed attempt again, or None to give up.

        ``retry_after`` is the answer's ``Retry-After`` header, if any. Gives
        up after ``max_attempts``, for failures the policy does not retry, and
        when the wait would end past ``max_elapsed``.
        """
        config = self._config
        self._attempts += 1
        if self._attempts >= config.max_attempts or not config.should_retry(
            failure, status, idempotent=idempotent
        ):
            return None
        seconds = parse_retry_after(retry_after)
        if seconds is not None:
            delay = min(seconds, config.max_retry_after)
        else:
            if self._waits is None:
                self._waits = config.waits()
            delay = next(self._waits)
        if self._clock.monotonic() - self._started + delay > config.max_elapsed:
            return None
        return delay


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait according to a ``Retry-After`` header, or None.

    Accepts delta-seconds and HTTP dates; ``now`` is the wall-clock time the
    date is measured against (defaults to ``time.time()``). Negative or
    unparseable values give None.
    """
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
            seconds = when.timestamp() - (time.time() if now is None else now)
        except (TypeError, ValueError, IndexError, OverflowError):
            # A date that cannot be computed with (an offset of 20 digits) is not a wait.
            return None
        return max(seconds, 0.0)
    if math.isnan(seconds) or math.isinf(seconds) or seconds < 0:
        return None
    return seconds
