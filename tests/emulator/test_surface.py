"""The HTTP surface under bad input, the control routes, the command line and the plugin."""

from __future__ import annotations

import asyncio
import json
import signal
import subprocess
import sys
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from formance_orch.emulator import Emulator, ManualClock

API = "/api/orchestration/v2"
PATHS = [
    "/workflows",
    "/workflows/{id}",
    "/workflows/{id}/instances",
    "/instances",
    "/instances/{id}",
    "/instances/{id}/events",
    "/instances/{id}/abort",
    "/instances/{id}/history",
    "/instances/{id}/stages/{n}/history",
    "/triggers",
    "/triggers/{id}",
    "/triggers/{id}/test",
    "/triggers/{id}/occurrences",
]
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=12,
)
requests = st.tuples(
    st.sampled_from(["GET", "POST", "PUT", "DELETE", "PATCH"]),
    st.sampled_from(PATHS),
    st.sampled_from(["wf", "../x", "%2F", "", "ü", "00000000-0000-4000-8000-000000000000"]),
    st.sampled_from(["0", "-1", "x", "99999999999999999999"]),
    st.one_of(json_values.map(lambda v: json.dumps(v).encode()), st.binary(max_size=40)),
    st.sampled_from(["", "?pageSize=abc", "?cursor=%%%", "?pageSize=0&running=TRUE", "?wait=1"]),
    st.sampled_from(["application/json", "text/vnd.yaml", "text/plain"]),
)


async def _hammer(calls: list[Any]) -> None:
    async with Emulator(clock=ManualClock()) as emu:
        emu.seed_account("users:a", asset="USD/2", amount=10)
        async with aiohttp.ClientSession() as session:
            created = await session.post(emu.url + API + "/workflows", json={"stages": []})
            workflow = (await created.json())["data"]["id"]
            for method, path, ident, number, body, query, content_type in calls:
                url = emu.url + API + path.format(id=ident, n=number) + query
                headers = {"Content-Type": content_type}
                async with session.request(method, url, data=body, headers=headers) as response:
                    payload = await response.read()
                    assert response.status < 600
                    assert b"Traceback" not in payload
                    if response.status == 500 and payload:
                        assert json.loads(payload)["errorCode"] == "INTERNAL"
            # Nothing a client sent lost what the emulator held.
            async with session.get(f"{emu.url}{API}/workflows/{workflow}") as response:
                assert response.status == 200
            assert emu.balance("users:a", "USD/2") == 10


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(requests, min_size=1, max_size=8))
def test_nothing_a_client_sends_crashes_it_or_loses_state(calls: list[Any]) -> None:
    asyncio.run(_hammer(calls))


async def test_wrong_methods_and_unknown_paths_answer_as_chi(formance_emulator: Emulator) -> None:
    async with aiohttp.ClientSession() as session:
        url = formance_emulator.url + API + "/instances/x/abort"
        async with session.delete(url) as response:
            assert response.status == 405
            assert await response.read() == b""
            assert response.headers["Allow"] == "PUT"
        async with session.get(formance_emulator.url + API + "/nothing/here") as response:
            assert response.status == 404
            assert await response.read() == b"404 page not found\n"
        async with session.put(formance_emulator.url + "/_emulator/faults") as response:
            assert response.status == 405
            assert response.headers["Allow"] == "DELETE, GET, HEAD, POST"


async def test_the_control_surface(formance_emulator: Emulator) -> None:
    base = formance_emulator.url + "/_emulator"
    async with aiohttp.ClientSession() as session:
        seeded = await session.post(base + "/wallets", json={"name": "w", "balances": {"EUR": 7}})
        wallet = (await seeded.json())["data"]
        added = await session.post(
            base + "/faults", json={"kind": "error", "route": "get_workflow"}
        )
        refused = await session.post(base + "/faults", json={"kind": "boom"})
        published = await session.post(base + "/events", json={"type": "X", "payload": {}})
        read = await session.get(f"{base}/wallets/{wallet['id']}")
        cleared = await session.delete(base + "/faults")

        assert seeded.status == 201
        assert wallet["balances"]["main"]["assets"] == {"EUR": 7}
        assert (await added.json())["faults"][0]["route"] == "get_workflow"
        assert refused.status == 400
        assert (await published.json()) == {"occurrences": []}
        assert (await read.json())["data"]["id"] == wallet["id"]
        assert (await cleared.json()) == {"faults": []}
    assert formance_emulator.events[0]["type"] == "X"


async def test_control_routes_refuse_bad_json_in_their_own_shape(
    formance_emulator: Emulator,
) -> None:
    base = formance_emulator.url + "/_emulator"
    async with aiohttp.ClientSession() as session:
        for path in ("/events", "/faults", "/clock/advance", "/accounts"):
            async with session.post(base + path, data=b"{") as response:
                assert response.status == 400, path
                assert response.content_type == "application/json", path
                assert (await response.json())["error"].startswith("invalid character"), path


async def test_seeding_what_the_ledger_refuses_is_a_400(formance_emulator: Emulator) -> None:
    base = formance_emulator.url + "/_emulator"
    async with aiohttp.ClientSession() as session:
        address = await session.post(
            base + "/accounts", json={"address": "bad address", "asset": "USD", "amount": 1}
        )
        amount = await session.post(base + "/wallets", json={"name": "w", "balances": {"USD": -1}})
        asset = await session.post(
            base + "/accounts",
            json={"address": "users:a", "asset": "usd", "amount": 1, "metadata": {"k": "v"}},
        )
        untouched = await session.get(base + "/accounts/default/users:a")

        assert address.status == 400
        assert (await address.json()) == {"error": "invalid account address: 'bad address'"}
        assert amount.status == 400
        assert (await amount.json()) == {"error": "amount must be positive"}
        assert asset.status == 400
        assert untouched.status == 404  # the metadata was not set either


async def _post(url: str, body: bytes, content_type: str) -> tuple[int, Any]:
    """POST ``body``: the status and the JSON answer."""
    headers = {"Content-Type": content_type}
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, data=body, headers=headers) as response,
    ):
        return response.status, await response.json()


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        (b'{"name": false}', 400, "json: cannot unmarshal bool into Go struct field Event.name"),
        (b'{"name": []}', 400, "json: cannot unmarshal array into Go struct field Event.name"),
        (b'{"name": {}}', 400, "json: cannot unmarshal object into Go struct field Event.name"),
        (b'{"name": 1}', 400, "json: cannot unmarshal number into Go struct field Event.name"),
        (b'{"name": null}', 500, "retrieving workflow: sql: no rows in result set"),
        (b"{}", 500, "retrieving workflow: sql: no rows in result set"),
    ],
)
async def test_an_event_name_must_decode_as_a_go_string(
    formance_emulator: Emulator, body: bytes, status: int, message: str
) -> None:
    url = formance_emulator.url + API + "/instances/unknown/events"
    answered, answer = await _post(url, body, "application/json")

    assert answered == status
    assert answer["errorMessage"].startswith(message)


@pytest.mark.parametrize(
    ("body", "content_type", "message"),
    [
        (b"name: 1\n", "text/vnd.yaml", "unmarshalling workflow data: json: cannot unmarshal"),
        (b"stages: {}\n", "text/vnd.yaml", "unmarshalling workflow data: json: cannot unmarshal"),
        (b"- a\n- b\n", "text/vnd.yaml", "unmarshalling yaml: cannot unmarshal !!seq into"),
        (b"", "text/vnd.yaml", "unmarshalling yaml: EOF"),
        (b'{"name": 1}', "application/json", "unmarshalling json body: json: cannot unmarshal"),
        (b"", "application/json", "unmarshalling json body: EOF"),
    ],
)
async def test_workflow_bodies_are_refused_with_the_step_that_failed(
    formance_emulator: Emulator, body: bytes, content_type: str, message: str
) -> None:
    status, answer = await _post(formance_emulator.url + API + "/workflows", body, content_type)

    assert status == 400
    assert answer["errorCode"] == "VALIDATION"
    assert answer["errorMessage"].startswith(message)


@pytest.mark.parametrize(
    ("body", "content_type"), [(b"null", "application/json"), (b"~", "text/vnd.yaml")]
)
async def test_a_null_workflow_body_is_an_empty_config(
    formance_emulator: Emulator, body: bytes, content_type: str
) -> None:
    status, answer = await _post(formance_emulator.url + API + "/workflows", body, content_type)

    assert status == 201
    assert answer["data"]["config"] == {"name": "", "stages": None}


@pytest.mark.parametrize(("behaviour", "key"), [("server", "account"), ("contract", "id")])
async def test_the_update_activity_input_is_written_in_struct_order(
    formance_emulator_factory: Callable[..., Awaitable[Emulator]], behaviour: str, key: str
) -> None:
    emu = await formance_emulator_factory(behaviour=behaviour)
    account = {"id": "users:a", "ledger": "main", "metadata": {"k": "v"}}
    async with aiohttp.ClientSession() as session:
        created = await session.post(
            emu.url + API + "/workflows", json={"stages": [{"update": {"account": account}}]}
        )
        workflow = (await created.json())["data"]["id"]
        started = await session.post(f"{emu.url}{API}/workflows/{workflow}/instances")
        instance = (await started.json())["data"]["id"]
        await emu.settle()
        url = f"{emu.url}{API}/instances/{instance}/stages/0/history"
        async with session.get(url) as response:
            body = await response.text()

    expected = f'{{"ledger":"main","{key}":"users:a","metadata":{{"k":"v"}}}}'
    assert f'"input":{{"AddAccountMetadata":{expected}}}' in body
    assert emu.bank.account("main", "users:a").metadata == {"k": "v"}


@pytest.mark.parametrize(("behaviour", "status"), [("server", 500), ("contract", 204)])
async def test_an_event_before_the_first_stage_started(
    formance_emulator_factory: Callable[..., Awaitable[Emulator]], behaviour: str, status: int
) -> None:
    emu = await formance_emulator_factory(behaviour=behaviour, clock=ManualClock())
    stages = b'{"stages": [{"wait_event": {"event": "go"}}]}'
    workflow = emu.service.create_workflow(stages).body["data"]["id"]
    started = await emu.service.run_workflow(workflow, None, wait=False)
    instance = emu.instances[0]

    answer = emu.service.send_event(started.body["data"]["id"], b'{"name": "go"}')
    await emu.settle()

    assert instance.stages  # the first stage started only after the event was sent
    assert answer.status == status
    if behaviour == "server":
        assert answer.body["errorMessage"] == "retrieving workflow: sql: no rows in result set"
    assert instance.terminated == (behaviour == "contract")  # the kept event ended the wait


def test_the_command_line_prints_its_url_first_and_stops_on_sigterm() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "formance_orch.emulator", "--behaviour", "contract", "--seed-demo"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:")
        fetch = f"import urllib.request as u; print(u.urlopen('{url}{API}/_info').read().decode())"
        info = subprocess.run(
            [sys.executable, "-c", fetch],
            capture_output=True,
            text=True,
            check=True,
        )
        assert json.loads(info.stdout) == {"version": "develop"}
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(10) == 0
        process.stdout.close()  # type: ignore[union-attr]
        process.stderr.close()  # type: ignore[union-attr]


def test_the_plugin_loads_no_server_until_a_fixture_is_used() -> None:
    code = (
        "import sys, formance_orch.emulator.pytest_plugin\n"
        "prefixes = ('aiohttp', 'formance_orch.emulator.')\n"
        "print(sorted(m for m in sys.modules if m.startswith(prefixes)))"
    )
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout

    assert "aiohttp.web" not in output
    assert "'formance_orch.emulator.app'" not in output
