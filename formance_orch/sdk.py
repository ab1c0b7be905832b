"""``SDK``: the class facade, for code written against the TypeScript SDK's style.

    async with SDK(organization="myorg-abcd", environment="eu.sandbox",
                   security=Security.from_env()) as sdk:
        match await sdk.orchestration.v2.get_instance("inst-1"):
            case Ok(value=instance): ...

Each method is the operation function of the same name, bound to the SDK's
core: same arguments (without ``core``), same ``Result``. A method's module is
imported the first time it is used, so the facade costs no more to import
than the functions do.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import (
    TYPE_CHECKING,
    Any,
    Concatenate,
    Generic,
    ParamSpec,
    Protocol,
    TypeVar,
    Unpack,
    cast,
    overload,
)

from formance_orch import funcs as _funcs
from formance_orch import waiting as _waiting
from formance_orch._lazy import LazyMethod
from formance_orch.core import CoreSettings, SDKCore

if TYPE_CHECKING:
    from formance_orch.funcs.orchestration_v2_create_trigger import (
        orchestration_v2_create_trigger,
    )

__all__ = ["SDK", "OrchestrationV2"]

P = ParamSpec("P")
R = TypeVar("R")


class _HasCore(Protocol):
    core: SDKCore


if TYPE_CHECKING:

    def _as_method(
        function: Callable[Concatenate[SDKCore, P], Awaitable[R]],
    ) -> Callable[Concatenate[Any, P], Awaitable[R]]:
        """How type checkers see a facade method: the function, ``core`` bound."""


class _Operation(LazyMethod, Generic[P, R]):
    """A facade method: the function ``find`` returns, the core bound (see ``LazyMethod``)."""

    __slots__ = ()

    def __init__(self, find: Callable[[], Callable[Concatenate[SDKCore, P], Awaitable[R]]]) -> None:
        super().__init__(find)

    @overload
    def __get__(self, instance: None, owner: type) -> _Operation[P, R]: ...

    @overload
    def __get__(self, instance: _HasCore, owner: type) -> Callable[P, Awaitable[R]]: ...

    def __get__(
        self, instance: _HasCore | None, owner: type
    ) -> _Operation[P, R] | Callable[P, Awaitable[R]]:
        if instance is None:
            return self
        return cast("Callable[P, Awaitable[R]]", self.bind(instance))


class OrchestrationV2:
    """The Orchestration v2 operations, bound to one core."""

    def __init__(self, core: SDKCore) -> None:
        self.core = core

    cancel_event = _Operation(lambda: _funcs.orchestration_v2_cancel_event)
    if TYPE_CHECKING:
        # The descriptor's ParamSpec drops overloads; a generic function keeps them.
        create_trigger = _as_method(orchestration_v2_create_trigger)
    else:
        create_trigger = _Operation(lambda: _funcs.orchestration_v2_create_trigger)
    create_workflow = _Operation(lambda: _funcs.orchestration_v2_create_workflow)
    delete_trigger = _Operation(lambda: _funcs.orchestration_v2_delete_trigger)
    delete_workflow = _Operation(lambda: _funcs.orchestration_v2_delete_workflow)
    get_instance = _Operation(lambda: _funcs.orchestration_v2_get_instance)
    get_instance_history = _Operation(lambda: _funcs.orchestration_v2_get_instance_history)
    get_instance_stage_history = _Operation(
        lambda: _funcs.orchestration_v2_get_instance_stage_history
    )
    get_server_info = _Operation(lambda: _funcs.orchestration_v2_get_server_info)
    get_workflow = _Operation(lambda: _funcs.orchestration_v2_get_workflow)
    list_instances = _Operation(lambda: _funcs.orchestration_v2_list_instances)
    list_triggers = _Operation(lambda: _funcs.orchestration_v2_list_triggers)
    list_triggers_occurrences = _Operation(
        lambda: _funcs.orchestration_v2_list_triggers_occurrences
    )
    list_workflows = _Operation(lambda: _funcs.orchestration_v2_list_workflows)
    read_trigger = _Operation(lambda: _funcs.orchestration_v2_read_trigger)
    run_workflow = _Operation(lambda: _funcs.orchestration_v2_run_workflow)
    send_event = _Operation(lambda: _funcs.orchestration_v2_send_event)
    test_trigger = _Operation(lambda: _funcs.orchestration_v2_test_trigger)


class Orchestration:
    """The Orchestration API's versions; only ``v2`` is supported."""

    def __init__(self, core: SDKCore) -> None:
        self.v2 = OrchestrationV2(core)


class SDK:
    """A core and the operations bound to it: ``sdk.orchestration.v2.<operation>(...)``.

    Takes the same settings as ``SDKCore`` (and builds one, which it closes),
    or an existing ``core`` (which it leaves to its owner to close).
    """

    def __init__(self, core: SDKCore | None = None, /, **settings: Unpack[CoreSettings]) -> None:
        if core is not None and settings:
            raise TypeError("pass either a core or settings for a new one, not both")
        self._owns_core = core is None
        self.core = core if core is not None else SDKCore(**settings)
        self.orchestration = Orchestration(self.core)

    #: ``formance_orch.wait_for_instance`` bound to this SDK's core. It is here rather
    #: than under ``orchestration.v2`` because it is not an API operation but a loop of them.
    wait_for_instance = _Operation(lambda: _waiting.wait_for_instance)

    async def aclose(self) -> None:
        """Close the core, if this SDK created it."""
        if self._owns_core:
            await self.core.aclose()

    async def __aenter__(self) -> SDK:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        return f"SDK({self.core!r})"
