"""Offset pagination with base64url JSON cursors, exactly as go-libs bunpaginate (REAL-SERVER §2).

A cursor is the unpadded base64url of ``{"offset","order","pageSize","filters"}``.
When a request carries one, every other query parameter is ignored; a page
size comes from the query only on the first request (default 15, ``0`` is 15,
clamped to the policy's maximum). The page is ``{"pageSize"?, "hasMore",
"previous"?, "next"?, "data"}``.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import attrs

__all__ = ["BadQuery", "PageQuery", "page", "read_query"]

DEFAULT_PAGE_SIZE = 15
_UINT32_MAX = 2**32 - 1


class BadQuery(ValueError):
    """A page size or cursor the service refuses (400 VALIDATION)."""


@attrs.frozen
class PageQuery:
    """Where a page starts, how long it is, and the list's filters."""

    offset: int
    page_size: int
    filters: Any


def _encode(query: PageQuery) -> str:
    raw = {
        "offset": query.offset,
        "order": 0,
        "pageSize": query.page_size,
        "filters": query.filters,
    }
    text = json.dumps(raw, separators=(",", ":"), ensure_ascii=False)
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _decode(cursor: str) -> dict[str, Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        if "=" in cursor or "+" in cursor or "/" in cursor:
            raise ValueError("not raw base64url")
        raw = json.loads(base64.urlsafe_b64decode(padded))
    except (ValueError, binascii.Error, UnicodeDecodeError, RecursionError):
        raise BadQuery("invalid 'cursor' query param") from None
    if not isinstance(raw, dict):
        raise BadQuery("invalid 'cursor' query param")
    for key in ("offset", "pageSize"):
        value = raw.get(key, 0)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise BadQuery("invalid 'cursor' query param")
    return raw


def _page_size(text: str | None, maximum: int) -> int:
    if text is None or text == "":
        return DEFAULT_PAGE_SIZE
    if not text.isascii() or not text.isdigit():
        raise BadQuery("invalid 'pageSize' query param")
    size = int(text)
    if size > _UINT32_MAX:
        raise BadQuery("invalid 'pageSize' query param")
    if size == 0:
        return DEFAULT_PAGE_SIZE
    return min(size, maximum)


def read_query(
    query: Mapping[str, str],
    *,
    maximum: int,
    filters: Callable[[], Any],
    check_filters: Callable[[Any], Any] = lambda value: value,
) -> PageQuery:
    """The page a request asks for: from its cursor, or from its parameters and ``filters()``.

    ``check_filters`` turns the filters stored in a cursor back into the list's
    own (raising ``BadQuery`` when they do not fit).
    """
    cursor = query.get("cursor")
    if cursor:
        raw = _decode(cursor)
        # pageSize is not clamped on the cursor path (a hand-made 0 means no limit).
        return PageQuery(
            raw.get("offset", 0), raw.get("pageSize", 0), check_filters(raw.get("filters"))
        )
    return PageQuery(0, _page_size(query.get("pageSize"), maximum), filters())


def page(rows: Sequence[Any], query: PageQuery, render: Callable[[Any], Any]) -> dict[str, Any]:
    """One page of ``rows`` (already filtered), items rendered, as the cursor object."""
    size = query.page_size
    start = query.offset
    chunk = rows[start:] if size == 0 else rows[start : start + size + 1]
    has_more = size != 0 and len(chunk) > size
    if has_more:
        chunk = chunk[:size]
    cursor: dict[str, Any] = {}
    if size:
        cursor["pageSize"] = size
    cursor["hasMore"] = has_more
    if start > 0:
        cursor["previous"] = _encode(attrs.evolve(query, offset=max(0, start - size)))
    if has_more:
        cursor["next"] = _encode(attrs.evolve(query, offset=start + size))
    cursor["data"] = [render(row) for row in chunk]
    return cursor
