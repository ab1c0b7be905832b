"""pytest fixtures for the emulator, registered through the ``pytest11`` entry point.

* ``formance_emulator``: a started ``Emulator`` (``server`` behaviour, system
  clock, no auth), closed after the test;
* ``formance_emulator_factory``: ``await factory(**options)`` starts one with
  any ``Emulator`` options (``behaviour``, ``clients``, ``clock``, ``faults``,
  ...); all are closed after the test.

They are async fixtures and need pytest-asyncio. This module loads in every
pytest run of every user who installs formance-orch, so importing it is cheap:
the emulator (and aiohttp's server) load only when a fixture is used.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from formance_orch.emulator.app import Emulator

__all__ = ["formance_emulator", "formance_emulator_factory"]

try:
    import pytest_asyncio
except ImportError:  # pragma: no cover - without pytest-asyncio the fixtures say why
    _fixture: Callable[..., Any] = pytest.fixture
    _HAS_ASYNCIO = False
else:
    _fixture = pytest_asyncio.fixture
    _HAS_ASYNCIO = True


@_fixture
async def formance_emulator_factory() -> AsyncIterator[Callable[..., Awaitable[Emulator]]]:
    """Start emulators with any options; every one is closed after the test."""
    if not _HAS_ASYNCIO:  # pragma: no cover
        pytest.fail("the formance_emulator fixtures need pytest-asyncio")
    from formance_orch.emulator.app import Emulator

    started: list[Emulator] = []

    async def start(**options: Any) -> Emulator:
        emulator = Emulator(**options)
        await emulator.start()
        started.append(emulator)
        return emulator

    yield start
    for emulator in reversed(started):
        await emulator.close()


@_fixture
async def formance_emulator(
    formance_emulator_factory: Callable[..., Awaitable[Emulator]],
) -> Emulator:
    """A started emulator in the ``server`` behaviour, closed after the test."""
    return await formance_emulator_factory()
