"""formance-orch: an async-first, functional SDK for Formance Orchestration v2.

Importing this package is cheap: every name below is loaded on first access.

    from formance_orch import SDKCore, Security, Ok, Err
    from formance_orch.funcs.orchestration_v2_get_instance import orchestration_v2_get_instance
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from formance_orch._lazy import lazy_exports
from formance_orch._version import __version__

if TYPE_CHECKING:
    from formance_orch.clock import Clock as Clock
    from formance_orch.clock import SystemClock as SystemClock
    from formance_orch.core import RequestOptions as RequestOptions
    from formance_orch.core import SDKCore as SDKCore
    from formance_orch.errors import APIConnectionError as APIConnectionError
    from formance_orch.errors import APIError as APIError
    from formance_orch.errors import AuthenticationError as AuthenticationError
    from formance_orch.errors import ErrorCode as ErrorCode
    from formance_orch.errors import FormanceError as FormanceError
    from formance_orch.errors import InvalidRequestError as InvalidRequestError
    from formance_orch.errors import NoContentOperationError as NoContentOperationError
    from formance_orch.errors import OperationError as OperationError
    from formance_orch.errors import RequestTimeoutError as RequestTimeoutError
    from formance_orch.errors import ResponseValidationError as ResponseValidationError
    from formance_orch.errors import UnexpectedResponseError as UnexpectedResponseError
    from formance_orch.errors import WaitTimeoutError as WaitTimeoutError
    from formance_orch.hooks import HookContext as HookContext
    from formance_orch.hooks import Hooks as Hooks
    from formance_orch.pagination import PaginationError as PaginationError
    from formance_orch.pagination import pages as pages
    from formance_orch.pagination import paginate as paginate
    from formance_orch.result import Err as Err
    from formance_orch.result import Ok as Ok
    from formance_orch.result import ResponseMeta as ResponseMeta
    from formance_orch.result import Result as Result
    from formance_orch.retries import RetryConfig as RetryConfig
    from formance_orch.sdk import SDK as SDK
    from formance_orch.security import BearerToken as BearerToken
    from formance_orch.security import Security as Security
    from formance_orch.security import TokenProvider as TokenProvider
    from formance_orch.sync import SyncCore as SyncCore
    from formance_orch.sync import SyncSDK as SyncSDK
    from formance_orch.waiting import wait_for_instance as wait_for_instance
    from formance_orch.wire import WireFormatError as WireFormatError
    from formance_orch.wire import from_json as from_json
    from formance_orch.wire import from_wire as from_wire
    from formance_orch.wire import to_json as to_json
    from formance_orch.wire import to_wire as to_wire

#: Which module defines each public name.
_WHERE = {
    "Clock": "clock",
    "SystemClock": "clock",
    "RequestOptions": "core",
    "SDKCore": "core",
    "APIConnectionError": "errors",
    "APIError": "errors",
    "AuthenticationError": "errors",
    "ErrorCode": "errors",
    "FormanceError": "errors",
    "InvalidRequestError": "errors",
    "NoContentOperationError": "errors",
    "OperationError": "errors",
    "RequestTimeoutError": "errors",
    "ResponseValidationError": "errors",
    "UnexpectedResponseError": "errors",
    "WaitTimeoutError": "errors",
    "HookContext": "hooks",
    "Hooks": "hooks",
    "PaginationError": "pagination",
    "paginate": "pagination",
    "pages": "pagination",
    "Err": "result",
    "Ok": "result",
    "ResponseMeta": "result",
    "Result": "result",
    "RetryConfig": "retries",
    "SDK": "sdk",
    "BearerToken": "security",
    "Security": "security",
    "TokenProvider": "security",
    "WireFormatError": "wire",
    "from_json": "wire",
    "from_wire": "wire",
    "to_json": "wire",
    "to_wire": "wire",
    "wait_for_instance": "waiting",
    "SyncCore": "sync",
    "SyncSDK": "sync",
}

__all__ = ["__version__", *sorted(_WHERE)]

__getattr__, __dir__ = lazy_exports(__name__, _WHERE)
