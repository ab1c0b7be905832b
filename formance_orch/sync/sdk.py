"""``SyncSDK``: the class facade for synchronous code.

    with SyncSDK(server_url="https://acme.formance.cloud", security=Security(...)) as sdk:
        match sdk.orchestration.v2.get_instance("inst-1"):
            case Ok(value=instance): ...

Each method is the async operation of the same name run through the SDK's
``SyncCore``: same arguments (without ``core``), same ``Result``, no
``await``. As in the async facade, a method's module is imported the first
time it is used.
"""

from __future__ import annotations

import functools
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
from formance_orch.sync.core import SyncCore, SyncSettings

if TYPE_CHECKING:
    from formance_orch.core import SDKCore
    from formance_orch.errors import InvalidRequestError
    from formance_orch.funcs.orchestration_v2_create_trigger import (
        orchestration_v2_create_trigger,
    )
    from formance_orch.result import Result

__all__ = ["SyncOrchestrationV2", "SyncSDK"]

P = ParamSpec("P")
T = TypeVar("T")
E = TypeVar("E", bound=BaseException)

AsyncOperation = Callable[Concatenate["SDKCore", P], Awaitable["Result[T, E]"]]


if TYPE_CHECKING:

    def _as_sync_method(
        function: Callable[Concatenate[SDKCore, P], Awaitable[Result[T, E]]],
    ) -> Callable[Concatenate[Any, P], Result[T, E | InvalidRequestError]]:
        """How type checkers see a sync facade method: the function, core bound, no await."""


@functools.cache
def _sync_twin(operation: Callable[..., Awaitable[Any]]) -> Callable[..., Any]:
    """``operation`` as a plain function of a ``SyncCore``; it keeps its name, doc and signature."""

    @functools.wraps(operation)
    def method(core: SyncCore, /, *args: Any, **kwargs: Any) -> Any:
        return core.call(operation, *args, **kwargs)

    return method


class _HasSyncCore(Protocol):
    core: SyncCore


class _SyncOperation(LazyMethod, Generic[P, T, E]):
    """A facade method: the operation ``find`` returns, run through the ``SyncCore``."""

    __slots__ = ()

    def __init__(self, find: Callable[[], AsyncOperation[P, T, E]]) -> None:
        super().__init__(find)

    def adapt(self, function: Callable[..., Any]) -> Callable[..., Any]:
        """The operation as a plain function of a ``SyncCore`` (see ``_sync_twin``)."""
        return _sync_twin(function)

    @overload
    def __get__(self, instance: None, owner: type) -> _SyncOperation[P, T, E]: ...

    @overload
    def __get__(
        self, instance: _HasSyncCore, owner: type
    ) -> Callable[P, Result[T, E | InvalidRequestError]]: ...

    def __get__(
        self, instance: _HasSyncCore | None, owner: type
    ) -> _SyncOperation[P, T, E] | Callable[P, Result[T, E | InvalidRequestError]]:
        if instance is None:
            return self
        return cast("Callable[P, Result[T, E | InvalidRequestError]]", self.bind(instance))


class SyncOrchestrationV2:
    """The Orchestration v2 operations, run through one ``SyncCore``."""

    def __init__(self, core: SyncCore) -> None:
        self.core = core

    cancel_event = _SyncOperation(lambda: _funcs.orchestration_v2_cancel_event)
    if TYPE_CHECKING:
        # The descriptor's ParamSpec drops overloads; a generic function keeps them.
        create_trigger = _as_sync_method(orchestration_v2_create_trigger)
    else:
        create_trigger = _SyncOperation(lambda: _funcs.orchestration_v2_create_trigger)
    create_workflow = _SyncOperation(lambda: _funcs.orchestration_v2_create_workflow)
    delete_trigger = _SyncOperation(lambda: _funcs.orchestration_v2_delete_trigger)
    delete_workflow = _SyncOperation(lambda: _funcs.orchestration_v2_delete_workflow)
    get_instance = _SyncOperation(lambda: _funcs.orchestration_v2_get_instance)
    get_instance_history = _SyncOperation(lambda: _funcs.orchestration_v2_get_instance_history)
    get_instance_stage_history = _SyncOperation(
        lambda: _funcs.orchestration_v2_get_instance_stage_history
    )
    get_server_info = _SyncOperation(lambda: _funcs.orchestration_v2_get_server_info)
    get_workflow = _SyncOperation(lambda: _funcs.orchestration_v2_get_workflow)
    list_instances = _SyncOperation(lambda: _funcs.orchestration_v2_list_instances)
    list_triggers = _SyncOperation(lambda: _funcs.orchestration_v2_list_triggers)
    list_triggers_occurrences = _SyncOperation(
        lambda: _funcs.orchestration_v2_list_triggers_occurrences
    )
    list_workflows = _SyncOperation(lambda: _funcs.orchestration_v2_list_workflows)
    read_trigger = _SyncOperation(lambda: _funcs.orchestration_v2_read_trigger)
    run_workflow = _SyncOperation(lambda: _funcs.orchestration_v2_run_workflow)
    send_event = _SyncOperation(lambda: _funcs.orchestration_v2_send_event)
    test_trigger = _SyncOperation(lambda: _funcs.orchestration_v2_test_trigger)


class SyncOrchestration:
    """The Orchestration API's versions; only ``v2`` is supported."""

    def __init__(self, core: SyncCore) -> None:
        self.v2 = SyncOrchestrationV2(core)


class SyncSDK:
    """A ``SyncCore`` and the operations bound to it: ``sdk.orchestration.v2.<operation>(...)``.

    Takes the same settings as ``SyncCore`` (and builds one, which it
    closes), or an existing ``core`` (which it leaves to its owner to close).
    """

    def __init__(self, core: SyncCore | None = None, /, **settings: Unpack[SyncSettings]) -> None:
        if core is not None and settings:
            raise TypeError("pass either a core or settings for a new one, not both")
        self._owns_core = core is None
        self.core = core if core is not None else SyncCore(**settings)
        self.orchestration = SyncOrchestration(self.core)

    #: ``formance_orch.wait_for_instance`` run through this SDK's core (blocking the
    #: calling thread, never the portal's loop); as on ``SDK``, not under
    #: ``orchestration.v2``, because it is a loop of calls rather than an API operation.
    wait_for_instance = _SyncOperation(lambda: _waiting.wait_for_instance)

    def close(self) -> None:
        """Close the core, if this SDK created it (from any thread)."""
        if self._owns_core:
            self.core.close()

    def __enter__(self) -> SyncSDK:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"SyncSDK({self.core!r})"
