"""Hooks: your code, called around every HTTP attempt.

``before_request`` hooks may add or change headers (tracing, correlation IDs);
``after_success`` and ``after_error`` hooks observe outcomes (metrics). A hook
may be a plain function or a coroutine function. Hooks run in the order given.
An exception raised by a hook is a bug in the hook: it propagates to the
caller rather than being turned into an ``Err``.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Sequence
from typing import TypeAlias, TypeVar

import attrs

from formance_orch.errors import FormanceError
from formance_orch.result import ResponseMeta

__all__ = ["AfterError", "AfterSuccess", "BeforeRequest", "HookContext", "Hooks"]


@attrs.frozen
class HookContext:
    """Which attempt of which operation a hook is called for."""

    operation_id: str
    method: str
    url: str
    attempt: int


#: Called before each attempt with the headers about to be sent (mutable).
BeforeRequest: TypeAlias = Callable[[HookContext, dict[str, str]], Awaitable[None] | None]
#: Called once a call succeeded, with its response meta.
AfterSuccess: TypeAlias = Callable[[HookContext, ResponseMeta], Awaitable[None] | None]
#: Called after each failed attempt with the error it produced.
AfterError: TypeAlias = Callable[[HookContext, FormanceError], Awaitable[None] | None]


def _as_tuple(value: Sequence[Callable[..., object]]) -> tuple[Callable[..., object], ...]:
    return tuple(value)


@attrs.frozen
class Hooks:
    """The hooks an ``SDKCore`` calls; each field is a sequence of callables."""

    before_request: tuple[BeforeRequest, ...] = attrs.field(default=(), converter=_as_tuple)
    after_success: tuple[AfterSuccess, ...] = attrs.field(default=(), converter=_as_tuple)
    after_error: tuple[AfterError, ...] = attrs.field(default=(), converter=_as_tuple)


A = TypeVar("A")


async def call_hooks(
    hooks: tuple[Callable[[HookContext, A], Awaitable[None] | None], ...],
    context: HookContext,
    argument: A,
) -> None:
    """Call each hook with ``(context, argument)``, awaiting those that are async."""
    for hook in hooks:
        outcome = hook(context, argument)
        if inspect.isawaitable(outcome):
            await outcome
