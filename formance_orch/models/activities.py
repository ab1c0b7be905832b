"""The activities a stage runs, as the stage history reports them.

``get_instance_stage_history`` returns, for each activity a stage ran, its
input (which activity, with what arguments) and its output (accounts with
volumes, transactions with postings, payments with adjustments, holds,
wallets with balances). This is the SDK's largest model group; only that
operation loads it.

Some activity inputs are serialised by the server from Go structs without
JSON tags, so their keys may arrive capitalised (``Ledger``, ``Data``): the
fields marked ``ANY_CASE`` accept both spellings. Where the real server names a
key otherwise than the contract (``account`` for AddAccountMetadata's ``id``),
``any_case_or`` accepts both names. An activity the SDK does not know is kept
under ``other`` rather than rejected.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any, ClassVar, Literal, TypeAlias

import attrs

from formance_orch.models.common import ANY_CASE, CursorPage, V2Monetary, any_case_or

__all__ = [
    "V2Account",
    "V2AccountResponse",
    "V2ActivityAddAccountMetadata",
    "V2ActivityConfirmHold",
    "V2ActivityCreateTransaction",
    "V2ActivityCreditWallet",
    "V2ActivityDebitWallet",
    "V2ActivityGetAccount",
    "V2ActivityGetPayment",
    "V2ActivityGetWallet",
    "V2ActivityListWallets",
    "V2ActivityStripeTransfer",
    "V2ActivityVoidHold",
    "V2AssetHolder",
    "V2Balances",
    "V2Connector",
    "V2CreateTransactionResponse",
    "V2CreditWalletRequest",
    "V2DebitWalletRequest",
    "V2DebitWalletResponse",
    "V2GetWalletResponse",
    "V2Hold",
    "V2LedgerAccountSubject",
    "V2ListWalletsResponse",
    "V2Payment",
    "V2PaymentAdjustment",
    "V2PaymentResponse",
    "V2PaymentScheme",
    "V2PaymentStatus",
    "V2PaymentType",
    "V2PostTransaction",
    "V2PostTransactionScript",
    "V2Posting",
    "V2Subject",
    "V2Transaction",
    "V2Volume",
    "V2Wallet",
    "V2WalletSubject",
    "V2WalletWithBalances",
    "V2WorkflowInstanceHistoryStage",
    "V2WorkflowInstanceHistoryStageInput",
    "V2WorkflowInstanceHistoryStageOutput",
]


# --- subjects (who funds or receives a wallet movement) -----------------------------------


@attrs.define(kw_only=True)
class V2LedgerAccountSubject:
    """A ledger account, as the source or destination of a wallet movement."""

    WIRE_TAG: ClassVar[tuple[str, str]] = ("type", "ACCOUNT")

    identifier: str
    type: Literal["ACCOUNT"] = "ACCOUNT"


@attrs.define(kw_only=True)
class V2WalletSubject:
    """A wallet (and optionally one of its balances) in a wallet movement."""

    WIRE_TAG: ClassVar[tuple[str, str]] = ("type", "WALLET")

    identifier: str
    balance: str | None = None
    type: Literal["WALLET"] = "WALLET"


#: A subject, chosen by its ``type``; an unknown type stays a plain dict.
V2Subject: TypeAlias = V2LedgerAccountSubject | V2WalletSubject | dict[str, Any]


# --- activity inputs -----------------------------------------------------------------------


@attrs.define(kw_only=True)
class V2ActivityGetAccount:
    """Input of GetAccount."""

    id: str = attrs.field(metadata=ANY_CASE)
    ledger: str = attrs.field(metadata=ANY_CASE)


@attrs.define(kw_only=True)
class V2ActivityAddAccountMetadata:
    """Input of AddAccountMetadata: ``metadata`` set on the account ``id`` of ``ledger``.

    The contract names the account ``id``; the real server sends it under
    ``account``. Both are read into ``id`` (and written back as ``id``).
    """

    id: str = attrs.field(metadata=any_case_or("account"))
    ledger: str = attrs.field(metadata=ANY_CASE)
    metadata: dict[str, str] = attrs.field(factory=dict, metadata=ANY_CASE)


@attrs.define(kw_only=True)
class V2Posting:
    """One movement of a transaction: ``amount`` of ``asset`` from source to destination."""

    amount: int
    asset: str
    source: str
    destination: str


@attrs.define(kw_only=True)
class V2PostTransactionScript:
    """A Numscript program and its variables."""

    plain: str
    vars: dict[str, Any] | None = None


@attrs.define(kw_only=True)
class V2PostTransaction:
    """A transaction to post: postings or a script, with metadata."""

    metadata: dict[str, str] = attrs.field(factory=dict)
    timestamp: datetime | None = None
    postings: list[V2Posting] | None = None
    script: V2PostTransactionScript | None = None
    reference: str | None = None


@attrs.define(kw_only=True)
class V2ActivityCreateTransaction:
    """Input of CreateTransaction."""

    ledger: str | None = attrs.field(default=None, metadata=ANY_CASE)
    data: V2PostTransaction | None = attrs.field(default=None, metadata=ANY_CASE)


@attrs.define(kw_only=True)
class V2ActivityStripeTransfer:
    """Input of StripeTransfer."""

    connector_id: str | None = None
    amount: int | None = None
    asset: str | None = None
    destination: str | None = None
    waiting_validation: bool | None = None
    metadata: dict[str, Any] | None = None


@attrs.define(kw_only=True)
class V2ActivityGetPayment:
    """Input of GetPayment."""

    id: str = attrs.field(metadata=ANY_CASE)


@attrs.define(kw_only=True)
class V2ActivityConfirmHold:
    """Input of ConfirmHold."""

    id: str = attrs.field(metadata=ANY_CASE)


@attrs.define(kw_only=True)
class V2CreditWalletRequest:
    """Credit a wallet with ``amount``, funded by ``sources``."""

    amount: V2Monetary
    metadata: dict[str, str] = attrs.field(factory=dict)
    sources: list[V2Subject] = attrs.field(factory=list)
    reference: str | None = None
    balance: str | None = None
    timestamp: datetime | None = None


@attrs.define(kw_only=True)
class V2ActivityCreditWallet:
    """Input of CreditWallet."""

    id: str | None = attrs.field(default=None, metadata=ANY_CASE)
    data: V2CreditWalletRequest | None = attrs.field(default=None, metadata=ANY_CASE)


@attrs.define(kw_only=True)
class V2DebitWalletRequest:
    """Debit a wallet by ``amount``, immediately or as a pending hold."""

    amount: V2Monetary
    metadata: dict[str, str] = attrs.field(factory=dict)
    pending: bool | None = None
    description: str | None = None
    destination: V2Subject | None = None
    balances: list[str] | None = None
    timestamp: datetime | None = None


@attrs.define(kw_only=True)
class V2ActivityDebitWallet:
    """Input of DebitWallet."""

    id: str | None = attrs.field(default=None, metadata=ANY_CASE)
    data: V2DebitWalletRequest | None = attrs.field(default=None, metadata=ANY_CASE)


@attrs.define(kw_only=True)
class V2ActivityGetWallet:
    """Input of GetWallet."""

    id: str = attrs.field(metadata=ANY_CASE)


@attrs.define(kw_only=True)
class V2ActivityVoidHold:
    """Input of VoidHold."""

    id: str = attrs.field(metadata=ANY_CASE)


@attrs.define(kw_only=True)
class V2ActivityListWallets:
    """Input of ListWallets."""

    name: str | None = attrs.field(default=None, metadata=ANY_CASE)


@attrs.define(kw_only=True)
class V2WorkflowInstanceHistoryStageInput:
    """Which activity ran, with what input: exactly one field is usually set.

    An activity this SDK does not know is kept in ``other``, by name.
    """

    get_account: V2ActivityGetAccount | None = attrs.field(
        default=None, metadata={"wire": "GetAccount"}
    )
    add_account_metadata: V2ActivityAddAccountMetadata | None = attrs.field(
        default=None, metadata={"wire": "AddAccountMetadata"}
    )
    create_transaction: V2ActivityCreateTransaction | None = attrs.field(
        default=None, metadata={"wire": "CreateTransaction"}
    )
    stripe_transfer: V2ActivityStripeTransfer | None = attrs.field(
        default=None, metadata={"wire": "StripeTransfer"}
    )
    get_payment: V2ActivityGetPayment | None = attrs.field(
        default=None, metadata={"wire": "GetPayment"}
    )
    confirm_hold: V2ActivityConfirmHold | None = attrs.field(
        default=None, metadata={"wire": "ConfirmHold"}
    )
    credit_wallet: V2ActivityCreditWallet | None = attrs.field(
        default=None, metadata={"wire": "CreditWallet"}
    )
    debit_wallet: V2ActivityDebitWallet | None = attrs.field(
        default=None, metadata={"wire": "DebitWallet"}
    )
    get_wallet: V2ActivityGetWallet | None = attrs.field(
        default=None, metadata={"wire": "GetWallet"}
    )
    void_hold: V2ActivityVoidHold | None = attrs.field(default=None, metadata={"wire": "VoidHold"})
    list_wallets: V2ActivityListWallets | None = attrs.field(
        default=None, metadata={"wire": "ListWallets"}
    )
    other: dict[str, Any] = attrs.field(factory=dict, metadata={"rest": True})


# --- activity outputs ----------------------------------------------------------------------


@attrs.define(kw_only=True)
class V2Volume:
    """What went in and out of an account for one asset."""

    input: int
    output: int
    balance: int | None = None


@attrs.define(kw_only=True)
class V2Account:
    """A ledger account, with its volumes per asset when requested."""

    address: str
    metadata: dict[str, str] = attrs.field(factory=dict)
    volumes: dict[str, V2Volume] | None = None
    effective_volumes: dict[str, V2Volume] | None = None


@attrs.define(kw_only=True)
class V2Transaction:
    """A posted transaction."""

    txid: int
    timestamp: datetime
    postings: list[V2Posting] = attrs.field(factory=list)
    metadata: dict[str, str] = attrs.field(factory=dict)
    reference: str | None = None


class V2PaymentStatus(enum.StrEnum):
    """Known payment statuses (unknown ones arrive as plain strings)."""

    PENDING = "PENDING"
    ACTIVE = "ACTIVE"
    TERMINATED = "TERMINATED"
    FAILED = "FAILED"
    SUCCEEDED = "SUCCEEDED"
    CANCELLED = "CANCELLED"


class V2PaymentType(enum.StrEnum):
    """Known payment types (unknown ones arrive as plain strings)."""

    PAY_IN = "PAY-IN"
    PAYOUT = "PAYOUT"
    TRANSFER = "TRANSFER"
    OTHER = "OTHER"


class V2PaymentScheme(enum.StrEnum):
    """Known payment schemes (unknown ones arrive as plain strings)."""

    VISA = "visa"
    MASTERCARD = "mastercard"
    AMEX = "amex"
    DINERS = "diners"
    DISCOVER = "discover"
    JCB = "jcb"
    UNIONPAY = "unionpay"
    SEPA_DEBIT = "sepa debit"
    SEPA_CREDIT = "sepa credit"
    SEPA = "sepa"
    APPLE_PAY = "apple pay"
    GOOGLE_PAY = "google pay"
    A2A = "a2a"
    ACH_DEBIT = "ach debit"
    ACH = "ach"
    RTP = "rtp"
    UNKNOWN = "unknown"
    OTHER = "other"


class V2Connector(enum.StrEnum):
    """Known payment connectors (unknown ones arrive as plain strings)."""

    STRIPE = "STRIPE"
    DUMMY_PAY = "DUMMY-PAY"
    WISE = "WISE"
    MODULR = "MODULR"
    CURRENCY_CLOUD = "CURRENCY-CLOUD"
    BANKING_CIRCLE = "BANKING-CIRCLE"
    MANGOPAY = "MANGOPAY"
    MONEYCORP = "MONEYCORP"


@attrs.define(kw_only=True)
class V2PaymentAdjustment:
    """A change in a payment's status or amount."""

    status: V2PaymentStatus | str
    amount: int
    date: datetime
    absolute: bool
    raw: Any = None


@attrs.define(kw_only=True)
class V2Payment:
    """A payment, as the payments service reports it."""

    id: str
    reference: str
    connector_id: str
    source_account_id: str
    destination_account_id: str
    type: V2PaymentType | str
    status: V2PaymentStatus | str
    initial_amount: int
    scheme: V2PaymentScheme | str
    asset: str
    created_at: datetime
    raw: Any = None
    adjustments: list[V2PaymentAdjustment] = attrs.field(factory=list)
    metadata: dict[str, Any] | None = None
    provider: V2Connector | str | None = None


@attrs.define(kw_only=True)
class V2Hold:
    """Funds held on a wallet by a pending debit."""

    id: str
    wallet_id: str
    description: str
    metadata: dict[str, str] = attrs.field(factory=dict)
    destination: V2Subject | None = None


@attrs.define(kw_only=True)
class V2AssetHolder:
    """Amounts per asset."""

    assets: dict[str, int] = attrs.field(factory=dict)


@attrs.define(kw_only=True)
class V2Balances:
    """A wallet's balances (``main`` is always there)."""

    main: V2AssetHolder


@attrs.define(kw_only=True)
class V2Wallet:
    """A wallet."""

    id: str
    name: str
    ledger: str
    created_at: datetime
    metadata: dict[str, str] = attrs.field(factory=dict)


@attrs.define(kw_only=True)
class V2WalletWithBalances:
    """A wallet with its balances."""

    id: str
    name: str
    ledger: str
    created_at: datetime
    balances: V2Balances
    metadata: dict[str, str] = attrs.field(factory=dict)


@attrs.define(kw_only=True)
class V2AccountResponse:
    """Output of GetAccount."""

    data: V2Account


@attrs.define(kw_only=True)
class V2CreateTransactionResponse:
    """Output of CreateTransaction."""

    data: list[V2Transaction] = attrs.field(factory=list)


@attrs.define(kw_only=True)
class V2PaymentResponse:
    """Output of GetPayment."""

    data: V2Payment


@attrs.define(kw_only=True)
class V2DebitWalletResponse:
    """Output of DebitWallet: the hold, when the debit was pending."""

    data: V2Hold


@attrs.define(kw_only=True)
class V2GetWalletResponse:
    """Output of GetWallet."""

    data: V2WalletWithBalances


@attrs.define(kw_only=True)
class V2ListWalletsResponse:
    """Output of ListWallets: one page of wallets."""

    cursor: CursorPage[V2Wallet]


@attrs.define(kw_only=True)
class V2WorkflowInstanceHistoryStageOutput:
    """What the activity returned, as the service it called answered.

    The field of the activity that ran is set; the output of an activity this
    SDK does not know is kept in ``other``, by name.
    """

    get_account: V2AccountResponse | None = attrs.field(
        default=None, metadata={"wire": "GetAccount"}
    )
    create_transaction: V2CreateTransactionResponse | None = attrs.field(
        default=None, metadata={"wire": "CreateTransaction"}
    )
    get_payment: V2PaymentResponse | None = attrs.field(
        default=None, metadata={"wire": "GetPayment"}
    )
    debit_wallet: V2DebitWalletResponse | None = attrs.field(
        default=None, metadata={"wire": "DebitWallet"}
    )
    get_wallet: V2GetWalletResponse | None = attrs.field(
        default=None, metadata={"wire": "GetWallet"}
    )
    list_wallets: V2ListWalletsResponse | None = attrs.field(
        default=None, metadata={"wire": "ListWallets"}
    )
    other: dict[str, Any] = attrs.field(factory=dict, metadata={"rest": True})


@attrs.define(kw_only=True)
class V2WorkflowInstanceHistoryStage:
    """One activity run by a stage: input, output, timing, retries."""

    name: str
    input: V2WorkflowInstanceHistoryStageInput
    terminated: bool
    started_at: datetime
    attempt: int
    output: V2WorkflowInstanceHistoryStageOutput | None = None
    error: str | None = None
    terminated_at: datetime | None = None
    last_failure: str | None = None
    next_execution: datetime | None = None
