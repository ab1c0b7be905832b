"""``Emulator``: a local Orchestration v2 server, started from Python.

async with Emulator(behaviour="server", clock=ManualClock()) as emu:
    async with emu.core() as core:
        ...  # any formance_orch operation
    await emu.clock.advance(60)
    emu.publish("SAVED_PAYMENT", {"id": "p-1"})
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import uuid
from collections.abc import Iterable, Mapping
from datetime import tzinfo
from types import TracebackType
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from aiohttp import web

from formance_orch.emulator.auth import Auth, parse_clients
from formance_orch.emulator.clock import EmulatorClock, SystemClock
from formance_orch.emulator.faults import Fault, FaultPlan
from formance_orch.emulator.ledger import Bank, Payment, Posting, Transaction, Wallet
from formance_orch.emulator.policy import policy_for
from formance_orch.emulator.routes import TOKEN_PATH, build_app
from formance_orch.emulator.runner import Runner
from formance_orch.emulator.sending import Activities
from formance_orch.emulator.service import Service
from formance_orch.emulator.store import Instance, Occurrence, Store, Times, Trigger, Workflow
from formance_orch.emulator.triggers import LinkError, Triggers
from formance_orch.emulator.wire import dumps, utc_micro_time

if TYPE_CHECKING:
    from formance_orch.core import SDKCore

__all__ = ["Emulator"]


class Emulator:
    """A local Orchestration v2 server with an in-memory ledger, wallets and payments.

    ``behaviour`` is ``"server"`` (as the real service, defects included) or
    ``"contract"`` (as the OpenAPI contract promises). ``clients`` (a mapping
    ``{id: secret}`` or ``"ID:SECRET"`` strings) turns the bearer check on.
    ``clock`` is a ``SystemClock`` (default) or a ``ManualClock``. ``faults``
    and ``seed`` set up fault injection. ``zone`` is the time zone of
    create/run answers (default: the machine's local zone).
    """

    def __init__(
        self,
        *,
        behaviour: str = "server",
        clients: Mapping[str, str] | Iterable[str] | None = None,
        clock: EmulatorClock | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        token_ttl: int = 3600,
        check_scopes: bool = False,
        faults: Iterable[Fault] = (),
        seed: int = 0,
        version: str = "develop",
        zone: tzinfo | None = None,
        wallets_ledger: str = "default",
    ) -> None:
        self.policy = policy_for(behaviour)
        self.clock: EmulatorClock = clock if clock is not None else SystemClock()
        self.host = host
        self.port = port
        self.version = version
        self.wallets_ledger = wallets_ledger
        self.faults = FaultPlan(faults, seed=seed)
        self.auth = Auth(
            parse_clients(clients),
            token_ttl=token_ttl,
            now_ns=self.clock.now_ns,
            check_scopes=check_scopes,
        )
        self.store = Store()
        self.bank = Bank(self.clock.now_ns)
        self.times = Times(zone)
        self.runner = Runner(
            self.store,
            Activities(self.bank, self.policy.number),
            self.clock,
            self.policy,
            self._emit,
        )
        self.triggers = Triggers(
            self.store, self.runner, self.policy, self.clock.now_ns, self._follow_link
        )
        self.service = Service(self.store, self.runner, self.triggers, self.policy, self.times)
        self._runner: web.AppRunner | None = None
        self._cores: list[SDKCore] = []
        self.url = ""

    def _emit(self, event_type: str, payload: dict[str, Any]) -> None:
        self.store.emitted.append(
            {
                "date": utc_micro_time(self.clock.now_ns()),
                "app": "orchestration",
                "version": "v2",
                "type": event_type,
                "payload": payload,
            }
        )

    # --- life -------------------------------------------------------------------------

    async def start(self) -> Emulator:
        """Listen on ``host:port`` (port 0: a free one); ``url`` is then set."""
        if self._runner is not None:
            return self
        runner = web.AppRunner(build_app(self), access_log=None, handle_signals=False)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.port)
        await site.start()
        self._runner = runner
        server = site._server
        sockets: Any = getattr(server, "sockets", None) or ()
        host, port = sockets[0].getsockname()[:2]
        shown = f"[{host}]" if ":" in host else host
        self.url = f"http://{shown}:{port}"
        return self

    async def close(self) -> None:
        """Stop serving, close the cores made by ``core()``, cancel running instances."""
        for core in self._cores:
            await core.aclose()
        self._cores.clear()
        for instance in self.store.instances.values():
            if instance.task is not None and not instance.task.done():
                instance.task.cancel()
        tasks = [i.task for i in self.store.instances.values() if i.task is not None]
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Emulator:
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    @property
    def token_url(self) -> str:
        """The OAuth2 token endpoint."""
        return self.url + TOKEN_PATH

    def core(self, **settings: Any) -> SDKCore:
        """An ``SDKCore`` wired to this emulator (closed with it).

        With clients configured, it authenticates as the first one unless
        ``security`` is given. Other settings go to ``SDKCore``.
        """
        from formance_orch.core import SDKCore
        from formance_orch.security import Security

        if self.auth.enabled and "security" not in settings:
            client_id, secret = next(iter(self.auth.clients.items()))
            settings["security"] = Security(client_id=client_id, client_secret=secret)
        settings.setdefault("server_url", self.url)
        core = SDKCore(**settings)
        self._cores.append(core)
        return core

    # --- events -------------------------------------------------------------------------

    def publish(
        self, event_type: str, payload: Mapping[str, Any] | None = None
    ) -> list[Occurrence]:
        """Publish an event: every live trigger on ``event_type`` whose filter is true runs."""
        return self.triggers.publish(event_type, dict(payload or {}))

    # --- seeding ------------------------------------------------------------------------

    def seed_account(
        self,
        address: str,
        *,
        asset: str | None = None,
        amount: int = 0,
        ledger: str = "default",
        metadata: Mapping[str, str] | None = None,
    ) -> dict[str, Any]:
        """Give ``address`` ``amount`` of ``asset`` (from ``world``) and ``metadata``."""
        given = dict(metadata or {})
        if asset is not None and amount:  # before any change: a refused posting changes nothing
            self.bank.post(ledger, [Posting("world", address, int(amount), asset)])
        account = self.bank.open_account(ledger, address)
        account.metadata.update(given)
        return account.to_json()

    def seed_wallet(
        self,
        name: str,
        *,
        balances: Mapping[str, int] | None = None,
        ledger: str | None = None,
        metadata: Mapping[str, str] | None = None,
        id: str | None = None,
    ) -> dict[str, Any]:
        """Create a wallet (in ``wallets_ledger`` unless told) holding ``balances`` on main."""
        wallet = self.bank.create_wallet(
            name, ledger=ledger or self.wallets_ledger, metadata=dict(metadata or {}), wallet_id=id
        )
        for asset, amount in (balances or {}).items():
            self.bank.credit_wallet(
                wallet.id,
                amount=int(amount),
                asset=asset,
                balance="main",
                sources=[],
                metadata={},
            )
        return self.bank.wallet_json(wallet)

    def seed_payment(
        self,
        *,
        amount: int,
        asset: str,
        id: str | None = None,
        connector_id: str = "stripe-connector",
        provider: str = "STRIPE",
        status: str = "SUCCEEDED",
        type: str = "PAY-IN",
        scheme: str = "visa",
        reference: str | None = None,
        metadata: Mapping[str, str] | None = None,
    ) -> dict[str, Any]:
        """Record a payment that ``send`` stages can take funds from."""
        payment_id = id or str(uuid.uuid4())
        payment = Payment(
            id=payment_id,
            amount=int(amount),
            asset=asset,
            connector_id=connector_id,
            provider=provider,
            reference=reference or payment_id,
            status=status,
            type=type,
            scheme=scheme,
            created_ns=self.clock.now_ns(),
            metadata=dict(metadata or {}),
        )
        self.bank.payments[payment_id] = payment
        return payment.to_json()

    # --- what it holds ------------------------------------------------------------------

    @property
    def workflows(self) -> list[Workflow]:
        """Every workflow, deleted ones included."""
        return list(self.store.workflows.values())

    @property
    def instances(self) -> list[Instance]:
        """Every instance, in creation order."""
        return list(self.store.instances.values())

    @property
    def triggers_held(self) -> list[Trigger]:
        """Every trigger, deleted ones included."""
        return list(self.store.triggers.values())

    @property
    def occurrences(self) -> list[Occurrence]:
        """Every trigger occurrence."""
        return list(self.store.occurrences)

    @property
    def events(self) -> list[dict[str, Any]]:
        """Every event published to the emulator (envelopes)."""
        return list(self.store.events)

    @property
    def emitted(self) -> list[dict[str, Any]]:
        """The events the service published itself (STARTED_WORKFLOW, ...)."""
        return list(self.store.emitted)

    @property
    def transactions(self) -> list[Transaction]:
        """Every ledger transaction."""
        return self.bank.transactions()

    @property
    def wallets(self) -> list[Wallet]:
        """Every wallet."""
        return list(self.bank.wallets.values())

    def balance(self, address: str, asset: str, *, ledger: str = "default") -> int:
        """An account's balance."""
        return self.bank.balance(ledger, address, asset)

    def wallet_balance(self, wallet_id: str, asset: str, *, balance: str = "main") -> int:
        """What a wallet's ``balance`` holds of ``asset``."""
        wallet = self.bank.wallet(wallet_id)
        return self.bank.balance(wallet.ledger, wallet.address(balance), asset)

    async def settle(self) -> None:
        """Wait until every running instance is parked (on a timer or an event) or ended."""
        await self.clock.tracker.idle()

    # --- links --------------------------------------------------------------------------

    def lookup(self, path: str) -> Any:
        """The ``data`` a GET of ``path`` on this emulator answers, or None."""
        parts = [part for part in path.split("/") if part]
        if parts[:2] == ["_emulator", "wallets"] and len(parts) == 3:
            wallet = self.bank.wallets.get(parts[2])
            return None if wallet is None else self.bank.wallet_json(wallet)
        if parts[:2] == ["_emulator", "payments"] and len(parts) == 3:
            payment = self.bank.payments.get(parts[2])
            return None if payment is None else payment.to_json()
        if parts[:2] == ["_emulator", "accounts"] and len(parts) == 4:
            ledger = self.bank.ledgers.get(parts[2])
            account = ledger.accounts.get(parts[3]) if ledger else None
            return None if account is None else account.to_json()
        if parts[:3] == ["api", "orchestration", "v2"] and len(parts) == 5:
            answer = {
                "workflows": self.service.get_workflow,
                "instances": self.service.get_instance,
                "triggers": self.service.read_trigger,
            }.get(parts[3], lambda _: None)(parts[4])
            if answer is not None and answer.status == 200:
                return json.loads(dumps(answer.body["data"]))
        return None

    def _follow_link(self, uri: str) -> Any:
        split = urlsplit(uri)
        own = urlsplit(self.url)
        if split.netloc and (split.scheme, split.netloc) != (own.scheme, own.netloc):
            raise LinkError(f"link to '{uri}' leaves the emulator")
        found = self.lookup(split.path)
        if found is None:
            raise RuntimeError(f"GET {uri}: 404 Not Found")
        return found
