"""The docs' code: every ```python block runs as shown; fragments say so in their fence.

A block whose fence is ```python is a whole program: it defines what it uses,
reads the server from $FORMANCE_SERVER_URL (credentials, if any, from
$FORMANCE_CLIENT_ID / $FORMANCE_CLIENT_SECRET) and runs with ``asyncio.run``.
A block fenced ```python fragment is an excerpt. Here every program
type-checks under mypy --strict and runs to the end against a server that
refuses everything (so each must handle its errors); the docs runner also
runs them against the emulator.
"""

from __future__ import annotations

import ast
import asyncio
import os
import re
import sys
from pathlib import Path

import attrs
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from tests.mypy_run import ROOT, mypy_errors

DOCS = [ROOT / "README.md", ROOT / "docs" / "README.md"]
DOCS += sorted((ROOT / "docs" / "operations").glob("*.md"))
_FENCE = re.compile(r"^```(?P<info>[^\n`]*)\n(?P<code>.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)


@attrs.frozen
class Block:
    doc: Path
    line: int
    info: tuple[str, ...]
    code: str

    @property
    def name(self) -> str:
        """A module name unique to the block (``docs_operations_x_L12``)."""
        relative = self.doc.relative_to(ROOT).with_suffix("")
        stem = re.sub(r"\W", "_", str(relative)).lower()
        return f"{stem}_L{self.line}"

    @property
    def fragment(self) -> bool:
        return "fragment" in self.info[1:]


def python_blocks() -> list[Block]:
    found = []
    for doc in DOCS:
        text = doc.read_text()
        for match in _FENCE.finditer(text):
            info = tuple(match["info"].split())
            if info[:1] == ("python",):
                line = text.count("\n", 0, match.start()) + 1
                found.append(Block(doc, line, info, match["code"]))
    return found


BLOCKS = python_blocks()
PROGRAMS = [block for block in BLOCKS if not block.fragment]


def test_the_docs_have_programs_and_fragments() -> None:
    assert len(PROGRAMS) >= 20
    assert any(block.fragment for block in BLOCKS)


@pytest.mark.parametrize("block", BLOCKS, ids=lambda block: block.name)
def test_a_fence_says_python_or_python_fragment(block: Block) -> None:
    assert block.info in {("python",), ("python", "fragment")}


@pytest.mark.parametrize("block", BLOCKS, ids=lambda block: block.name)
def test_every_block_parses(block: Block) -> None:
    compile(block.code, block.name, "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)


@pytest.mark.parametrize("block", PROGRAMS, ids=lambda block: block.name)
def test_a_program_names_no_server_and_runs_itself(block: Block) -> None:
    assert "://" not in block.code  # the server comes from $FORMANCE_SERVER_URL
    assert "acme" not in block.code
    assert "client_secret=" not in block.code  # credentials come from the environment
    assert block.code.rstrip().endswith("asyncio.run(main())")


@pytest.fixture(scope="module")
def program_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("doc-programs")
    files = {}
    for block in PROGRAMS:
        files[block.name] = folder / f"{block.name}.py"
        files[block.name].write_text(block.code)
    return files


def test_every_program_type_checks(program_files: dict[str, Path]) -> None:
    assert mypy_errors(*program_files.values()) == {}


async def _refuse(request: web.Request) -> web.Response:
    body = {"errorCode": "NOT_FOUND", "errorMessage": f"nothing at {request.path}"}
    return web.json_response(body, status=404)


async def _run_against_a_refusing_server(path: Path, env: dict[str, str]) -> tuple[int, str, int]:
    """Run a program with its own server; its exit code, stderr and the requests it made."""
    requests = 0

    async def refuse(request: web.Request) -> web.Response:
        nonlocal requests
        requests += 1
        return await _refuse(request)

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", refuse)
    server = TestServer(app)
    await server.start_server()
    try:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            str(path),
            cwd=path.parent,
            env={**env, "FORMANCE_SERVER_URL": str(server.make_url("")).rstrip("/")},
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        _, stderr = await process.communicate()
    finally:
        await server.close()
    assert process.returncode is not None
    return process.returncode, stderr.decode(), requests


async def test_every_program_runs_to_the_end_when_the_server_refuses_everything(
    program_files: dict[str, Path],
) -> None:
    env = {name: value for name, value in os.environ.items() if not name.startswith("FORMANCE_")}
    limit = asyncio.Semaphore(4)

    async def run(path: Path) -> tuple[int, str, int]:
        async with limit:
            return await _run_against_a_refusing_server(path, env)

    outcomes = await asyncio.gather(*(run(path) for path in program_files.values()))

    results = dict(zip(program_files, outcomes, strict=True))
    assert {name: err for name, (code, err, _) in results.items() if code != 0 or err} == {}
    # Each program called the server it was given, not one of its own (except the one
    # showing aioresponses, which answers instead of any server).
    silent = [name for name, (_, _, requests) in results.items() if requests == 0]
    mocking = [block.name for block in PROGRAMS if "from aioresponses import" in block.code]
    assert silent == mocking
