"""Workflows: their configuration (named stages) and their registrations."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import attrs

__all__ = ["V2Workflow", "V2WorkflowConfig"]


@attrs.define(kw_only=True)
class V2WorkflowConfig:
    """A workflow definition: an optional name and its ordered stages.

    On the wire each stage is an object with one key naming its kind
    (``send``, ``delay``, ``wait_event``, ``update``); they are kept here as
    the mappings the server returns.
    """

    stages: list[dict[str, Any]]
    name: str | None = None


@attrs.define(kw_only=True)
class V2Workflow:
    """A registered workflow."""

    id: str
    config: V2WorkflowConfig
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None = None
