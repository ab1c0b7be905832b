"""Iterate over every page of a list operation.

Works with the four list operations (``list_workflows``, ``list_instances``,
``list_triggers``, ``list_triggers_occurrences``)::

    async for instance in paginate(orchestration_v2_list_instances, core, running=True):
        ...

    async for result in pages(orchestration_v2_list_triggers, core, page_size=100):
        match result:
            case Ok(value=page): ...
            case Err(error=error): ...  # always the last item

Facade methods work too, without the core:
``paginate(sdk.orchestration.v2.list_instances, running=True)``.

The first request carries your filters; the following ones carry only the
server's ``next`` cursor, which encodes them (the contract forbids other
parameters beside a cursor). Paging never loops: a server that repeats a
cursor, or says ``hasMore`` without giving a ``next`` cursor, ends it with a
``PaginationError``.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypeAlias, TypeVar

from formance_orch.errors import FormanceError, InvalidRequestError
from formance_orch.result import Err, Ok, Result

if TYPE_CHECKING:
    from formance_orch.models.common import CursorPage

__all__ = ["PaginationError", "paginate", "pages"]

T = TypeVar("T")
E = TypeVar("E", bound=FormanceError)

#: A list operation: ``func(core, ..., cursor=..., page_size=...)``.
ListOperation: TypeAlias = "Callable[..., Awaitable[Result[CursorPage[T], E]]]"

_MAX_PAGE_SIZE = 1000


class PaginationError(FormanceError):
    """The server's cursors would make paging loop or stop silently.

    ``cursor`` is the offending cursor (None when ``hasMore`` came without
    one); ``pages`` counts the pages received before.
    """

    def __init__(self, message: str, *, cursor: str | None, pages: int) -> None:
        super().__init__(message)
        self.cursor = cursor
        self.pages = pages


async def pages(
    func: ListOperation[T, E], core: Any = None, /, **params: Any
) -> AsyncIterator[Ok[CursorPage[T]] | Err[E | PaginationError]]:
    """Yield each page as a ``Result``, following ``next`` until the last page.

    ``func`` is a list operation and ``core`` its core, or a facade method
    (already bound to one) and no core. ``params`` are the operation's
    arguments (filters, ``page_size``, a path id). After an ``Err`` (a failed
    request, or a ``PaginationError``) nothing more is yielded. Nothing is
    raised.
    """
    call = func if core is None else functools.partial(func, core)
    first_cursor = params.get("cursor")
    seen: set[str] = {first_cursor} if isinstance(first_cursor, str) else set()
    count = 0
    while True:
        result = await call(**params)
        if isinstance(result, Err):
            yield result
            return
        page = result.value
        count += 1
        yield result
        if not page.has_more:
            return
        cursor = page.next
        if not cursor:
            message = f"page {count} says it has more but gives no next cursor"
            yield Err(PaginationError(message, cursor=None, pages=count))
            return
        if cursor in seen:
            message = f"page {count} repeats the cursor {cursor!r}: paging would loop"
            yield Err(PaginationError(message, cursor=cursor, pages=count))
            return
        seen.add(cursor)
        params = _following_params(func, params, cursor)


async def paginate(
    func: ListOperation[T, E], core: Any = None, /, *, max_items: int | None = None, **params: Any
) -> AsyncIterator[T]:
    """Yield every item of every page, stopping after ``max_items`` if given.

    When ``max_items`` is set and ``page_size`` is not, pages are sized to
    fetch no more than needed. A failed request raises its error (an
    ``APIError``, ...); cursors that would loop raise ``PaginationError``.
    """
    if max_items is not None:
        if isinstance(max_items, bool) or not isinstance(max_items, int) or max_items < 1:
            raise InvalidRequestError("max_items must be a positive int", parameter="max_items")
        params.setdefault("page_size", min(max_items, _MAX_PAGE_SIZE))
    remaining = max_items
    async for result in pages(func, core, **params):
        if isinstance(result, Err):
            raise result.error
        for item in result.value.data:
            yield item
            if remaining is not None:
                remaining -= 1
                if remaining == 0:
                    return


def _following_params(
    func: Callable[..., Any], params: dict[str, Any], cursor: str
) -> dict[str, Any]:
    """The arguments of the next request: the path ids, the options and the cursor.

    Path ids are the positional-or-keyword parameters after ``core`` (every
    other argument of an operation is keyword-only; a facade method has no
    ``core``); filters are left out, since the cursor encodes them.
    """
    kept = _path_ids(func) | {"options"}
    following = {name: value for name, value in params.items() if name in kept}
    following["cursor"] = cursor
    return following


@functools.cache
def _path_ids(func: Callable[..., Any]) -> frozenset[str]:
    positional = [
        parameter.name
        for parameter in inspect.signature(func).parameters.values()
        if parameter.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD
    ]
    return frozenset(positional if inspect.ismethod(func) else positional[1:])
