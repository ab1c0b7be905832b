"""The hot path's generated structure functions accept and build exactly what cattrs' do.

The inputs are generated from the models themselves (field types, wire
names, defaults, capitalised spellings, tagged unions), so this runs on a
clean clone without ``../shared``; then one value somewhere is often
replaced by an arbitrary one, so that many inputs are wrong in one place.
Every type an operation decodes, or checks a request body against, is covered.
"""

from __future__ import annotations

import enum
import importlib
import typing
from datetime import datetime
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from formance_orch import _fastgen, _serde
from formance_orch.funcs import OPERATIONS
from formance_orch.models.common import V2Error
from tests.agreement import agree, drop_key, json_values, mutate, timestamps

MAX_DEPTH = 4


def operation_types() -> dict[str, Any]:
    """Every type the operations decode (whole bodies) or check request bodies against."""
    found: dict[str, Any] = {"V2Error": V2Error}
    for name in OPERATIONS:
        operation = importlib.import_module(f"formance_orch.funcs.{name}")._OPERATION
        if operation.response.expects_body:
            found[name] = operation.response.wire_type
        if operation.body is not None and operation.body.model is not None:
            found[f"{name} body"] = operation.body.model
    return found


TYPES = operation_types()

big_ints = st.integers(min_value=-(2**70), max_value=2**130)
integral_floats = st.integers(min_value=-(2**60), max_value=2**60).map(float)


def wire(tp: Any, depth: int = 0, *, null_for_empty: bool = True) -> st.SearchStrategy[Any]:
    """JSON that a model of type ``tp`` accepts, derived from the type.

    A ``null`` list or map field reads as empty, so ``null`` is drawn for one
    (``null_for_empty``), but not as a member of a union, where it would have
    to be the union's own ``None``.
    """
    args = _fastgen.union_args(tp)
    if args:
        return st.one_of([wire(arg, depth, null_for_empty=False) for arg in args])
    if tp is type(None):
        return st.none()
    if tp is Any:
        return json_values
    if tp is str:
        return st.text(max_size=8)
    if tp is bool:
        return st.booleans()
    if tp is int:
        return big_ints | integral_floats
    if tp is float:
        return st.floats(allow_nan=False, allow_infinity=False) | st.integers()
    if tp is datetime:
        return timestamps()
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return st.sampled_from([member.value for member in tp])
    origin = typing.get_origin(tp)
    if origin is typing.Literal:
        return st.sampled_from(typing.get_args(tp))
    size = 3 if depth < MAX_DEPTH else 0
    empty = st.none() if null_for_empty else st.nothing()
    if origin is list or tp is list:
        (item,) = typing.get_args(tp) or (Any,)
        return empty | st.lists(wire(item, depth + 1), max_size=size)
    if origin is dict or tp is dict:
        value = typing.get_args(tp)[1] if typing.get_args(tp) else Any
        return empty | st.dictionaries(st.text(max_size=6), wire(value, depth + 1), max_size=size)
    if attrs.has(origin or tp):
        return wire_object(tp, depth)
    raise AssertionError(f"no strategy for {tp!r}")


def wire_object(cls: Any, depth: int) -> st.SearchStrategy[dict[str, Any]]:
    shape = _serde._Shape.of(cls)
    field_types = _fastgen._field_types(cls)
    origin = typing.get_origin(cls) or cls
    required, optional = {}, {}
    for field in attrs.fields(origin):
        if field.name == shape.rest:
            continue
        strategy = wire(field_types[field.name], depth + 1)
        if field.default is attrs.NOTHING:
            required[shape.wire[field.name]] = strategy
        elif depth < MAX_DEPTH:
            optional[shape.wire[field.name]] = strategy
    tag = getattr(origin, "WIRE_TAG", None)
    if tag is not None:
        optional.pop(tag[0], None)
        required[tag[0]] = st.just(tag[1])
    unknown = st.dictionaries(
        st.text(max_size=4).map(lambda key: "x-" + key), json_values, max_size=2
    )
    respelled = st.sets(st.sampled_from([key for key, _ in shape.spellings] or [""]))

    def build(known: dict[str, Any], extra: dict[str, Any], recase: set[str]) -> dict[str, Any]:
        # Go structs without JSON tags send the capitalised spelling of these keys, and
        # some keys have another name on the real server (the first other spelling).
        for key, other in shape.spellings:
            if key in recase and key in known:
                known[other] = known.pop(key)
        return {**known, **extra}

    return st.builds(build, st.fixed_dictionaries(required, optional=optional), unknown, respelled)


# Derandomized: the same inputs every run, so that the check that both outcomes occur is stable.
AGREE = settings(
    max_examples=100, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck)
)


@pytest.mark.parametrize("name", sorted(TYPES))
def test_fast_and_detailed_converters_agree(name: str) -> None:
    model = TYPES[name]
    accepted: list[bool] = []

    @AGREE
    @given(wire(model), st.data(), st.sampled_from([None, mutate, mutate, drop_key]))
    def fast_and_detailed_agree(data: Any, draw: st.DataObject, spoil: Any) -> None:
        if spoil is not None:
            spoil(data, draw)
        accepted.append(agree(data, model))

    fast_and_detailed_agree()
    # The inputs exercise both outcomes: inputs that were all refused would prove little.
    assert any(accepted), f"no input generated for {name} was accepted"
    assert not all(accepted), f"no input generated for {name} was rejected"


def test_every_model_class_is_reached() -> None:
    """The operations' types reach every attrs class of the models package."""
    import formance_orch.models as models

    reached: set[type] = set()

    def walk(tp: Any) -> None:
        for arg in (*_fastgen.union_args(tp), *typing.get_args(tp)):
            walk(arg)
        origin = typing.get_origin(tp) or tp
        if isinstance(origin, type) and attrs.has(origin) and origin not in reached:
            reached.add(origin)
            for field_type in _fastgen._field_types(tp).values():
                walk(field_type)

    for tp in TYPES.values():
        walk(tp)
    classes = {
        getattr(models, name)
        for name in models.__all__
        if isinstance(getattr(models, name), type) and attrs.has(getattr(models, name))
    }
    assert classes - reached == set()
