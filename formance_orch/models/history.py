"""Workflow stages as the history reports them, and the instance history.

A history entry's ``input`` is the stage that ran: a send, a delay, a wait for
an event or an update. The server sends it without saying which; the SDK
decides by the keys present (``duration``/``until``: delay, ``event``:
wait_event, ``account``: update, ``source``/``destination``/``amount``: send)
and keeps an input it cannot recognise as a plain ``dict``.

To *define* stages, see ``formance_orch.stages`` (typed builders).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar, TypeAlias

import attrs

from formance_orch.models.common import V2Monetary

__all__ = [
    "StageInput",
    "V2StageDelay",
    "V2StageSend",
    "V2StageSendDestination",
    "V2StageSendDestinationPayment",
    "V2StageSendSource",
    "V2StageSendSourcePayment",
    "V2StageSendWallet",
    "V2StageSendAccount",
    "V2StageWaitEvent",
    "V2Update",
    "V2UpdateAccount",
    "V2WorkflowInstanceHistory",
]


@attrs.define(kw_only=True)
class V2StageSendWallet:
    """A wallet as the source or destination of a send (``balance`` defaults to main)."""

    id: str
    balance: str | None = None


@attrs.define(kw_only=True)
class V2StageSendAccount:
    """A ledger account as the source or destination of a send."""

    id: str
    ledger: str | None = None


@attrs.define(kw_only=True)
class V2StageSendSourcePayment:
    """A payment as the source of a send."""

    id: str


@attrs.define(kw_only=True)
class V2StageSendDestinationPayment:
    """A payment service provider as the destination of a send."""

    psp: str


@attrs.define(kw_only=True)
class V2StageSendSource:
    """Where a send takes funds from: one of wallet, account or payment."""

    wallet: V2StageSendWallet | None = None
    account: V2StageSendAccount | None = None
    payment: V2StageSendSourcePayment | None = None


@attrs.define(kw_only=True)
class V2StageSendDestination:
    """Where a send puts funds: one of wallet, account or payment."""

    wallet: V2StageSendWallet | None = None
    account: V2StageSendAccount | None = None
    payment: V2StageSendDestinationPayment | None = None


@attrs.define(kw_only=True)
class V2StageSend:
    """A send stage: move ``amount`` from ``source`` to ``destination``."""

    WIRE_KEYS: ClassVar[frozenset[str]] = frozenset({"source", "destination", "amount"})

    amount: V2Monetary | None = None
    destination: V2StageSendDestination | None = None
    source: V2StageSendSource | None = None
    metadata: dict[str, str] | None = None
    timestamp: datetime | None = None


@attrs.define(kw_only=True)
class V2StageDelay:
    """A delay stage: wait for ``duration`` (Go syntax, ``1h30m``) or until ``until``."""

    WIRE_KEYS: ClassVar[frozenset[str]] = frozenset({"duration", "until"})

    until: datetime | None = None
    duration: str | None = None


@attrs.define(kw_only=True)
class V2StageWaitEvent:
    """A stage that waits until ``event`` is sent to the instance."""

    WIRE_KEYS: ClassVar[frozenset[str]] = frozenset({"event"})

    event: str


@attrs.define(kw_only=True)
class V2UpdateAccount:
    """Metadata to set on a ledger account."""

    id: str
    ledger: str
    metadata: dict[str, str] = attrs.field(factory=dict)


@attrs.define(kw_only=True)
class V2Update:
    """An update stage: set metadata on an account."""

    WIRE_KEYS: ClassVar[frozenset[str]] = frozenset({"account"})

    account: V2UpdateAccount | None = None


#: A stage as history reports it; unrecognised shapes stay plain dicts.
StageInput: TypeAlias = V2StageSend | V2StageDelay | V2StageWaitEvent | V2Update | dict[str, Any]


@attrs.define(kw_only=True)
class V2WorkflowInstanceHistory:
    """One stage of an instance, as run: its input, timing and outcome."""

    name: str
    input: StageInput
    terminated: bool
    started_at: datetime
    terminated_at: datetime | None = None
    error: str | None = None
