"""Decoding reuses its structure functions: nothing is generated or rebuilt per call.

Counts, around many decodes of the same responses through real operations,
every piece of generated code compiled (cattrs' generators and the SDK's own
both go through ``compile``), every call to cattrs' ``make_dict_structure_fn``
and every ``cattrs.Converter`` built. After a first call has warmed the
caches, all must stay at zero. Not a timing test.
"""

from __future__ import annotations

import builtins
from typing import Any

import attrs
import cattrs
import cattrs.converters
import cattrs.gen
import pytest

from formance_orch import Ok, SDKCore, _serde
from formance_orch.funcs.orchestration_v2_get_instance import orchestration_v2_get_instance
from formance_orch.funcs.orchestration_v2_list_instances import orchestration_v2_list_instances
from tests.support import RecordingServer, Reply, instance_json

CALLS = 25


class Counts:
    compiled = 0
    generated = 0
    converters = 0

    def reset(self) -> None:
        self.compiled = self.generated = self.converters = 0


def count_calls(monkeypatch: pytest.MonkeyPatch, owner: Any, name: str, bump: Any) -> None:
    """Replace ``owner.name`` with a wrapper that calls ``bump()`` first."""
    original = getattr(owner, name)

    def counting(*args: Any, **kwargs: Any) -> Any:
        bump()
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, counting)


@pytest.fixture
def counts(monkeypatch: pytest.MonkeyPatch) -> Counts:
    """Count code generation and converter construction from now on."""
    found = Counts()

    def compiled() -> None:
        found.compiled += 1

    def generated() -> None:
        found.generated += 1

    def converters() -> None:
        found.converters += 1

    count_calls(monkeypatch, builtins, "compile", compiled)
    original = cattrs.gen.make_dict_structure_fn
    for module in (_serde, cattrs.gen, cattrs.converters):
        if getattr(module, "make_dict_structure_fn", None) is original:
            count_calls(monkeypatch, module, "make_dict_structure_fn", generated)
    count_calls(monkeypatch, _serde, "make_structure_fn", generated)
    count_calls(monkeypatch, cattrs.Converter, "__init__", converters)
    return found


def assert_nothing_rebuilt(counts: Counts) -> None:
    assert counts.compiled == 0, "code was generated per call"
    assert counts.generated == 0, "structure functions were generated per call"
    assert counts.converters == 0, "converters were built per call"


def test_the_counter_sees_generation(counts: Counts) -> None:
    # A class no converter has seen: its structure function is generated, and counted.
    @attrs.frozen(kw_only=True)
    class NeverSeen:
        instance_id: str

    counts.reset()
    hook = _serde.structure_hook(NeverSeen)
    assert hook({"instanceID": "i-1"}, NeverSeen) == NeverSeen(instance_id="i-1")
    assert counts.compiled >= 1


async def test_get_instance_decodes_without_generating(
    server: RecordingServer, core: SDKCore, counts: Counts
) -> None:
    server.reply(Reply(json={"data": instance_json("inst-7")}))
    first = await orchestration_v2_get_instance(core, "inst-7")
    assert isinstance(first, Ok)
    counts.reset()

    for _ in range(CALLS):
        result = await orchestration_v2_get_instance(core, "inst-7")
        assert isinstance(result, Ok)
        assert result.value == first.value

    assert len(server.requests) == CALLS + 1
    assert_nothing_rebuilt(counts)


async def test_list_instances_decodes_without_generating(
    server: RecordingServer, core: SDKCore, counts: Counts
) -> None:
    page = {
        "cursor": {
            "pageSize": 3,
            "hasMore": False,
            "data": [instance_json(f"inst-{n}") for n in range(3)],
        }
    }
    server.reply(Reply(json=page))
    first = await orchestration_v2_list_instances(core, page_size=3)
    assert isinstance(first, Ok)
    assert [item.id for item in first.value.data] == ["inst-0", "inst-1", "inst-2"]
    counts.reset()

    for _ in range(CALLS):
        result = await orchestration_v2_list_instances(core, page_size=3)
        assert isinstance(result, Ok)
        assert result.value == first.value

    assert_nothing_rebuilt(counts)
