"""``Result``: what every operation returns instead of raising.

An operation returns ``Ok(value, meta)`` or ``Err(error)``. Both work with
``match`` and narrow under mypy::

    match await orchestration_v2_get_instance(core, "inst-1"):
        case Ok(value=instance, meta=meta):
            ...
        case Err(error=APIError(status=404)):
            ...
        case Err(error=error):
            ...
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Generic, Literal, NoReturn, TypeAlias, TypeVar

import attrs

from formance_orch.errors import picklable

__all__ = ["NO_META", "Err", "Ok", "ResponseMeta", "Result"]

T_co = TypeVar("T_co", covariant=True)
E_co = TypeVar("E_co", bound=BaseException, covariant=True)
D = TypeVar("D")


@attrs.frozen
class ResponseMeta:
    """What the SDK observed while producing a result.

    ``status`` and ``headers`` are those of the last HTTP response (0 and an
    empty mapping when no response arrived), ``attempts`` counts the HTTP
    attempts made (1 when the first one settled it; 0 when nothing was sent),
    and ``elapsed`` is the seconds from the first attempt to the result,
    waits between retries included.
    """

    status: int
    headers: Mapping[str, str] = attrs.field(repr=False)
    attempts: int
    elapsed: float

    def __reduce__(self) -> tuple[Any, ...]:
        # aiohttp's headers cannot be pickled as they are (see ``picklable``).
        fields = attrs.fields(type(self))
        return type(self), tuple(picklable(getattr(self, field.name)) for field in fields)


#: The meta of a result that no request produced (built by hand, or refused before I/O).
NO_META = ResponseMeta(0, {}, 0, 0.0)


@attrs.frozen
class Ok(Generic[T_co]):
    """A successful result: the decoded ``value`` and the response ``meta``."""

    value: T_co
    meta: ResponseMeta = NO_META

    @property
    def ok(self) -> Literal[True]:
        """Always True: this result holds a value."""
        return True

    def unwrap(self) -> T_co:
        """Return the value."""
        return self.value

    def unwrap_or(self, default: object) -> T_co:
        """Return the value (the default is only used by ``Err``)."""
        return self.value


@attrs.frozen
class Err(Generic[E_co]):
    """A failed result: the ``error``, and the ``meta`` of the last attempt."""

    error: E_co
    meta: ResponseMeta = NO_META

    @property
    def ok(self) -> Literal[False]:
        """Always False: this result holds an error."""
        return False

    def unwrap(self) -> NoReturn:
        """Raise the error."""
        raise self.error

    def unwrap_or(self, default: D) -> D:
        """Return ``default`` in place of the missing value."""
        return default


#: The return type of every operation: ``Ok[T] | Err[E]``.
Result: TypeAlias = Ok[T_co] | Err[E_co]
