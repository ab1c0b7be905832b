"""The class facade: every operation reachable, bound to the core, lazily imported."""

from __future__ import annotations

import inspect
import json
import subprocess
import sys

import pytest

from formance_orch import SDK, Ok, RetryConfig, SDKCore, Security
from formance_orch.funcs import OPERATIONS
from formance_orch.sdk import OrchestrationV2
from tests.support import API, Reply, instance_json

FACADE_NAMES = sorted(name.removeprefix("orchestration_v2_") for name in OPERATIONS)


def test_the_facade_has_exactly_the_operations() -> None:
    methods = sorted(
        name
        for name, value in vars(OrchestrationV2).items()
        if not name.startswith("_") and name != "core"
    )
    assert methods == FACADE_NAMES


@pytest.mark.parametrize("name", FACADE_NAMES)
def test_each_method_is_its_function_bound_to_the_core(name: str) -> None:
    core = SDKCore(server_url="http://localhost")
    sdk = SDK(core)

    method = getattr(sdk.orchestration.v2, name)

    function = getattr(
        __import__("formance_orch.funcs", fromlist=[name]), f"orchestration_v2_{name}"
    )
    assert method.__func__ is function
    assert method.__self__ is core
    assert method.__doc__ == function.__doc__
    assert next(iter(inspect.signature(method).parameters)) != "core"
    assert getattr(sdk.orchestration.v2, name) is method  # bound once, then cached


def test_methods_are_imported_on_first_use() -> None:
    code = """
import sys, json
from formance_orch import SDK
sdk = SDK(server_url="http://localhost")
before = sorted(m for m in sys.modules if m.startswith("formance_orch.funcs."))
sdk.orchestration.v2.get_instance
after = sorted(m for m in sys.modules if m.startswith("formance_orch.funcs."))
print(json.dumps([before, after]))
"""
    output = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    )
    before, after = json.loads(output.stdout)
    assert before == []
    assert after == ["formance_orch.funcs.orchestration_v2_get_instance"]


async def test_a_call_through_the_facade(server) -> None:
    server.reply(Reply(json={"data": instance_json("i-9")}))
    async with SDK(
        server_url=server.url,
        security=Security(client_id="c", client_secret="s"),
        retries=RetryConfig.none(),
    ) as sdk:
        result = await sdk.orchestration.v2.get_instance("i-9")
        core = sdk.core

    assert isinstance(result, Ok)
    assert result.value.id == "i-9"
    assert server.requests[0].raw_path == f"{API}/v2/instances/i-9"
    assert core.closed  # the SDK built this core, so it closed it


async def test_a_given_core_is_left_open(server) -> None:
    async with SDKCore(server_url=server.url) as core:
        async with SDK(core) as sdk:
            assert sdk.core is core
        assert not core.closed


def test_core_and_settings_together_are_refused() -> None:
    with pytest.raises(TypeError, match="either a core or settings"):
        SDK(SDKCore(), timeout=5)  # type: ignore[call-overload]
