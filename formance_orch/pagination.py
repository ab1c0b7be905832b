"""Iterate over every page of a list operation.

Works with the four list operations (``list_workflows``, ``list_instances``,
``list_triggers``, ``list_triggers_occurrences``), given the operation, then
exactly the arguments it takes, checked by mypy (``ParamSpec``)::

    async for instance in paginate(orchestration_v2_list_instances, core, running=True):
        ...

    async for instance in paginate(orchestration_v2_list_instances, core).take(500):
        ...  # at most 500 items, in pages no larger than needed

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
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from formance_orch.errors import FormanceError, InvalidRequestError
from formance_orch.result import Err, Ok, Result

if TYPE_CHECKING:
    from formance_orch.models.common import CursorPage

__all__ = ["PaginationError", "Paginator", "paginate", "pages"]

P = ParamSpec("P")
T = TypeVar("T")
E = TypeVar("E", bound=FormanceError)


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
    func: Callable[P, Awaitable[Result[CursorPage[T], E]]],
    /,
    *args: P.args,
    **kwargs: P.kwargs,
) -> AsyncIterator[Ok[CursorPage[T]] | Err[E | PaginationError]]:
    """Yield each page as a ``Result``, following ``next`` until the last page.

    ``func`` is a list operation (then ``args`` start with its core) or a
    facade method; ``args`` and ``kwargs`` are what it takes (filters,
    ``page_size``, a path id). After an ``Err`` (a failed request, or a
    ``PaginationError``) nothing more is yielded. Nothing is raised.
    """
    params: Mapping[str, Any] = kwargs
    first_cursor = params.get("cursor")
    seen: set[str] = {first_cursor} if isinstance(first_cursor, str) else set()
    count = 0
    while True:
        result = await func(*args, **params)
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


def paginate(
    func: Callable[P, Awaitable[Result[CursorPage[T], E]]],
    /,
    *args: P.args,
    **kwargs: P.kwargs,
) -> Paginator[T]:
    """Every item of every page, as an async iterator; ``.take(n)`` stops after ``n``.

    Takes the same arguments as ``pages``. A failed request raises its error
    (an ``APIError``, ...); cursors that would loop raise ``PaginationError``.
    """
    return Paginator(func, args, kwargs)


class Paginator(AsyncIterator[T]):
    """The items of every page, fetched as iteration needs them (what ``paginate`` returns)."""

    __slots__ = ("_args", "_func", "_items", "_kwargs", "_limit")

    def __init__(
        self,
        func: Callable[..., Awaitable[Result[CursorPage[T], FormanceError]]],
        args: tuple[Any, ...],
        kwargs: Mapping[str, Any],
        limit: int | None = None,
    ) -> None:
        self._func = func
        self._args = args
        self._kwargs = kwargs
        self._limit = limit
        self._items: AsyncGenerator[T, None] | None = None

    def take(self, max_items: int) -> Paginator[T]:
        """A new paginator over the same pages that stops after ``max_items`` items.

        Unless ``page_size`` was given, pages are sized to fetch no more than
        needed. Taking from a paginator already limited keeps the smaller
        limit. Raises ``InvalidRequestError`` unless ``max_items`` is a
        positive int.
        """
        return Paginator(
            self._func, self._args, self._kwargs, narrower_limit(self._limit, max_items)
        )

    def __aiter__(self) -> Paginator[T]:
        return self

    async def __anext__(self) -> T:
        if self._items is None:
            self._items = self._generate()
        return await anext(self._items)

    async def aclose(self) -> None:
        """Stop paging (what ``break`` leaves to the garbage collector, done now)."""
        if self._items is not None:
            await self._items.aclose()

    async def _generate(self) -> AsyncGenerator[T, None]:
        remaining = self._limit
        kwargs = self._kwargs
        if remaining is not None:
            from formance_orch._operation import MAX_PAGE_SIZE

            kwargs = {"page_size": min(remaining, MAX_PAGE_SIZE), **kwargs}
        async for result in pages(self._func, *self._args, **kwargs):
            if isinstance(result, Err):
                raise result.error
            for item in result.value.data:
                yield item
                if remaining is not None:
                    remaining -= 1
                    if remaining == 0:
                        return


def narrower_limit(limit: int | None, max_items: object) -> int:
    """The item limit after ``.take(max_items)`` on a paginator limited to ``limit`` (internal).

    A second ``take`` never widens the first. Raises ``InvalidRequestError``
    unless ``max_items`` is a positive int.
    """
    if isinstance(max_items, bool) or not isinstance(max_items, int) or max_items < 1:
        raise InvalidRequestError("max_items must be a positive int", parameter="max_items")
    return max_items if limit is None else min(limit, max_items)


def _following_params(
    func: Callable[..., Any], params: Mapping[str, Any], cursor: str
) -> dict[str, Any]:
    """The keyword arguments of the next request: path ids, options and the cursor.

    Path ids are the positional-or-keyword parameters (every other argument
    of an operation is keyword-only); positional arguments are passed again
    as they are. Filters are left out, since the cursor encodes them.
    """
    kept = _positional_names(func) | {"options"}
    following = {name: value for name, value in params.items() if name in kept}
    following["cursor"] = cursor
    return following


@functools.cache
def _positional_names(func: Callable[..., Any]) -> frozenset[str]:
    return frozenset(
        parameter.name
        for parameter in inspect.signature(func).parameters.values()
        if parameter.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD
    )
