"""The in-memory ledger, wallets and payments that ``send`` and ``update`` stages act on.

Ledgers and accounts are created by the first write accepted on them (a
refused one creates nothing); reads see every address, empty until used.
Accounts hold per-asset volumes (``input``,
``output``; balance = input - output); ``world`` may go negative, every other
account is refused a posting that would overdraw it. Wallets are ledger
accounts named ``wallets:{id}:{balance}`` (``main`` by default); payments are
records seeded through the emulator's API.

Errors carry the error code the real services answer with (``VALIDATION``,
``INSUFFICIENT_FUND``, ``CONFLICT``, ``NOT_FOUND``); whether a stage retries
them is the runner's business (REAL-SERVER §5 Retries).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterable
from typing import Any

import attrs

from formance_orch.emulator.wire import utc_micro_time

__all__ = [
    "INTERNAL_LEDGER",
    "Account",
    "Bank",
    "LedgerError",
    "Payment",
    "Posting",
    "Transaction",
    "Wallet",
]

#: The ledger a payment's funds pass through (REAL-SERVER §5 send, payment source).
INTERNAL_LEDGER = "orchestration-000-internal"
WORLD = "world"

_ADDRESS = re.compile(r"[a-zA-Z0-9_]+(?::[a-zA-Z0-9_]+)*\Z")
_ASSET = re.compile(r"[A-Z][A-Z0-9]{0,16}(?:_[A-Z]{1,16})?(?:/\d{1,6})?\Z")


class LedgerError(Exception):
    """A refusal by the ledger, wallets or payments service."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@attrs.define
class Account:
    """A ledger account: metadata and, per asset, ``[input, output]`` volumes."""

    address: str
    metadata: dict[str, str] = attrs.field(factory=dict)
    volumes: dict[str, list[int]] = attrs.field(factory=dict)

    def balance(self, asset: str) -> int:
        """Input minus output for ``asset``."""
        received, sent = self.volumes.get(asset, (0, 0))
        return received - sent

    def to_json(self) -> dict[str, Any]:
        """The account as ledger v1 answers GetAccount (REAL-SERVER §6)."""
        return {
            "address": self.address,
            "metadata": dict(sorted(self.metadata.items())),
            "balances": {asset: self.balance(asset) for asset in sorted(self.volumes)},
            "volumes": {
                asset: {"input": v[0], "output": v[1], "balance": v[0] - v[1]}
                for asset, v in sorted(self.volumes.items())
            },
        }


@attrs.frozen
class Posting:
    """``amount`` of ``asset`` from ``source`` to ``destination``."""

    source: str
    destination: str
    amount: int
    asset: str

    def to_json(self, number: Callable[[int], Any] = int) -> dict[str, Any]:
        """The posting in Go field order (amount, asset, destination, source)."""
        return {
            "amount": number(self.amount),
            "asset": self.asset,
            "destination": self.destination,
            "source": self.source,
        }


@attrs.frozen
class Transaction:
    """A committed transaction of one ledger."""

    id: int
    ledger: str
    postings: tuple[Posting, ...]
    metadata: dict[str, str]
    timestamp_ns: int
    reference: str | None = None

    def to_json(self) -> dict[str, Any]:
        """As ledger v2 answers, with ``id`` copied to ``txid`` (REAL-SERVER §6)."""
        body: dict[str, Any] = {
            "id": self.id,
            "txid": self.id,
            "metadata": dict(sorted(self.metadata.items())),
            "postings": [posting.to_json() for posting in self.postings],
        }
        if self.reference:
            body["reference"] = self.reference
        body["reverted"] = False
        body["timestamp"] = utc_micro_time(self.timestamp_ns)
        return body


@attrs.define
class Ledger:
    """One ledger: its accounts and transactions."""

    name: str
    accounts: dict[str, Account] = attrs.field(factory=dict)
    transactions: list[Transaction] = attrs.field(factory=list)
    references: set[str] = attrs.field(factory=set)

    def open(self, address: str) -> Account:
        """The account at ``address``, created if new: only for a write being accepted."""
        found = self.accounts.get(address)
        if found is None:
            found = self.accounts[address] = Account(address)
        return found


@attrs.define
class Wallet:
    """A wallet: named balances kept as accounts of ``ledger``."""

    id: str
    name: str
    ledger: str
    metadata: dict[str, str]
    created_ns: int
    balances: list[str] = attrs.field(factory=lambda: ["main"])

    def address(self, balance: str = "main") -> str:
        """The ledger account that holds ``balance``."""
        return f"wallets:{self.id.replace('-', '')}:{balance}"

    def to_json(self) -> dict[str, Any]:
        """The wallet as the wallets service lists it."""
        return {
            "id": self.id,
            "name": self.name,
            "metadata": dict(sorted(self.metadata.items())),
            "ledger": self.ledger,
            "createdAt": utc_micro_time(self.created_ns),
        }


@attrs.define
class Payment:
    """A payment as the payments service holds it."""

    id: str
    amount: int
    asset: str
    connector_id: str
    provider: str
    reference: str
    status: str
    type: str
    scheme: str
    created_ns: int
    metadata: dict[str, str] = attrs.field(factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The payment as GetPayment answers it."""
        return {
            "id": self.id,
            "reference": self.reference,
            "sourceAccountID": "",  # seeded payments come from no account
            "destinationAccountID": "",
            "connectorID": self.connector_id,
            "provider": self.provider,
            "type": self.type,
            "status": self.status,
            "initialAmount": self.amount,
            "scheme": self.scheme,
            "asset": self.asset,
            "createdAt": utc_micro_time(self.created_ns),
            "raw": None,
            "adjustments": [],
            "metadata": dict(sorted(self.metadata.items())),
        }


@attrs.frozen
class Transfer:
    """A payout the emulator would have asked Stripe for."""

    connector_id: str | None
    amount: int
    asset: str
    destination: str
    metadata: dict[str, str]


def _check_address(address: str) -> None:
    if not _ADDRESS.match(address):
        raise LedgerError("VALIDATION", f"invalid account address: {address!r}")


def _check_posting(number: int, posting: Posting) -> None:
    _check_address(posting.source)
    _check_address(posting.destination)
    if not _ASSET.match(posting.asset):
        raise LedgerError("VALIDATION", f"posting {number}: invalid asset {posting.asset!r}")
    if posting.amount < 0:
        raise LedgerError("VALIDATION", f"posting {number}: negative amount")


class Bank:
    """Every ledger, wallet and payment the emulator holds."""

    def __init__(self, now_ns: Callable[[], int]) -> None:
        self._now_ns = now_ns
        self.ledgers: dict[str, Ledger] = {}
        self.wallets: dict[str, Wallet] = {}
        self.payments: dict[str, Payment] = {}
        self.transfers: list[Transfer] = []

    # --- ledger -----------------------------------------------------------------------

    def ledger(self, name: str) -> Ledger:
        """The ledger ``name``, created if new: only for a write being accepted."""
        found = self.ledgers.get(name)
        if found is None:
            found = self.ledgers[name] = Ledger(name)
        return found

    def transactions(self) -> list[Transaction]:
        """Every transaction of every ledger, oldest first within each ledger."""
        return [tx for ledger in self.ledgers.values() for tx in ledger.transactions]

    def post(
        self,
        ledger_name: str,
        postings: Iterable[Posting],
        *,
        metadata: dict[str, str] | None = None,
        reference: str | None = None,
    ) -> Transaction:
        """Commit a transaction; raises ``LedgerError`` and then changes nothing."""
        postings = tuple(postings)
        for number, posting in enumerate(postings):
            _check_posting(number, posting)
        held = self.ledgers.get(ledger_name)
        if reference and held is not None and reference in held.references:
            raise LedgerError(
                "CONFLICT", f"transaction with reference {reference!r} already exists"
            )
        moved: dict[tuple[str, str], int] = {}
        for posting in postings:
            key = (posting.source, posting.asset)
            moved[key] = moved.get(key, 0) + posting.amount
            back = (posting.destination, posting.asset)
            moved[back] = moved.get(back, 0) - posting.amount
        short = sorted(
            address
            for (address, asset), out in moved.items()
            if address != WORLD and out > 0 and self.balance(ledger_name, address, asset) < out
        )
        if short:
            accounts = ", ".join(f"@{address}" for address in short)
            raise LedgerError(
                "INSUFFICIENT_FUND",
                "running numscript: script execution failed: "
                f"account(s) {accounts} had/have insufficient funds",
            )
        ledger = self.ledger(ledger_name)
        for posting in postings:
            source = ledger.open(posting.source).volumes.setdefault(posting.asset, [0, 0])
            source[1] += posting.amount
            target = ledger.open(posting.destination).volumes.setdefault(posting.asset, [0, 0])
            target[0] += posting.amount
        transaction = Transaction(
            id=len(ledger.transactions),
            ledger=ledger_name,
            postings=postings,
            metadata=dict(metadata or {}),
            timestamp_ns=self._now_ns(),
            reference=reference,
        )
        ledger.transactions.append(transaction)
        if reference:
            ledger.references.add(reference)
        return transaction

    def open_account(self, ledger_name: str, address: str) -> Account:
        """The account at ``address``, created if new (a write); raises ``LedgerError``."""
        _check_address(address)
        return self.ledger(ledger_name).open(address)

    def add_metadata(self, ledger_name: str, address: str, metadata: dict[str, str]) -> None:
        """Set metadata on an account (created if new)."""
        self.open_account(ledger_name, address).metadata.update(metadata)

    def account(self, ledger_name: str, address: str) -> Account:
        """The account as a read sees it (empty if never used); a read creates nothing."""
        ledger = self.ledgers.get(ledger_name)
        found = ledger.accounts.get(address) if ledger else None
        return Account(address) if found is None else found

    def balance(self, ledger_name: str, address: str, asset: str) -> int:
        """An account's balance of ``asset`` (0 for an account never used)."""
        return self.account(ledger_name, address).balance(asset)

    # --- wallets ----------------------------------------------------------------------

    def create_wallet(
        self,
        name: str,
        *,
        ledger: str,
        metadata: dict[str, str] | None = None,
        wallet_id: str | None = None,
    ) -> Wallet:
        """A new wallet (with its ``main`` balance)."""
        wallet = Wallet(
            id=wallet_id or str(uuid.uuid4()),
            name=name,
            ledger=ledger,
            metadata=dict(metadata or {}),
            created_ns=self._now_ns(),
        )
        self.wallets[wallet.id] = wallet
        return wallet

    def wallet(self, wallet_id: str) -> Wallet:
        """The wallet ``wallet_id``; raises ``LedgerError`` NOT_FOUND."""
        found = self.wallets.get(wallet_id)
        if found is None:
            raise LedgerError("NOT_FOUND", "wallet not found")
        return found

    def wallets_named(self, name: str) -> list[Wallet]:
        """The wallets called ``name``."""
        return [wallet for wallet in self.wallets.values() if wallet.name == name]

    def wallet_balances(self, wallet: Wallet) -> dict[str, dict[str, int]]:
        """Per balance, per asset: what the wallet holds."""
        held: dict[str, dict[str, int]] = {}
        for balance in wallet.balances:
            account = self.account(wallet.ledger, wallet.address(balance))
            held[balance] = {asset: account.balance(asset) for asset in sorted(account.volumes)}
        return held

    def wallet_json(self, wallet: Wallet) -> dict[str, Any]:
        """The wallet with its main balance, as GetWallet answers it."""
        body = wallet.to_json()
        body["balances"] = {"main": {"assets": self.wallet_balances(wallet).get("main", {})}}
        return body

    def _subject_address(self, subject: dict[str, Any]) -> str:
        if subject.get("type") == "WALLET":
            wallet = self.wallet(str(subject.get("identifier", "")))
            return wallet.address(str(subject.get("balance") or "main"))
        return str(subject.get("identifier", ""))

    def credit_wallet(
        self,
        wallet_id: str,
        *,
        amount: int,
        asset: str,
        balance: str,
        sources: list[dict[str, Any]],
        metadata: dict[str, str],
    ) -> Transaction:
        """Credit ``balance`` of a wallet from ``sources`` (world when there are none)."""
        wallet = self.wallet(wallet_id)
        if amount < 0:
            raise LedgerError("VALIDATION", "amount must be positive")
        target = wallet.address(balance)
        addresses = [self._subject_address(source) for source in sources] or [WORLD]
        postings: list[Posting] = []
        remaining = amount
        for index, address in enumerate(addresses):
            # Earlier sources give what they hold; the last (or world) owes the rest.
            if address == WORLD or index == len(addresses) - 1:
                take = remaining
            else:
                take = min(remaining, max(self.balance(wallet.ledger, address, asset), 0))
            if take:
                postings.append(Posting(address, target, take, asset))
                remaining -= take
            if not remaining:
                break
        if not postings:
            postings.append(Posting(addresses[0], target, 0, asset))
        transaction = self.post(wallet.ledger, postings, metadata=metadata)
        if balance not in wallet.balances:
            wallet.balances.append(balance)
        return transaction

    def debit_wallet(
        self,
        wallet_id: str,
        *,
        amount: int,
        asset: str,
        balances: list[str],
        destination: dict[str, Any] | None,
        metadata: dict[str, str] | None,
    ) -> Transaction:
        """Debit a wallet's ``balances`` (in order) towards ``destination`` (world when None)."""
        wallet = self.wallet(wallet_id)
        if amount < 0:
            raise LedgerError("VALIDATION", "amount must be positive")
        target = self._subject_address(destination) if destination else WORLD
        names = balances or ["main"]
        postings: list[Posting] = []
        remaining = amount
        for name in names:
            address = wallet.address(name)
            take = min(remaining, max(self.balance(wallet.ledger, address, asset), 0))
            if take:
                postings.append(Posting(address, target, take, asset))
                remaining -= take
        if remaining:
            raise LedgerError("INSUFFICIENT_FUND", "balance.insufficient_funds")
        if not postings:
            postings.append(Posting(wallet.address(names[0]), target, 0, asset))
        return self.post(wallet.ledger, postings, metadata=metadata or {})

    # --- payments ---------------------------------------------------------------------

    def payment(self, payment_id: str) -> Payment:
        """The payment ``payment_id``; raises ``LedgerError`` NOT_FOUND."""
        found = self.payments.get(payment_id)
        if found is None:
            raise LedgerError("NOT_FOUND", "payment not found")
        return found
