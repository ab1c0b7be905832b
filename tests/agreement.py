"""Helpers for checking that the fast and the detailed converter agree, on any JSON.

``agree(data, model)`` structures ``data`` with both and asserts the same
outcome: both build equal values, or both reject. ``mutate`` replaces one
value somewhere in a JSON document and ``drop_key`` removes one key, so that
many inputs are slightly wrong.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from hypothesis import strategies as st

from formance_orch import _serde

json_scalars = st.none() | st.booleans() | st.integers() | st.text(max_size=8)
json_values = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)
offsets = st.sampled_from(
    [UTC, timezone(timedelta(hours=2)), timezone(-timedelta(hours=5, minutes=30))]
)


@st.composite
def timestamps(draw: st.DrawFn) -> str:
    """RFC 3339 with nanoseconds and an offset (``Z`` sometimes), as the real server sends."""
    moment = draw(st.datetimes(min_value=datetime(1970, 1, 1), max_value=datetime(2200, 1, 1)))
    offset = draw(offsets)
    nanos = draw(st.integers(0, 999_999_999))
    text = moment.replace(microsecond=0, tzinfo=offset).isoformat()
    head, _, zone = text.rpartition("+") if "+" in text[19:] else text.rpartition("-")
    sign = "+" if "+" in text[19:] else "-"
    if zone == "00:00" and draw(st.booleans()):
        return f"{head}.{nanos:09d}Z"
    return f"{head}.{nanos:09d}{sign}{zone}"


#: What ``mutate`` puts in place of a value.
replacements = (
    json_values | st.floats(allow_nan=False) | st.just("2024-01-01T00:00:00") | timestamps()
)


def slots(value: Any) -> list[tuple[Any, Any]]:
    """Every (container, key) in a JSON value, to replace one of them."""
    found: list[tuple[Any, Any]] = []
    if isinstance(value, dict):
        for key, item in value.items():
            found.append((value, key))
            found += slots(item)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found.append((value, index))
            found += slots(item)
    return found


def mutate(data: Any, draw: st.DataObject) -> None:
    """Replace one value somewhere inside ``data`` (in place), if it has any."""
    found = slots(data)
    if found:
        container, key = draw.draw(st.sampled_from(found))
        container[key] = draw.draw(replacements)


def drop_key(data: Any, draw: st.DataObject) -> None:
    """Remove one key somewhere inside ``data`` (in place), if it has any object with keys."""
    found = [(container, key) for container, key in slots(data) if isinstance(container, dict)]
    if found:
        container, key = draw.draw(st.sampled_from(found))
        del container[key]


def agree(data: Any, model: Any) -> bool:
    """Assert that both converters build the same value from ``data``, or both reject it.

    Returns whether ``data`` was accepted.
    """
    outcomes = []
    for converter in (_serde.converter, _serde._detailed_converter()):
        try:
            outcomes.append(("ok", converter.structure(data, model)))
        except Exception as exc:  # noqa: BLE001 - comparing outcomes
            outcomes.append(("error", type(exc).__name__))
    fast, slow = outcomes
    assert fast[0] == slow[0], (fast, slow)
    if fast[0] == "ok":
        assert fast[1] == slow[1]
    return fast[0] == "ok"
