"""formance-orch: an async-first, functional SDK for Formance Orchestration v2.

Importing this package is cheap: every name below is loaded on first access.

    from formance_orch import SDKCore, Security, Ok, Err
    from formance_orch.funcs.orchestration_v2_get_instance import orchestration_v2_get_instance
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from formance_orch._version import __version__

if TYPE_CHECKING:
    from formance_orch.clock import Clock, SystemClock
    from formance_orch.core import RequestOptions, SDKCore
    from formance_orch.errors import (
        APIConnectionError,
        APIError,
        AuthenticationError,
        ErrorCode,
        FormanceError,
        InvalidRequestError,
        NoContentOperationError,
        OperationError,
        RequestTimeoutError,
        ResponseValidationError,
        UnexpectedResponseError,
    )
    from formance_orch.hooks import HookContext, Hooks
    from formance_orch.pagination import PaginationError, pages, paginate
    from formance_orch.result import Err, Ok, ResponseMeta, Result
    from formance_orch.retries import RetryConfig
    from formance_orch.security import BearerToken, Security, TokenProvider

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
    "BearerToken": "security",
    "Security": "security",
    "TokenProvider": "security",
}

__all__ = ["__version__", *sorted(_WHERE)]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_WHERE])
