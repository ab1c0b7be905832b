"""The command line: ``python -m formance_orch.emulator [options]``.

Prints the server's URL on the first line of standard output, serves until
SIGINT or SIGTERM, then stops cleanly (exit status 0).
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from collections.abc import Sequence

__all__ = ["main", "seed_demo"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m formance_orch.emulator",
        description="A local Formance Orchestration v2 server, for development and tests.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=0, help="port (0: any free port)")
    parser.add_argument(
        "--client",
        action="append",
        default=[],
        metavar="ID:SECRET",
        help="an OAuth2 client; with any, API calls need a bearer token",
    )
    parser.add_argument(
        "--behaviour",
        choices=("server", "contract"),
        default="server",
        help="answer as the real service (default) or as the API contract promises",
    )
    parser.add_argument(
        "--seed-demo", action="store_true", help="seed a funded account and a wallet"
    )
    parser.add_argument("--token-ttl", type=int, default=3600, help="token lifetime (s)")
    return parser


def seed_demo(emulator: object) -> None:
    """A funded ``users:alice`` account (USD/2 10000) and an empty wallet ``alice``."""
    from formance_orch.emulator.app import Emulator

    assert isinstance(emulator, Emulator)
    emulator.seed_account("users:alice", asset="USD/2", amount=10_000)
    emulator.seed_wallet("alice", metadata={"owner": "alice"})


async def _serve(options: argparse.Namespace) -> int:
    from formance_orch.emulator.app import Emulator

    emulator = Emulator(
        behaviour=options.behaviour,
        clients=options.client,
        host=options.host,
        port=options.port,
        token_ttl=options.token_ttl,
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    async with emulator:
        if options.seed_demo:
            seed_demo(emulator)
        print(emulator.url, flush=True)
        print(
            f"formance-orch emulator ({options.behaviour} behaviour); Ctrl-C stops it",
            file=sys.stderr,
            flush=True,
        )
        await stop.wait()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the emulator from the command line; returns the exit status."""
    options = _parser().parse_args(argv)
    try:
        return asyncio.run(_serve(options))
    except ValueError as refused:
        print(f"error: {refused}", file=sys.stderr)
        return 2
    except OSError as refused:
        print(f"error: cannot listen on {options.host}:{options.port}: {refused}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
