"""Response bodies shaped like the real server's, for every operation.

Everything here also fits the OpenAPI contract (the server's extra fields are
allowed by it). Deviations from the contract that the real server makes
(``null`` lists, amounts written as floats) are built in the tests that need
them, never here.
"""

from __future__ import annotations

from typing import Any

from tests.support import NANOS, instance_json, workflow_json

LATER = "2024-09-23T10:05:00.000000001+02:00"


def trigger_json(trigger_id: str = "trg-1", **overrides: Any) -> dict[str, Any]:
    """A trigger as the real server sends it: with the workflow it runs."""
    body: dict[str, Any] = {
        "id": trigger_id,
        "event": "SAVED_PAYMENT",
        "workflowID": "wf-1",
        "filter": 'event.status == "SUCCEEDED"',
        "vars": {"amount": "event.amount", "asset": "event.asset"},
        "name": "pay-outs",
        "createdAt": NANOS,
        "workflow": workflow_json(),
    }
    body.update(overrides)
    return body


def occurrence_json(**overrides: Any) -> dict[str, Any]:
    """A trigger occurrence, with its ``id`` (not in the contract)."""
    body: dict[str, Any] = {
        "id": "occ-1",
        "triggerID": "trg-1",
        "date": NANOS,
        "event": {"type": "SAVED_PAYMENT", "payload": {"amount": 100, "asset": "USD/2"}},
        "workflowInstanceID": "inst-1",
        "workflowInstance": instance_json("inst-1"),
    }
    body.update(overrides)
    return body


def page(items: list[dict[str, Any]], **overrides: Any) -> dict[str, Any]:
    """A cursor page envelope."""
    cursor: dict[str, Any] = {
        "pageSize": 15,
        "hasMore": True,
        "next": "eyJvZmZzZXQiOjE1fQ==",
        "previous": "eyJvZmZzZXQiOjB9",
        "data": items,
    }
    cursor.update(overrides)
    return {"cursor": cursor}


def instance_history_json() -> list[dict[str, Any]]:
    """One history entry per kind of stage."""

    def entry(name: str, stage_input: dict[str, Any], **extra: Any) -> dict[str, Any]:
        return {
            "name": name,
            "input": stage_input,
            "terminated": True,
            "startedAt": NANOS,
            "terminatedAt": LATER,
            **extra,
        }

    return [
        entry(
            "send",
            {
                "amount": {"asset": "USD/2", "amount": 36893488147419103000},
                "source": {"account": {"id": "world", "ledger": "default"}},
                "destination": {"wallet": {"id": "wallet-1", "balance": "main"}},
                "metadata": {"order": "42"},
            },
        ),
        entry("delay", {"duration": "1m30s"}),
        entry("wait_event", {"event": "confirmed"}),
        entry(
            "update",
            {"account": {"id": "users:1", "ledger": "default", "metadata": {"kyc": "ok"}}},
            error="account not found",
        ),
    ]


def stage_history_json() -> list[dict[str, Any]]:
    """One stage-history entry per activity, with outputs where the activity has one."""
    monetary = {"asset": "USD/2", "amount": 12345678901234567890123}
    wallet = {
        "id": "2b7a4b1e-9a1f-4a8b-9a55-3fe1b0f2b6a1",
        "name": "main-wallet",
        "ledger": "wallets-002",
        "createdAt": NANOS,
        "metadata": {"owner": "alice"},
    }
    transaction = {
        "txid": 18446744073709551616,
        "timestamp": NANOS,
        "postings": [
            {"amount": 100, "asset": "USD/2", "source": "world", "destination": "users:1"}
        ],
        "metadata": {"ref": "x"},
        "reference": "ref:001",
    }
    payment = {
        "id": "pay-1",
        "reference": "py_1",
        "connectorID": "stripe-1",
        "sourceAccountID": "acc-src",
        "destinationAccountID": "acc-dst",
        "type": "PAY-IN",
        "status": "SUCCEEDED",
        "initialAmount": 100,
        "scheme": "sepa debit",
        "asset": "EUR/2",
        "createdAt": NANOS,
        "raw": {"anything": [1, 2]},
        "adjustments": [
            {"status": "PENDING", "amount": 100, "date": NANOS, "raw": {}, "absolute": True}
        ],
        "metadata": {"key": "value"},
        "provider": "STRIPE",
    }

    def entry(name: str, stage_input: Any, output: Any = None) -> dict[str, Any]:
        body: dict[str, Any] = {
            "name": name,
            "input": {name: stage_input},
            "terminated": True,
            "startedAt": NANOS,
            "terminatedAt": LATER,
            "attempt": 1,
        }
        if output is not None:
            body["output"] = {name: output}
        return body

    return [
        entry(
            "GetAccount",
            {"id": "users:1", "ledger": "default"},
            {
                "data": {
                    "address": "users:1",
                    "metadata": {"kyc": "ok"},
                    "volumes": {"USD/2": {"input": 100, "output": 20, "balance": 80}},
                    "effectiveVolumes": {"USD/2": {"input": 100, "output": 20}},
                }
            },
        ),
        entry("AddAccountMetadata", {"id": "users:1", "ledger": "default", "metadata": {"a": "b"}}),
        entry(
            "CreateTransaction",
            {
                "ledger": "default",
                "data": {
                    "postings": transaction["postings"],
                    "script": {"plain": "send [USD/2 100] (...)", "vars": {"user": "users:1"}},
                    "metadata": {},
                    "reference": "ref:001",
                    "timestamp": NANOS,
                },
            },
            {"data": [transaction]},
        ),
        entry(
            "StripeTransfer",
            {
                "connectorID": "stripe-1",
                "amount": 100,
                "asset": "USD",
                "destination": "acct_1",
                "waitingValidation": False,
                "metadata": {"order_id": "6735"},
            },
        ),
        entry("GetPayment", {"id": "pay-1"}, {"data": payment}),
        entry("ConfirmHold", {"id": "hold-1"}),
        entry(
            "CreditWallet",
            {
                "id": wallet["id"],
                "data": {
                    "amount": monetary,
                    "metadata": {},
                    "sources": [
                        {"type": "ACCOUNT", "identifier": "world"},
                        {"type": "WALLET", "identifier": "w-2", "balance": "main"},
                    ],
                    "reference": "credit-1",
                    "balance": "main",
                },
            },
        ),
        entry(
            "DebitWallet",
            {
                "id": wallet["id"],
                "data": {
                    "amount": monetary,
                    "metadata": {},
                    "pending": True,
                    "description": "hold it",
                    "destination": {"type": "ACCOUNT", "identifier": "merchant:1"},
                    "balances": ["*"],
                },
            },
            {
                "data": {
                    "id": "hold-1",
                    "walletID": wallet["id"],
                    "metadata": {},
                    "description": "hold it",
                    "destination": {"type": "ACCOUNT", "identifier": "merchant:1"},
                }
            },
        ),
        entry(
            "GetWallet",
            {"id": wallet["id"]},
            {"data": {**wallet, "balances": {"main": {"assets": {"USD/2": 2**70}}}}},
        ),
        entry("VoidHold", {"id": "hold-1"}),
        entry(
            "ListWallets",
            {"name": "main-wallet"},
            {"cursor": {"pageSize": 15, "hasMore": False, "data": [wallet]}},
        ),
    ]


def trigger_test_json() -> dict[str, Any]:
    """What testing a trigger against an event gives."""
    return {
        "filter": {"match": True},
        "variables": {"amount": {"value": "100"}, "missing": {"error": "undefined: event.x"}},
    }


__all__ = [
    "LATER",
    "instance_history_json",
    "instance_json",
    "occurrence_json",
    "page",
    "stage_history_json",
    "trigger_json",
    "trigger_test_json",
    "workflow_json",
]
