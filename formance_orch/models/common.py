"""Models every operation shares: server info, errors, pages and envelopes."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

import attrs

from formance_orch.errors import ErrorCode

__all__ = [
    "ANY_CASE",
    "CursorEnvelope",
    "CursorPage",
    "DataEnvelope",
    "V2Error",
    "V2Monetary",
    "V2ServerInfo",
    "any_case_or",
]

#: Field metadata: the key may also arrive capitalised (``Ledger`` for
#: ``ledger``), as Go structs without JSON tags serialise it.
ANY_CASE = {"any_case": True}


def any_case_or(*others: str) -> dict[str, Any]:
    """Field metadata: as ``ANY_CASE``, and the key may also arrive as one of ``others``.

    For keys the real server names otherwise than the contract; the
    contract's key is preferred when both are present.
    """
    return {"any_case": True, "also": others}


T = TypeVar("T")


@attrs.define(kw_only=True)
class V2ServerInfo:
    """The version of the Orchestration service."""

    version: str


@attrs.define(kw_only=True)
class V2Error:
    """The body of every error response.

    ``error_code`` is an ``ErrorCode`` when the server sends a documented code,
    else the plain string it sent. ``details`` is kept when present (the real
    server adds it to some errors). The server writes both fields with Go's
    ``omitempty``, so either may be absent: it is then ``""``.
    """

    error_code: ErrorCode | str = ""
    error_message: str = ""
    details: Any = None


@attrs.define(kw_only=True)
class CursorPage(Generic[T]):
    """One page of a list operation.

    Pass ``next`` (or ``previous``) back as ``cursor`` to get the adjacent
    page; ``has_more`` says whether there is a next one.
    """

    page_size: int
    has_more: bool = False
    data: list[T] = attrs.field(factory=list)
    next: str | None = None
    previous: str | None = None


@attrs.define(kw_only=True)
class V2Monetary:
    """An amount of an asset. ``amount`` is exact at any size (``USD/2`` cents, ...)."""

    asset: str
    amount: int


@attrs.define(kw_only=True)
class DataEnvelope(Generic[T]):
    """``{"data": ...}``: how single resources arrive (unwrapped by the SDK)."""

    data: T


@attrs.define(kw_only=True)
class CursorEnvelope(Generic[T]):
    """``{"cursor": {...}}``: how pages arrive (unwrapped by the SDK)."""

    cursor: CursorPage[T]
