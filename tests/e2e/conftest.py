"""End-to-end fixtures: the SDK against the emulator over real HTTP, in both behaviours.

Only the SDK's public API is used here (``formance_orch``, ``formance_orch.funcs``,
``formance_orch.stages``), so these tests hold whatever the request path
looks like inside.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from formance_orch import RetryConfig, SDKCore, Security
from formance_orch.emulator import Emulator, ManualClock

CLIENT_ID = "e2e-client"
CLIENT_SECRET = "e2e-client-secret-value"

#: Retries as the defaults, with waits short enough for a test.
FAST_RETRIES = RetryConfig(initial_backoff=0.001, max_backoff=0.005)


@pytest.fixture(params=["server", "contract"])
def behaviour(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
async def emu(
    behaviour: str, formance_emulator_factory: Callable[..., Awaitable[Emulator]]
) -> Emulator:
    """An emulator on a manual clock, with one OAuth2 client."""
    return await formance_emulator_factory(
        behaviour=behaviour, clock=ManualClock(), clients={CLIENT_ID: CLIENT_SECRET}
    )


@pytest.fixture
def core(emu: Emulator) -> SDKCore:
    """A core that authenticates with client credentials against the emulator."""
    return emu.core(
        security=Security(client_id=CLIENT_ID, client_secret=CLIENT_SECRET),
        retries=FAST_RETRIES,
    )


class EmulatorTime:
    """An SDK clock on the emulator's manual clock: sleeping advances the emulator.

    Retry waits and ``wait_for_instance`` polls then pass in the emulator's
    time, so delays end and failing activities are retried as they go by,
    without a real second passing.
    """

    def __init__(self, clock: ManualClock) -> None:
        self.clock = clock
        self.slept: list[float] = []

    def monotonic(self) -> float:
        return self.clock.now_ns() / 1e9

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        await self.clock.advance(seconds)


def steady(value: float) -> float:
    """No jitter: waits exactly as scheduled."""
    return value


def unknown(behaviour: str, server_status: int = 500) -> int:
    """The status an unknown id gets in ``behaviour``."""
    return server_status if behaviour == "server" else 404


def wire_error(result: Any) -> tuple[int, str, str]:
    """(status, code, message) of an ``Err(APIError)``."""
    error = result.error
    return error.status, str(error.error_code), error.error_message
