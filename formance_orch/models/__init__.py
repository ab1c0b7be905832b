"""The Orchestration v2 data models, grouped by domain.

Each group is its own module (``common``, ``workflows``, ``instances``, ...)
so that an operation loads only the models it uses. Names are also available
from this package, loaded on first access.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from formance_orch.models.activities import (
        V2Account,
        V2AccountResponse,
        V2ActivityAddAccountMetadata,
        V2ActivityConfirmHold,
        V2ActivityCreateTransaction,
        V2ActivityCreditWallet,
        V2ActivityDebitWallet,
        V2ActivityGetAccount,
        V2ActivityGetPayment,
        V2ActivityGetWallet,
        V2ActivityListWallets,
        V2ActivityStripeTransfer,
        V2ActivityVoidHold,
        V2AssetHolder,
        V2Balances,
        V2Connector,
        V2CreateTransactionResponse,
        V2CreditWalletRequest,
        V2DebitWalletRequest,
        V2DebitWalletResponse,
        V2GetWalletResponse,
        V2Hold,
        V2LedgerAccountSubject,
        V2ListWalletsResponse,
        V2Payment,
        V2PaymentAdjustment,
        V2PaymentResponse,
        V2PaymentScheme,
        V2PaymentStatus,
        V2PaymentType,
        V2Posting,
        V2PostTransaction,
        V2PostTransactionScript,
        V2Subject,
        V2Transaction,
        V2Volume,
        V2Wallet,
        V2WalletSubject,
        V2WalletWithBalances,
        V2WorkflowInstanceHistoryStage,
        V2WorkflowInstanceHistoryStageInput,
        V2WorkflowInstanceHistoryStageOutput,
    )
    from formance_orch.models.common import (
        CursorPage,
        V2Error,
        V2Monetary,
        V2ServerInfo,
    )
    from formance_orch.models.instances import (
        V2StageStatus,
        V2WorkflowInstance,
    )
    from formance_orch.models.stages import (
        StageInput,
        V2StageDelay,
        V2StageSend,
        V2StageSendAccount,
        V2StageSendDestination,
        V2StageSendDestinationPayment,
        V2StageSendSource,
        V2StageSendSourcePayment,
        V2StageSendWallet,
        V2StageWaitEvent,
        V2Update,
        V2UpdateAccount,
        V2WorkflowInstanceHistory,
    )
    from formance_orch.models.triggers import (
        V2Trigger,
        V2TriggerData,
        V2TriggerOccurrence,
        V2TriggerTest,
        V2TriggerTestFilter,
        V2TriggerTestVariable,
    )
    from formance_orch.models.workflows import (
        V2Workflow,
        V2WorkflowConfig,
    )

#: Which module defines each public model.
_WHERE = {
    "CursorPage": "common",
    "StageInput": "stages",
    "V2Account": "activities",
    "V2AccountResponse": "activities",
    "V2ActivityAddAccountMetadata": "activities",
    "V2ActivityConfirmHold": "activities",
    "V2ActivityCreateTransaction": "activities",
    "V2ActivityCreditWallet": "activities",
    "V2ActivityDebitWallet": "activities",
    "V2ActivityGetAccount": "activities",
    "V2ActivityGetPayment": "activities",
    "V2ActivityGetWallet": "activities",
    "V2ActivityListWallets": "activities",
    "V2ActivityStripeTransfer": "activities",
    "V2ActivityVoidHold": "activities",
    "V2AssetHolder": "activities",
    "V2Balances": "activities",
    "V2Connector": "activities",
    "V2CreateTransactionResponse": "activities",
    "V2CreditWalletRequest": "activities",
    "V2DebitWalletRequest": "activities",
    "V2DebitWalletResponse": "activities",
    "V2Error": "common",
    "V2GetWalletResponse": "activities",
    "V2Hold": "activities",
    "V2LedgerAccountSubject": "activities",
    "V2ListWalletsResponse": "activities",
    "V2Monetary": "common",
    "V2Payment": "activities",
    "V2PaymentAdjustment": "activities",
    "V2PaymentResponse": "activities",
    "V2PaymentScheme": "activities",
    "V2PaymentStatus": "activities",
    "V2PaymentType": "activities",
    "V2PostTransaction": "activities",
    "V2PostTransactionScript": "activities",
    "V2Posting": "activities",
    "V2ServerInfo": "common",
    "V2StageDelay": "stages",
    "V2StageSend": "stages",
    "V2StageSendAccount": "stages",
    "V2StageSendDestination": "stages",
    "V2StageSendDestinationPayment": "stages",
    "V2StageSendSource": "stages",
    "V2StageSendSourcePayment": "stages",
    "V2StageSendWallet": "stages",
    "V2StageStatus": "instances",
    "V2StageWaitEvent": "stages",
    "V2Subject": "activities",
    "V2Transaction": "activities",
    "V2Trigger": "triggers",
    "V2TriggerData": "triggers",
    "V2TriggerOccurrence": "triggers",
    "V2TriggerTest": "triggers",
    "V2TriggerTestFilter": "triggers",
    "V2TriggerTestVariable": "triggers",
    "V2Update": "stages",
    "V2UpdateAccount": "stages",
    "V2Volume": "activities",
    "V2Wallet": "activities",
    "V2WalletSubject": "activities",
    "V2WalletWithBalances": "activities",
    "V2Workflow": "workflows",
    "V2WorkflowConfig": "workflows",
    "V2WorkflowInstance": "instances",
    "V2WorkflowInstanceHistory": "stages",
    "V2WorkflowInstanceHistoryStage": "activities",
    "V2WorkflowInstanceHistoryStageInput": "activities",
    "V2WorkflowInstanceHistoryStageOutput": "activities",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_WHERE])
