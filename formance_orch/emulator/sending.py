"""The ``send`` stage: every source/destination pair of REAL-SERVER §5, as activity sequences.

Each step is an activity (``CreateTransaction``, ``GetWallet``, ``CreditWallet``,
...) called through ``call(name, input, action)``, which records it in the
stage history and retries it as Temporal would. Inputs have the real shapes
(§6 table): capitalised ``Ledger``/``Data``, amounts written through float64
in the ``server`` behaviour. Errors raised by the workflow code itself (not by
an activity) are ``SendError`` and fail the stage at once.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from formance_orch.emulator.ledger import INTERNAL_LEDGER, WORLD, Bank, Posting, Transfer, Wallet
from formance_orch.emulator.wire import go_map

__all__ = ["Activities", "ActivityFailed", "SendError", "run_send"]

MOVE_TO = "orchestration/move-to-ledger"
MOVE_FROM = "orchestration/move-from-ledger"

#: ``call(name, input, action)``: run one activity and return its output.
Call = Callable[[str, dict[str, Any], Callable[[], Any]], Awaitable[Any]]


class SendError(Exception):
    """A failure of the send workflow itself (not retried)."""


class ActivityFailed(Exception):
    """An activity ended in a failure that is not retried (any more)."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


class Activities:
    """The activities' effects on the bank, with their outputs in the real shapes."""

    def __init__(self, bank: Bank, number: Callable[[int], Any]) -> None:
        self.bank = bank
        self.number = number

    def monetary(self, amount: int, asset: str) -> dict[str, Any]:
        """``{"amount": N, "asset": ...}`` as an activity input writes it."""
        return {"amount": self.number(amount), "asset": asset}

    def create_transaction(
        self,
        call: Call,
        ledger: str,
        postings: list[Posting],
        metadata: dict[str, str],
        **extra: Any,
    ) -> Awaitable[Any]:
        """CreateTransaction: ``{"Ledger", "Data"}`` in, ``{"data": [tx]}`` out."""
        data: dict[str, Any] = {
            "metadata": metadata,
            "postings": [posting.to_json(self.number) for posting in postings],
            **extra,
        }

        def action() -> Any:
            tx = self.bank.post(
                ledger, postings, metadata=metadata, reference=extra.get("reference")
            )
            return {"data": [tx.to_json()]}

        return call("CreateTransaction", go_map({"Data": data, "Ledger": ledger}), action)

    def add_metadata(self, call: Call, account: dict[str, Any], key: str) -> Awaitable[Any]:
        """AddAccountMetadata (the ``update`` stage): no output.

        The input is ``{"ledger", key, "metadata"}`` in the struct's order; ``key``
        is ``account`` as the real server names it, or the contract's ``id`` (§6).
        """
        ledger, address, metadata = account["ledger"], account["id"], account["metadata"]

        def action() -> None:
            self.bank.add_metadata(ledger, address, metadata)

        data = {"ledger": ledger, key: address, "metadata": metadata}
        return call("AddAccountMetadata", data, action)

    async def wallet(self, call: Call, ref: dict[str, Any]) -> Wallet:
        """GetWallet by id, or ListWallets by name (exactly one must match)."""
        if ref.get("id"):
            wallet_id = ref["id"]

            def get() -> Any:
                return {"data": self.bank.wallet_json(self.bank.wallet(wallet_id))}

            await call("GetWallet", {"id": wallet_id}, get)
            return self.bank.wallet(wallet_id)
        name = ref.get("name", "")

        def listing() -> Any:
            found = self.bank.wallets_named(name)
            data = [wallet.to_json() for wallet in found]
            return {"cursor": {"pageSize": 15, "hasMore": False, "data": data}}

        await call("ListWallets", {"name": name}, listing)
        found = self.bank.wallets_named(name)
        if not found:
            raise SendError("wallet not found")
        if len(found) > 1:
            raise SendError("found multiple wallets with the same name")
        return found[0]

    def credit_wallet(
        self,
        call: Call,
        wallet: Wallet,
        amount: int,
        asset: str,
        *,
        balance: str,
        sources: list[dict[str, Any]] | None,
        metadata: dict[str, str],
    ) -> Awaitable[Any]:
        """CreditWallet: no output."""
        data = {
            "amount": self.monetary(amount, asset),
            "balance": balance,
            "metadata": metadata,
            "sources": sources,
        }

        def action() -> None:
            self.bank.credit_wallet(
                wallet.id,
                amount=amount,
                asset=asset,
                balance=balance,
                sources=sources or [],
                metadata=metadata,
            )

        return call("CreditWallet", go_map({"data": data, "id": wallet.id}), action)

    def debit_wallet(
        self,
        call: Call,
        wallet: Wallet,
        amount: int,
        asset: str,
        *,
        balances: list[str],
        destination: dict[str, Any] | None,
        metadata: dict[str, str] | None,
    ) -> Awaitable[Any]:
        """DebitWallet (immediate): the emulator records no output for it (docs/emulator.md)."""
        data: dict[str, Any] = {"amount": self.monetary(amount, asset), "metadata": metadata}
        if balances:
            data["balances"] = balances
        if destination is not None:
            data["destination"] = destination

        def action() -> None:
            self.bank.debit_wallet(
                wallet.id,
                amount=amount,
                asset=asset,
                balances=balances,
                destination=destination,
                metadata=metadata,
            )

        return call("DebitWallet", go_map({"data": data, "id": wallet.id}), action)

    def stripe_transfer(
        self,
        call: Call,
        amount: int,
        asset: str,
        destination: str,
        payment: dict[str, Any],
        metadata: dict[str, str],
    ) -> Awaitable[Any]:
        """StripeTransfer: recorded in ``bank.transfers``; no output."""
        data: dict[str, Any] = {
            "amount": self.number(amount),
            "asset": asset,
            "destination": destination,
            "metadata": metadata,
            "waitingValidation": payment.get("waitingValidation", False),
        }
        if payment.get("connectorId"):
            data["connectorID"] = payment["connectorId"]

        def action() -> None:
            self.bank.transfers.append(
                Transfer(payment.get("connectorId") or None, amount, asset, destination, metadata)
            )

        return call("StripeTransfer", go_map(data), action)


def _subject_account(address: str) -> dict[str, Any]:
    return {"identifier": address, "type": "ACCOUNT"}


def _formance_account_id(metadata: dict[str, str], payment: dict[str, Any]) -> str:
    key = payment.get("metadata") or "formanceAccountID"
    if key not in metadata:
        raise SendError(f"expected '{key}' metadata containing formance account ID")
    if not metadata[key]:
        raise SendError("formance account ID empty")
    return metadata[key]


def _check_psp(payment: dict[str, Any]) -> None:
    if payment.get("psp") != "stripe":
        raise SendError("only stripe actually supported")


async def run_send(call: Call, resolved: dict[str, Any], acts: Activities) -> None:
    """Run a resolved, checked send stage (REAL-SERVER §5 send table)."""
    source = resolved["source"]
    destination = resolved["destination"]
    monetary = resolved.get("amount") or {}
    amount, asset = monetary.get("amount"), monetary.get("asset", "")
    raw_metadata = resolved.get("metadata")
    metadata = dict(raw_metadata or {})
    if source.get("payment"):
        if destination.get("payment"):
            raise SendError("send from payment to payment is not supported")
        payment_id = source["payment"]["id"]

        def get_payment() -> Any:
            return {"data": acts.bank.payment(payment_id).to_json()}

        await call("GetPayment", {"id": payment_id}, get_payment)
        payment = acts.bank.payment(payment_id)
        if amount is None:
            amount, asset = payment.amount, payment.asset
        account = "payment:" + payment_id.replace("-", "_")
        try:
            await acts.create_transaction(
                call,
                INTERNAL_LEDGER,
                [Posting(WORLD, account, payment.amount, payment.asset)],
                {},
                reference=f"payment:{payment_id}",
            )
        except ActivityFailed as error:
            if error.code != "CONFLICT":  # the payment was already moved in: ignored (§5)
                raise
        source = {"account": {"id": account, "ledger": INTERNAL_LEDGER}}
    elif amount is None:
        raise SendError("amount must be specified")
    await _route(call, acts, source, destination, amount, asset, metadata, raw_metadata)


async def _route(
    call: Call,
    acts: Activities,
    source: dict[str, Any],
    destination: dict[str, Any],
    amount: int,
    asset: str,
    metadata: dict[str, str],
    raw_metadata: dict[str, str] | None,
) -> None:
    if source.get("account"):
        src = source["account"]
        if destination.get("account"):
            await _account_to_account(
                call, acts, src, destination["account"], amount, asset, metadata
            )
        elif destination.get("wallet"):
            ref = destination["wallet"]
            wallet = await acts.wallet(call, ref)
            balance = ref.get("balance") or "main"
            if src["ledger"] == wallet.ledger:
                await acts.credit_wallet(
                    call,
                    wallet,
                    amount,
                    asset,
                    balance=balance,
                    sources=[_subject_account(src["id"])],
                    metadata=metadata,
                )
            else:
                await acts.create_transaction(
                    call,
                    src["ledger"],
                    [Posting(src["id"], WORLD, amount, asset)],
                    {**metadata, MOVE_TO: wallet.ledger},
                )
                await acts.credit_wallet(
                    call,
                    wallet,
                    amount,
                    asset,
                    balance=balance,
                    sources=[_subject_account(WORLD)],
                    metadata={**metadata, MOVE_FROM: src["ledger"]},
                )
        else:
            payment = destination["payment"]
            _check_psp(payment)

            def get_account() -> Any:
                return {"data": acts.bank.account(src["ledger"], src["id"]).to_json()}

            await call("GetAccount", {"id": src["id"], "ledger": src["ledger"]}, get_account)
            held = acts.bank.account(src["ledger"], src["id"]).metadata
            target = _formance_account_id(held, payment)
            await acts.stripe_transfer(call, amount, asset, target, payment, metadata)
            await acts.create_transaction(
                call, src["ledger"], [Posting(src["id"], WORLD, amount, asset)], metadata
            )
        return
    ref = source["wallet"]
    wallet = await acts.wallet(call, ref)
    balance = ref.get("balance") or "main"
    if destination.get("account"):
        dst = destination["account"]
        if wallet.ledger == dst["ledger"]:
            # The only path that passes the raw (possibly nil) metadata (§5 send).
            await acts.debit_wallet(
                call,
                wallet,
                amount,
                asset,
                balances=[balance],
                destination=_subject_account(dst["id"]),
                metadata=raw_metadata,
            )
        else:
            await acts.debit_wallet(
                call,
                wallet,
                amount,
                asset,
                balances=[balance],
                destination=None,
                metadata={**metadata, MOVE_TO: dst["ledger"]},
            )
            await acts.create_transaction(
                call,
                dst["ledger"],
                [Posting(WORLD, dst["id"], amount, asset)],
                {**metadata, MOVE_FROM: wallet.ledger},
            )
    elif destination.get("wallet"):
        target_ref = destination["wallet"]
        receiver = await acts.wallet(call, target_ref)
        target_balance = target_ref.get("balance") or "main"
        if wallet.ledger == receiver.ledger:
            # The source balance is ignored here: the real code names "main" (§5).
            source_subject = {"balance": "main", "identifier": wallet.id, "type": "WALLET"}
            await acts.credit_wallet(
                call,
                receiver,
                amount,
                asset,
                balance=target_balance,
                sources=[source_subject],
                metadata=metadata,
            )
        else:
            await acts.debit_wallet(
                call,
                wallet,
                amount,
                asset,
                balances=[balance],
                destination=None,
                metadata={**metadata, MOVE_TO: receiver.ledger},
            )
            await acts.credit_wallet(
                call,
                receiver,
                amount,
                asset,
                balance=target_balance,
                sources=None,
                metadata={**metadata, MOVE_FROM: wallet.ledger},
            )
    else:
        payment = destination["payment"]
        _check_psp(payment)
        target_id = _formance_account_id(wallet.metadata, payment)
        await acts.stripe_transfer(call, amount, asset, target_id, payment, metadata)
        await acts.debit_wallet(
            call, wallet, amount, asset, balances=[balance], destination=None, metadata=metadata
        )


async def _account_to_account(
    call: Call,
    acts: Activities,
    src: dict[str, Any],
    dst: dict[str, Any],
    amount: int,
    asset: str,
    metadata: dict[str, str],
) -> None:
    if src["ledger"] == dst["ledger"]:
        await acts.create_transaction(
            call, src["ledger"], [Posting(src["id"], dst["id"], amount, asset)], metadata
        )
        return
    await acts.create_transaction(
        call,
        src["ledger"],
        [Posting(src["id"], WORLD, amount, asset)],
        {**metadata, MOVE_TO: dst["ledger"]},
    )
    await acts.create_transaction(
        call,
        dst["ledger"],
        [Posting(WORLD, dst["id"], amount, asset)],
        {**metadata, MOVE_FROM: src["ledger"]},
    )
