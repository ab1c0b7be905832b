"""Synchronous use: the async SDK, driven through a portal thread.

    from formance_orch import SyncSDK, Security, Ok

    with SyncSDK(server_url="https://acme.formance.cloud", security=Security(...)) as sdk:
        match sdk.orchestration.v2.get_instance("inst-1"):
            case Ok(value=instance): ...

Or the functional style, importing only the operations you use::

    with SyncCore(server_url=...) as core:
        result = core.call(orchestration_v2_get_instance, "inst-1")
        for instance in paginate(orchestration_v2_list_instances, core, running=True): ...

There is one implementation: every call runs the async operation on an event
loop in a background thread (see ``SyncCore``) and returns the same
``Result``. Importing this package loads neither aiohttp nor any operation.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from formance_orch._lazy import lazy_exports

if TYPE_CHECKING:
    from formance_orch.sync.core import SyncCore as SyncCore
    from formance_orch.sync.core import SyncSettings as SyncSettings
    from formance_orch.sync.pagination import pages as pages
    from formance_orch.sync.pagination import paginate as paginate
    from formance_orch.sync.sdk import SyncSDK as SyncSDK

#: Which module defines each public name.
_WHERE = {
    "SyncCore": "core",
    "SyncSettings": "core",
    "pages": "pagination",
    "paginate": "pagination",
    "SyncSDK": "sdk",
}

__all__ = sorted(_WHERE)


__getattr__, __dir__ = lazy_exports(__name__, _WHERE)
