"""``paginate`` and ``pages`` as plain iterators, for synchronous code.

    for instance in paginate(orchestration_v2_list_instances, core, running=True):
        ...

    for instance in paginate(sdk.orchestration.v2.list_instances).take(500):
        ...  # at most 500 items, in pages no larger than needed

    for result in pages(sdk.orchestration.v2.list_triggers, page_size=100):
        match result:
            case Ok(value=page): ...
            case Err(error=error): ...  # always the last item

They take the operation, then exactly its arguments (checked by mypy, as in
``formance_orch.pagination``): an async list operation and a ``SyncCore``,
or a ``SyncSDK`` method alone. They are ``formance_orch.pagination``'s own
generators, not copies: each is stepped from the calling thread, with an
operation that runs each request through the ``SyncCore`` (one hand-off per
page, none per item). Cursor checks, ``take`` and errors behave exactly as in
the async versions.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import AsyncIterator, Awaitable, Callable, Generator, Iterator
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, TypeVar, overload

from formance_orch import pagination as _async
from formance_orch.errors import InvalidRequestError
from formance_orch.result import Err
from formance_orch.sync.core import SyncCore

if TYPE_CHECKING:
    from formance_orch.core import SDKCore
    from formance_orch.models.common import CursorPage
    from formance_orch.pagination import PaginationError
    from formance_orch.result import Ok, Result

__all__ = ["Paginator", "pages", "paginate"]

P = ParamSpec("P")
T = TypeVar("T")
E = TypeVar("E", bound=BaseException)
V = TypeVar("V")


@overload
def pages(
    func: Callable[Concatenate[SDKCore, P], Awaitable[Result[CursorPage[T], E]]],
    core: SyncCore,
    /,
    *args: P.args,
    **kwargs: P.kwargs,
) -> Iterator[Ok[CursorPage[T]] | Err[E | PaginationError | InvalidRequestError]]: ...


@overload
def pages(
    func: Callable[P, Result[CursorPage[T], E]], /, *args: P.args, **kwargs: P.kwargs
) -> Iterator[Ok[CursorPage[T]] | Err[E | PaginationError | InvalidRequestError]]: ...


def pages(func: Any, /, *args: Any, **kwargs: Any) -> Iterator[Any]:
    """Yield each page as a ``Result``, following ``next`` until the last page.

    ``func`` is a list operation followed by a ``SyncCore``, or a
    ``SyncSDK`` method; then exactly the arguments it takes. After an
    ``Err`` nothing more is yielded; nothing is raised.
    """
    found = _operation_and_core(func, args)
    if isinstance(found, Err):
        yield found
        return
    operation, sync_core, rest = found
    yield from _step(_async.pages(_through(operation), sync_core, *rest, **kwargs))


@overload
def paginate(
    func: Callable[Concatenate[SDKCore, P], Awaitable[Result[CursorPage[T], E]]],
    core: SyncCore,
    /,
    *args: P.args,
    **kwargs: P.kwargs,
) -> Paginator[T]: ...


@overload
def paginate(
    func: Callable[P, Result[CursorPage[T], E]], /, *args: P.args, **kwargs: P.kwargs
) -> Paginator[T]: ...


def paginate(func: Any, /, *args: Any, **kwargs: Any) -> Paginator[Any]:
    """Every item of every page, as a plain iterator; ``.take(n)`` stops after ``n``.

    Takes the same arguments as ``pages``. A failed request raises its error
    (a closed core raises ``InvalidRequestError``); cursors that would loop
    raise ``PaginationError``.
    """
    return Paginator(func, args, kwargs)


class Paginator(Iterator[T]):
    """The items of every page, fetched as iteration needs them (what ``paginate`` returns)."""

    __slots__ = ("_args", "_func", "_items", "_kwargs", "_limit")

    def __init__(
        self,
        func: Any,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        limit: int | None = None,
    ) -> None:
        self._func = func
        self._args = args
        self._kwargs = kwargs
        self._limit = limit
        self._items: Generator[T, None, None] | None = None

    def take(self, max_items: int) -> Paginator[T]:
        """A new paginator over the same pages that stops after ``max_items`` items.

        As ``formance_orch.pagination.Paginator.take``: pages are sized to
        fetch no more than needed, and a ``max_items`` that is not a positive
        int raises ``InvalidRequestError``.
        """
        return Paginator(
            self._func, self._args, self._kwargs, _async.narrower_limit(self._limit, max_items)
        )

    def __iter__(self) -> Paginator[T]:
        return self

    def __next__(self) -> T:
        if self._items is None:
            self._items = self._generate()
        return next(self._items)

    def close(self) -> None:
        """Stop paging (what ``break`` leaves to the garbage collector, done now)."""
        if self._items is not None:
            self._items.close()

    def _generate(self) -> Generator[T, None, None]:
        found = _operation_and_core(self._func, self._args)
        if isinstance(found, Err):
            raise found.error
        operation, sync_core, rest = found
        items: _async.Paginator[T] = _async.paginate(
            _through(operation), sync_core, *rest, **self._kwargs
        )
        if self._limit is not None:
            items = items.take(self._limit)
        yield from _step(items)


def _operation_and_core(
    func: Any, args: tuple[Any, ...]
) -> tuple[Callable[..., Awaitable[Any]], SyncCore, tuple[Any, ...]] | Err[InvalidRequestError]:
    """The async operation, the ``SyncCore`` to run it on, and the arguments after the core."""
    if inspect.ismethod(func) and isinstance(func.__self__, SyncCore):
        operation = inspect.unwrap(func.__func__)
        if operation is not func.__func__:  # a SyncSDK method wraps its operation
            return operation, func.__self__, args
    if args and isinstance(args[0], SyncCore):
        return func, args[0], args[1:]
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
