"""The in-memory ledger: reads and refused writes leave it as it was."""

from __future__ import annotations

import pytest

from formance_orch.emulator.ledger import Bank, LedgerError, Posting


def test_reads_and_refused_writes_create_nothing() -> None:
    bank = Bank(lambda: 0)

    assert bank.account("L", "users:a").to_json()["volumes"] == {}
    assert bank.balance("L", "users:a", "USD") == 0
    with pytest.raises(LedgerError, match="insufficient funds"):
        bank.post("L", [Posting("users:a", "users:b", 1, "USD")])
    with pytest.raises(LedgerError, match="invalid asset"):
        bank.post("L", [Posting("world", "users:b", 1, "usd")])
    assert bank.ledgers == {}

    bank.post("L", [Posting("world", "users:b", 1, "USD")], reference="r")
    with pytest.raises(LedgerError, match="already exists"):
        bank.post("L", [Posting("world", "users:c", 1, "USD")], reference="r")
    assert list(bank.ledgers["L"].accounts) == ["world", "users:b"]
    assert bank.balance("L", "users:b", "USD") == 1


def test_a_refused_wallet_credit_adds_no_balance() -> None:
    bank = Bank(lambda: 0)
    wallet = bank.create_wallet("w", ledger="L")

    for amount, asset in ((-1, "USD"), (1, "bad asset")):
        with pytest.raises(LedgerError):
            bank.credit_wallet(
                wallet.id, amount=amount, asset=asset, balance="extra", sources=[], metadata={}
            )

    assert wallet.balances == ["main"]
    assert bank.ledgers == {}
