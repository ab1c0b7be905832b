"""The docs' code runs: every ```python block of README.md and docs/ is checked here.

Three kinds of block, told apart by their fence:

* ```python: a whole program. It reads its server from $FORMANCE_SERVER_URL
  (credentials, through ``Security.from_env(optional=True)``, from
  $FORMANCE_CLIENT_ID / $FORMANCE_CLIENT_SECRET), runs itself
  (``asyncio.run(main())`` or ``main()``), and is followed by a ```text output
  block: what it prints, ``...`` standing for what varies (ids, times, URLs).
* ```python pytest: a test module for a user's suite (the emulator's fixtures).
* ```python fragment: an excerpt that cannot run alone (a Django view, a
  Celery task, alternatives side by side); only compiled.

Every program and test module type-checks under mypy --strict. Each program
runs as ``python program.py`` would, against a fresh emulator of its own
(server behaviour, one OAuth2 client whose credentials are in the program's
environment), in a few interpreters that each run their programs one after
the other, so that start-up and imports are paid a few times only; it must
exit 0, write nothing to stderr and print what its output block says. Each
also runs against a server that refuses everything, and must handle that
(exit 0, nothing on stderr). The test modules run in one ``pytest`` process,
as a user's suite would. Programs and test modules are formatted and
lint-clean by the project's ruff settings.
"""

from __future__ import annotations

import ast
import asyncio
import contextlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import attrs
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from tests.mypy_run import ROOT, mypy_errors

DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
_FENCE = re.compile(r"^```(?P<info>[^\n`]*)\n(?P<code>.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)

PROGRAM = ("python",)
FRAGMENT = ("python", "fragment")
TEST_MODULE = ("python", "pytest")
OUTPUT = ("text", "output")

#: How many interpreters run the programs.
DRIVERS = 3

#: The emulator client whose credentials the programs find in their environment.
CLIENT_ID = "docs-client"
CLIENT_SECRET = "docs-client-secret-value"


@attrs.frozen
class Block:
    doc: Path
    line: int
    info: tuple[str, ...]
    code: str
    #: For a program: the text of the ```text output block that follows it.
    output: str | None = None

    @property
    def name(self) -> str:
        """A module name unique to the block (``docs_operations_x_L12``)."""
        relative = self.doc.relative_to(ROOT).with_suffix("")
        stem = re.sub(r"\W", "_", str(relative)).lower()
        return f"{stem}_L{self.line}"


def _fences(doc: Path) -> list[Block]:
    text = doc.read_text()
    return [
        Block(doc, text.count("\n", 0, at.start()) + 1, tuple(at["info"].split()), at["code"])
        for at in _FENCE.finditer(text)
    ]


def _read_docs() -> tuple[list[Block], list[Block]]:
    """The python blocks (programs carrying their output), and misplaced output blocks."""
    blocks: list[Block] = []
    misplaced: list[Block] = []
    for doc in DOCS:
        last_program: int | None = None  # index in blocks of a program still without output
        for block in _fences(doc):
            if block.info[:1] == ("python",):
                blocks.append(block)
                last_program = len(blocks) - 1 if block.info == PROGRAM else None
            elif block.info == OUTPUT:
                if last_program is None:
                    misplaced.append(block)
                else:
                    blocks[last_program] = attrs.evolve(blocks[last_program], output=block.code)
                    last_program = None
    return blocks, misplaced


BLOCKS, MISPLACED_OUTPUTS = _read_docs()
PROGRAMS = [block for block in BLOCKS if block.info == PROGRAM]
TEST_MODULES = [block for block in BLOCKS if block.info == TEST_MODULE]


def matches(expected: str, printed: str) -> bool:
    """Whether ``printed`` is ``expected``, each ``...`` standing for any text.

    Trailing spaces and blank lines at the end are ignored.
    """

    def tidy(text: str) -> str:
        return "\n".join(line.rstrip() for line in text.splitlines()).strip("\n")

    pattern = ".*?".join(re.escape(part) for part in tidy(expected).split("..."))
    return re.fullmatch(pattern, tidy(printed), re.DOTALL) is not None


def test_the_docs_have_programs_test_modules_and_few_fragments() -> None:
    fragments = [block for block in BLOCKS if block.info == FRAGMENT]
    assert len(PROGRAMS) >= 30
    assert TEST_MODULES
    assert 0 < len(fragments) <= 5


@pytest.mark.parametrize("block", BLOCKS, ids=lambda block: block.name)
def test_a_fence_says_what_the_block_is(block: Block) -> None:
    assert block.info in {PROGRAM, FRAGMENT, TEST_MODULE}


def test_no_python_hides_under_another_fence() -> None:
    languages = {block.info[0] for doc in DOCS for block in _fences(doc) if block.info}
    assert {language for language in languages if language.startswith("py")} == {"python"}


def test_every_output_block_follows_a_program() -> None:
    assert [block.name for block in MISPLACED_OUTPUTS] == []


@pytest.mark.parametrize("block", BLOCKS, ids=lambda block: block.name)
def test_every_block_parses(block: Block) -> None:
    compile(block.code, block.name, "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)


@pytest.mark.parametrize("block", PROGRAMS, ids=lambda block: block.name)
def test_a_program_names_no_server_shows_its_output_and_runs_itself(block: Block) -> None:
    assert "://" not in block.code  # the server comes from $FORMANCE_SERVER_URL
    assert "acme" not in block.code
    assert "client_secret=" not in block.code  # credentials come from the environment
    assert block.output is not None, "a program is followed by a ```text output block"
    # An async program, or a synchronous one (SyncSDK).
    assert block.code.rstrip().endswith(("\nasyncio.run(main())", "\nmain()"))


@pytest.fixture(scope="module")
def program_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("doc-programs")
    files = {}
    for block in PROGRAMS + TEST_MODULES:
        prefix = "test_" if block.info == TEST_MODULE else ""
        files[block.name] = folder / f"{prefix}{block.name}.py"
        files[block.name].write_text(block.code)
    return files


def test_every_program_and_test_module_type_checks(program_files: dict[str, Path]) -> None:
    assert mypy_errors(*program_files.values()) == {}


def test_every_program_and_test_module_is_formatted_and_lint_clean(
    program_files: dict[str, Path],
) -> None:
    # The project's ruff settings, but no docstrings required, and the SDK's
    # imports in a section of their own as its users would write them.
    settings = [
        *("--config", str(ROOT / "pyproject.toml")),
        *("--config", "lint.isort.known-first-party = ['formance_orch']"),
    ]
    files = [str(path) for path in program_files.values()]
    ruff = [sys.executable, "-m", "ruff"]
    checked = subprocess.run(
        [*ruff, "check", *settings, "--extend-ignore", "D", "--output-format", "concise", *files],
        capture_output=True,
        text=True,
        check=False,
    )
    formatted = subprocess.run(
        [*ruff, "format", *settings, "--check", *files], capture_output=True, text=True, check=False
    )

    assert checked.returncode == 0, checked.stdout
    assert formatted.returncode == 0, formatted.stdout


@attrs.frozen
class Run:
    """How one program ended."""

    status: int
    stdout: str
    stderr: str


# Runs programs as ``python <file>`` would (as ``__main__``, with their own
# environment), one after the other in one interpreter, so that start-up and
# imports are paid once: reads a JSON line [path, env] per program, answers a
# JSON line with what it printed, wrote to stderr (a traceback included) and
# its exit status.
_DRIVER = """
import contextlib, io, json, os, runpy, sys, traceback
for line in sys.stdin:
    path, env = json.loads(line)
    os.environ.update(env)
    out, err = io.StringIO(), io.StringIO()
    status = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            runpy.run_path(path, run_name="__main__")
        except SystemExit as exit:
            status = exit.code if isinstance(exit.code, int) else int(exit.code is not None)
        except BaseException:
            traceback.print_exc()
            status = 1
    report = {"status": status, "stdout": out.getvalue(), "stderr": err.getvalue()}
    print(json.dumps(report), flush=True)
"""


def _environment() -> dict[str, str]:
    """This process's environment without FORMANCE_* (the programs get their own)."""
    return {name: value for name, value in os.environ.items() if not name.startswith("FORMANCE_")}


async def _drive(plan: dict[Path, dict[str, str]]) -> dict[Path, Run]:
    """Run each program with its environment variables.

    Most of a program's time is spent waiting for its server (delays, polls,
    retries), so a few interpreters run side by side, each taking the next
    program when it is done with one.
    """
    waiting = list(plan.items())
    ended: dict[Path, Run] = {}

    async def driver() -> None:
        process = await asyncio.create_subprocess_exec(
            *(sys.executable, "-W", "default"),  # what a user sees: ResourceWarnings...
            *("-c", _DRIVER),
            cwd=next(iter(plan)).parent,
            env=_environment(),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            limit=2**24,
        )
        assert process.stdin is not None
        assert process.stdout is not None
        while waiting:
            path, env = waiting.pop(0)
            process.stdin.write(json.dumps([str(path), env]).encode() + b"\n")
            ended[path] = Run(**json.loads(await process.stdout.readline()))
        process.stdin.close()
        _, stderr = await process.communicate()
        assert (process.returncode, stderr.decode()) == (0, "")

    await asyncio.gather(*(driver() for _ in range(min(DRIVERS, len(plan)))))
    return ended


async def _run_on_emulators(programs: list[Path]) -> dict[Path, Run]:
    from formance_orch.emulator import Emulator

    async with contextlib.AsyncExitStack() as stack:
        plan = {}
        for path in programs:
            emulator = await stack.enter_async_context(Emulator(clients={CLIENT_ID: CLIENT_SECRET}))
            plan[path] = {
                "FORMANCE_SERVER_URL": emulator.url,
                "FORMANCE_CLIENT_ID": CLIENT_ID,
                "FORMANCE_CLIENT_SECRET": CLIENT_SECRET,
            }
        return await _drive(plan)


@pytest.fixture(scope="module")
def runs(program_files: dict[str, Path]) -> dict[str, Run]:
    """How each program ended on its emulator, by block name (all run once, together)."""
    paths = [program_files[block.name] for block in PROGRAMS]
    ended = asyncio.run(_run_on_emulators(paths))
    return {block.name: ended[program_files[block.name]] for block in PROGRAMS}


@pytest.mark.parametrize("block", PROGRAMS, ids=lambda block: block.name)
def test_every_program_runs_against_the_emulator_and_prints_its_output(
    block: Block, runs: dict[str, Run]
) -> None:
    run = runs[block.name]

    assert (run.status, run.stderr) == (0, "")
    assert block.output is not None
    assert matches(block.output, run.stdout), f"printed:\n{run.stdout}\nexpected:\n{block.output}"


async def test_every_program_handles_a_server_that_refuses_everything(
    program_files: dict[str, Path],
) -> None:
    requests = dict.fromkeys(program_files, 0)
    servers = {}
    for block in PROGRAMS:

        async def refuse(request: web.Request, name: str = block.name) -> web.Response:
            requests[name] += 1
            body = {"errorCode": "NOT_FOUND", "errorMessage": f"nothing at {request.path}"}
            return web.json_response(body, status=404)

        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", refuse)
        servers[block.name] = TestServer(app)
    try:
        for server in servers.values():
            await server.start_server()
        plan = {
            program_files[name]: {"FORMANCE_SERVER_URL": str(server.make_url("")).rstrip("/")}
            for name, server in servers.items()
        }
        ended = await _drive(plan)
    finally:
        for server in servers.values():
            await server.close()

    failed = {
        name: (ended[program_files[name]].status, ended[program_files[name]].stderr)
        for name in servers
    }
    assert {name: run for name, run in failed.items() if run != (0, "")} == {}
    # Each program called the server it was given, except those that bring their
    # own (aioresponses answering instead of any server, an emulator of their own).
    silent = [name for name in servers if requests[name] == 0]
    own = [block.name for block in PROGRAMS if re.search(r"aioresponses\(|Emulator\(", block.code)]
    assert silent == own


def test_the_test_modules_pass_under_pytest(program_files: dict[str, Path]) -> None:
    modules = [str(program_files[block.name]) for block in TEST_MODULES]
    completed = subprocess.run(
        [
            *(sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-W", "error"),
            *("-o", "asyncio_default_fixture_loop_scope=function"),  # a suite would set it
            *modules,
        ],
        cwd=Path(modules[0]).parent,
        env=_environment(),
        capture_output=True,
        text=True,
        check=False,
    )

    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert f"{len(modules)} passed" in completed.stdout


@pytest.mark.parametrize(
    ("expected", "printed", "same"),
    [
        ("created ... with 2 stages", "created 6f1c-aa with 2 stages\n", True),
        ("created ... with 2 stages", "created 6f1c-aa with 3 stages\n", False),
        ("a\n...\nz", "a\nb\nc\nz\n", True),
        ("a\nz", "a\nb\nz", False),
        ("ok", "ok  \n\n", True),
        ("ok", "not ok", False),
        ("1+1 (x)", "1+1 (x)", True),
    ],
)
def test_output_matching(expected: str, printed: str, same: bool) -> None:
    assert matches(expected, printed) is same
