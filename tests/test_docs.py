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
import json
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
    # An async program, or a synchronous one (SyncSDK).
    assert block.code.rstrip().endswith(("asyncio.run(main())", "\nmain()"))


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


# Runs each program as ``python <file>`` would (as ``__main__``, with its own
# FORMANCE_SERVER_URL), one after the other in a single interpreter so that
# start-up and imports are paid once; reports what each wrote to stderr or raised.
_DRIVER = """
import contextlib, io, json, os, runpy, sys, traceback
report = {}
for path, url in json.loads(sys.argv[1]):
    os.environ["FORMANCE_SERVER_URL"] = url
    errors = io.StringIO()
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(errors):
            runpy.run_path(path, run_name="__main__")
    except BaseException:
        errors.write(traceback.format_exc())
    report[path] = errors.getvalue()
print(json.dumps(report))
"""


async def test_every_program_runs_to_the_end_when_the_server_refuses_everything(
    program_files: dict[str, Path],
) -> None:
    requests: dict[str, int] = dict.fromkeys(program_files, 0)
    servers = []
    for name in program_files:

        async def refuse(request: web.Request, name: str = name) -> web.Response:
            requests[name] += 1
            body = {"errorCode": "NOT_FOUND", "errorMessage": f"nothing at {request.path}"}
            return web.json_response(body, status=404)

        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", refuse)
        servers.append(TestServer(app))
    env = {name: value for name, value in os.environ.items() if not name.startswith("FORMANCE_")}
    try:
        for server in servers:
            await server.start_server()
        plan = [
            (str(path), str(server.make_url("")).rstrip("/"))
            for path, server in zip(program_files.values(), servers, strict=True)
        ]
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            _DRIVER,
            json.dumps(plan),
            env=env,
            stdout=asyncio.subprocess.PIPE,
        )
        stdout, _ = await process.communicate()
    finally:
        for server in servers:
            await server.close()

    assert process.returncode == 0
    report = json.loads(stdout)
    names = {str(path): name for name, path in program_files.items()}
    assert {names[path]: errors for path, errors in report.items() if errors} == {}
    # Each program called the server it was given, not one of its own (except the one
    # showing aioresponses, which answers instead of any server).
    silent = [name for name, count in requests.items() if count == 0]
    mocking = [block.name for block in PROGRAMS if "from aioresponses import" in block.code]
    assert silent == mocking
