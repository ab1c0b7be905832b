"""The Orchestration v2 data models, grouped by domain.

Each group is its own module (``common``, ``workflows``, ``instances``, ...)
so that an operation loads only the models it uses. Names are also available
from this package, loaded on first access.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from formance_orch._lazy import lazy_exports

if TYPE_CHECKING:
    from formance_orch.models.activities import V2Account as V2Account
    from formance_orch.models.activities import V2AccountResponse as V2AccountResponse
    from formance_orch.models.activities import (
        V2ActivityAddAccountMetadata as V2ActivityAddAccountMetadata,
    )
    from formance_orch.models.activities import V2ActivityConfirmHold as V2ActivityConfirmHold
    from formance_orch.models.activities import (
        V2ActivityCreateTransaction as V2ActivityCreateTransaction,
    )
    from formance_orch.models.activities import V2ActivityCreditWallet as V2ActivityCreditWallet
    from formance_orch.models.activities import V2ActivityDebitWallet as V2ActivityDebitWallet
    from formance_orch.models.activities import V2ActivityGetAccount as V2ActivityGetAccount
    from formance_orch.models.activities import V2ActivityGetPayment as V2ActivityGetPayment
    from formance_orch.models.activities import V2ActivityGetWallet as V2ActivityGetWallet
    from formance_orch.models.activities import V2ActivityListWallets as V2ActivityListWallets
    from formance_orch.models.activities import V2ActivityStripeTransfer as V2ActivityStripeTransfer
    from formance_orch.models.activities import V2ActivityVoidHold as V2ActivityVoidHold
    from formance_orch.models.activities import V2AssetHolder as V2AssetHolder
    from formance_orch.models.activities import V2Balances as V2Balances
    from formance_orch.models.activities import V2Connector as V2Connector
    from formance_orch.models.activities import (
        V2CreateTransactionResponse as V2CreateTransactionResponse,
    )
    from formance_orch.models.activities import V2CreditWalletRequest as V2CreditWalletRequest
    from formance_orch.models.activities import V2DebitWalletRequest as V2DebitWalletRequest
    from formance_orch.models.activities import V2DebitWalletResponse as V2DebitWalletResponse
    from formance_orch.models.activities import V2GetWalletResponse as V2GetWalletResponse
    from formance_orch.models.activities import V2Hold as V2Hold
    from formance_orch.models.activities import V2LedgerAccountSubject as V2LedgerAccountSubject
    from formance_orch.models.activities import V2ListWalletsResponse as V2ListWalletsResponse
    from formance_orch.models.activities import V2Payment as V2Payment
    from formance_orch.models.activities import V2PaymentAdjustment as V2PaymentAdjustment
    from formance_orch.models.activities import V2PaymentResponse as V2PaymentResponse
    from formance_orch.models.activities import V2PaymentScheme as V2PaymentScheme
    from formance_orch.models.activities import V2PaymentStatus as V2PaymentStatus
    from formance_orch.models.activities import V2PaymentType as V2PaymentType
    from formance_orch.models.activities import V2Posting as V2Posting
    from formance_orch.models.activities import V2PostTransaction as V2PostTransaction
    from formance_orch.models.activities import V2PostTransactionScript as V2PostTransactionScript
    from formance_orch.models.activities import V2Subject as V2Subject
    from formance_orch.models.activities import V2Transaction as V2Transaction
    from formance_orch.models.activities import V2Volume as V2Volume
    from formance_orch.models.activities import V2Wallet as V2Wallet
    from formance_orch.models.activities import V2WalletSubject as V2WalletSubject
    from formance_orch.models.activities import V2WalletWithBalances as V2WalletWithBalances
    from formance_orch.models.activities import (
        V2WorkflowInstanceHistoryStage as V2WorkflowInstanceHistoryStage,
    )
    from formance_orch.models.activities import (
        V2WorkflowInstanceHistoryStageInput as V2WorkflowInstanceHistoryStageInput,
    )
    from formance_orch.models.activities import (
        V2WorkflowInstanceHistoryStageOutput as V2WorkflowInstanceHistoryStageOutput,
    )
    from formance_orch.models.common import CursorPage as CursorPage
    from formance_orch.models.common import V2Error as V2Error
    from formance_orch.models.common import V2Monetary as V2Monetary
    from formance_orch.models.common import V2ServerInfo as V2ServerInfo
    from formance_orch.models.history import StageInput as StageInput
    from formance_orch.models.history import V2StageDelay as V2StageDelay
    from formance_orch.models.history import V2StageSend as V2StageSend
    from formance_orch.models.history import V2StageSendAccount as V2StageSendAccount
    from formance_orch.models.history import V2StageSendDestination as V2StageSendDestination
    from formance_orch.models.history import (
        V2StageSendDestinationPayment as V2StageSendDestinationPayment,
    )
    from formance_orch.models.history import V2StageSendSource as V2StageSendSource
    from formance_orch.models.history import V2StageSendSourcePayment as V2StageSendSourcePayment
    from formance_orch.models.history import V2StageSendWallet as V2StageSendWallet
    from formance_orch.models.history import V2StageWaitEvent as V2StageWaitEvent
    from formance_orch.models.history import V2Update as V2Update
    from formance_orch.models.history import V2UpdateAccount as V2UpdateAccount
    from formance_orch.models.history import V2WorkflowInstanceHistory as V2WorkflowInstanceHistory
    from formance_orch.models.instances import V2StageStatus as V2StageStatus
    from formance_orch.models.instances import V2WorkflowInstance as V2WorkflowInstance
    from formance_orch.models.triggers import V2Trigger as V2Trigger
    from formance_orch.models.triggers import V2TriggerData as V2TriggerData
    from formance_orch.models.triggers import V2TriggerOccurrence as V2TriggerOccurrence
    from formance_orch.models.triggers import V2TriggerTest as V2TriggerTest
    from formance_orch.models.triggers import V2TriggerTestFilter as V2TriggerTestFilter
    from formance_orch.models.triggers import V2TriggerTestVariable as V2TriggerTestVariable
    from formance_orch.models.workflows import V2Workflow as V2Workflow
    from formance_orch.models.workflows import V2WorkflowConfig as V2WorkflowConfig

#: Which module defines each public model.
_WHERE = {
    "CursorPage": "common",
    "StageInput": "history",
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
    "V2StageDelay": "history",
    "V2StageSend": "history",
    "V2StageSendAccount": "history",
    "V2StageSendDestination": "history",
    "V2StageSendDestinationPayment": "history",
    "V2StageSendSource": "history",
    "V2StageSendSourcePayment": "history",
    "V2StageSendWallet": "history",
    "V2StageStatus": "instances",
    "V2StageWaitEvent": "history",
    "V2Subject": "activities",
    "V2Transaction": "activities",
    "V2Trigger": "triggers",
    "V2TriggerData": "triggers",
    "V2TriggerOccurrence": "triggers",
    "V2TriggerTest": "triggers",
    "V2TriggerTestFilter": "triggers",
    "V2TriggerTestVariable": "triggers",
    "V2Update": "history",
    "V2UpdateAccount": "history",
    "V2Volume": "activities",
    "V2Wallet": "activities",
    "V2WalletSubject": "activities",
    "V2WalletWithBalances": "activities",
    "V2Workflow": "workflows",
    "V2WorkflowConfig": "workflows",
    "V2WorkflowInstance": "instances",
    "V2WorkflowInstanceHistory": "history",
    "V2WorkflowInstanceHistoryStage": "activities",
    "V2WorkflowInstanceHistoryStageInput": "activities",
    "V2WorkflowInstanceHistoryStageOutput": "activities",
}

__all__ = sorted(_WHERE)

__getattr__, __dir__ = lazy_exports(__name__, _WHERE)
