"""Every source/destination pair of a send stage, and its activities (REAL-SERVER §5)."""

from __future__ import annotations

from typing import Any

import pytest

from formance_orch import SDKCore
from formance_orch.emulator import Emulator
from formance_orch.funcs.orchestration_v2_create_workflow import orchestration_v2_create_workflow
from formance_orch.funcs.orchestration_v2_get_instance import orchestration_v2_get_instance
from formance_orch.funcs.orchestration_v2_get_instance_stage_history import (
    orchestration_v2_get_instance_stage_history,
)
from formance_orch.funcs.orchestration_v2_run_workflow import orchestration_v2_run_workflow


def setup(emu: Emulator) -> dict[str, str]:
    emu.seed_account("users:a", asset="EUR", amount=500, metadata={"formanceAccountID": "acct_1"})
    emu.seed_account("users:c", asset="EUR", amount=500, ledger="other")
    rich = emu.seed_wallet("rich", balances={"EUR": 500}, metadata={"formanceAccountID": "acct_2"})
    poor = emu.seed_wallet("poor")
    far = emu.seed_wallet("far", ledger="other")
    emu.seed_payment(id="pay-1", amount=300, asset="EUR")
    return {"rich": rich["id"], "poor": poor["id"], "far": far["id"]}


PAIRS: list[tuple[str, Any, Any, list[str]]] = [
    (
        "same ledger",
        {"account": {"id": "users:a"}},
        {"account": {"id": "users:b"}},
        ["CreateTransaction"],
    ),
    (
        "cross ledger",
        {"account": {"id": "users:a"}},
        {"account": {"id": "users:b", "ledger": "x"}},
        ["CreateTransaction", "CreateTransaction"],
    ),
    (
        "account to wallet by name",
        {"account": {"id": "users:a"}},
        {"wallet": {"name": "poor"}},
        ["ListWallets", "CreditWallet"],
    ),
    (
        "account to far wallet",
        {"account": {"id": "users:a"}},
        {"wallet": {"id": "{far}"}},
        ["GetWallet", "CreateTransaction", "CreditWallet"],
    ),
    (
        "wallet to account",
        {"wallet": {"id": "{rich}"}},
        {"account": {"id": "users:b"}},
        ["GetWallet", "DebitWallet"],
    ),
    (
        "wallet to far account",
        {"wallet": {"id": "{rich}"}},
        {"account": {"id": "users:b", "ledger": "other"}},
        ["GetWallet", "DebitWallet", "CreateTransaction"],
    ),
    (
        "wallet to wallet",
        {"wallet": {"id": "{rich}"}},
        {"wallet": {"id": "{poor}"}},
        ["GetWallet", "GetWallet", "CreditWallet"],
    ),
    (
        "wallet to far wallet",
        {"wallet": {"id": "{rich}"}},
        {"wallet": {"id": "{far}"}},
        ["GetWallet", "GetWallet", "DebitWallet", "CreditWallet"],
    ),
    (
        "payment to account",
        {"payment": {"id": "pay-1"}},
        {"account": {"id": "users:b"}},
        ["GetPayment", "CreateTransaction", "CreateTransaction", "CreateTransaction"],
    ),
    (
        "account to stripe",
        {"account": {"id": "users:a"}},
        {"payment": {"psp": "stripe"}},
        ["GetAccount", "StripeTransfer", "CreateTransaction"],
    ),
    (
        "wallet to stripe",
        {"wallet": {"id": "{rich}"}},
        {"payment": {"psp": "stripe"}},
        ["GetWallet", "StripeTransfer", "DebitWallet"],
    ),
]


def fill(value: Any, ids: dict[str, str]) -> Any:
    if isinstance(value, dict):
        return {key: fill(item, ids) for key, item in value.items()}
    return value.format(**ids) if isinstance(value, str) else value


@pytest.mark.parametrize(
    ("source", "destination", "activities"), [p[1:] for p in PAIRS], ids=[p[0] for p in PAIRS]
)
async def test_send_pairs(
    emu: Emulator, core: SDKCore, source: Any, destination: Any, activities: list[str]
) -> None:
    ids = setup(emu)
    amount = {"amount": 100, "asset": "EUR"}
    stage = {
        "send": {
            "source": fill(source, ids),
            "destination": fill(destination, ids),
            "amount": amount,
        }
    }
    flow = (await orchestration_v2_create_workflow(core, stages=[stage])).unwrap().id
    instance = (await orchestration_v2_run_workflow(core, flow)).unwrap()
    await emu.settle()

    done = (await orchestration_v2_get_instance(core, instance.id)).unwrap()
    history = (await orchestration_v2_get_instance_stage_history(core, instance.id, 0)).unwrap()

    assert done.error is None
    assert done.terminated
    assert [activity.name for activity in history] == activities


async def test_payment_to_payment_is_refused(emu: Emulator, core: SDKCore) -> None:
    stage = {"send": {"source": {"payment": {"id": "p"}}, "destination": {"payment": {"psp": "x"}}}}
    flow = (await orchestration_v2_create_workflow(core, stages=[stage])).unwrap().id
    instance = (await orchestration_v2_run_workflow(core, flow)).unwrap()
    await emu.settle()

    done = (await orchestration_v2_get_instance(core, instance.id)).unwrap()

    assert done.error == "send from payment to payment is not supported"
