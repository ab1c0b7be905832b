"""``paginate`` and ``pages`` as plain iterators, for synchronous code.

    for instance in paginate(orchestration_v2_list_instances, core, running=True):
        ...

    for result in pages(sdk.orchestration.v2.list_triggers, page_size=100):
        match result:
            case Ok(value=page): ...
            case Err(error=error): ...  # always the last item

They are ``formance_orch.pagination``'s own generators, not copies: each is
stepped from the calling thread, with an operation that runs each request
through the ``SyncCore`` (one hand-off per page, none per item). Cursor
checks, ``max_items`` and errors behave exactly as in the async versions.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import TYPE_CHECKING, Any, TypeVar, overload

from formance_orch import pagination as _async
from formance_orch.errors import InvalidRequestError
from formance_orch.result import Err
from formance_orch.sync.core import SyncCore

if TYPE_CHECKING:
    from formance_orch.models.common import CursorPage
    from formance_orch.pagination import PaginationError
    from formance_orch.result import Ok, Result

__all__ = ["pages", "paginate"]

T = TypeVar("T")
E = TypeVar("E", bound=BaseException)
V = TypeVar("V")


@overload
def pages(
    func: Callable[..., Awaitable[Result[CursorPage[T], E]]], core: SyncCore, /, **params: Any
) -> Iterator[Ok[CursorPage[T]] | Err[E | PaginationError | InvalidRequestError]]: ...


@overload
def pages(
    func: Callable[..., Result[CursorPage[T], E]], /, **params: Any
) -> Iterator[Ok[CursorPage[T]] | Err[E | PaginationError | InvalidRequestError]]: ...


def pages(func: Any, core: Any = None, /, **params: Any) -> Iterator[Any]:
    """Yield each page as a ``Result``, following ``next`` until the last page.

    ``func`` is a list operation and ``core`` a ``SyncCore``, or a
    ``SyncSDK`` method and no core. After an ``Err`` nothing more is
    yielded; nothing is raised.
    """
    found = _operation_and_core(func, core)
    if isinstance(found, Err):
        yield found
        return
    operation, sync_core = found
    yield from _step(_async.pages(_through(operation), sync_core, **params))


@overload
def paginate(
    func: Callable[..., Awaitable[Result[CursorPage[T], E]]],
    core: SyncCore,
    /,
    *,
    max_items: int | None = None,
    **params: Any,
) -> Iterator[T]: ...


@overload
def paginate(
    func: Callable[..., Result[CursorPage[T], E]],
    /,
    *,
    max_items: int | None = None,
    **params: Any,
) -> Iterator[T]: ...


def paginate(
    func: Any, core: Any = None, /, *, max_items: int | None = None, **params: Any
) -> Iterator[Any]:
    """Yield every item of every page, stopping after ``max_items`` if given.

    A failed request raises its error (a closed core raises
    ``InvalidRequestError``); cursors that would loop raise
    ``PaginationError``.
    """
    found = _operation_and_core(func, core)
    if isinstance(found, Err):
        raise found.error
    operation, sync_core = found
    yield from _step(_async.paginate(_through(operation), sync_core, max_items=max_items, **params))


def _operation_and_core(
    func: Any, core: Any
) -> tuple[Callable[..., Awaitable[Any]], SyncCore] | Err[InvalidRequestError]:
    if core is None and inspect.ismethod(func) and isinstance(func.__self__, SyncCore):
        operation = inspect.unwrap(func.__func__)
        if operation is not func.__func__:  # a SyncSDK method wraps its operation
            return operation, func.__self__
    if isinstance(core, SyncCore):
        return func, core
    message = "pass a list operation and a SyncCore, or a SyncSDK method alone"
    return Err(InvalidRequestError(message))


@functools.cache
def _through(operation: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
    """``operation`` as a coroutine function of a ``SyncCore`` that never suspends.

    It keeps the operation's signature (``pagination`` reads the path ids
    from it); cached, so that ``pagination``'s per-function cache stays small.
    """

    @functools.wraps(operation)
    async def through(core: SyncCore, /, *args: Any, **kwargs: Any) -> Any:
        return core.call(operation, *args, **kwargs)

    return through


def _step(iterator: AsyncIterator[V]) -> Iterator[V]:
    """Run an async iterator in this thread, where its only awaits never suspend."""
    try:
        while True:
            try:
                item = _complete(iterator.__anext__())
            except StopAsyncIteration:
                return
            yield item
    finally:
        aclose = getattr(iterator, "aclose", None)
        if aclose is not None:
            _complete(aclose())


def _complete(awaitable: Awaitable[V]) -> V:
    steps = awaitable.__await__()
    try:
        steps.send(None)
    except StopIteration as done:
        return done.value  # type: ignore[no-any-return]
    steps.close()
    raise RuntimeError("formance_orch.pagination awaited something besides the operation")
