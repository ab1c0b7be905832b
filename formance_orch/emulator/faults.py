"""Fault injection: latency, 5xx answers, dropped connections, 429s, a token endpoint down.

A ``Fault`` applies to one route (an operation name such as ``create_workflow``,
``token`` for the token endpoint) or to every API route (``"*"``), to a
``rate`` fraction of the requests, at most ``times`` times. Rolls come from one
``random.Random(seed)``, so a test that sends the same requests sees the same
faults. Latency is real (wall-clock) time, so that HTTP calls never wait on a
manual clock.

Kinds:

* ``latency``: wait ``seconds`` before handling;
* ``error``: answer ``status`` (default 503, empty JSON-labelled body),
  ``when="before"`` the request takes effect or ``"after"`` it did;
* ``drop``: close the connection with no answer, ``before`` or ``after`` the
  effect, or ``mid-body`` (after the effect, headers and half the body sent);
* ``throttle``: 429 with ``Retry-After: retry_after`` (nothing takes effect).
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping
from typing import Any, Literal, get_args

import attrs

__all__ = ["Fault", "FaultPlan"]

Kind = Literal["latency", "error", "drop", "throttle"]
When = Literal["before", "after", "mid-body"]
_KINDS: tuple[str, ...] = get_args(Kind)
_WHENS: tuple[str, ...] = get_args(When)


def _rate(_: object, attribute: attrs.Attribute[float], value: float) -> None:
    if not 0 <= value <= 1:
        raise ValueError(f"Fault.{attribute.name} must be between 0 and 1, got {value!r}")


def _member(choices: tuple[str, ...]) -> Any:
    def check(_: object, attribute: attrs.Attribute[str], value: str) -> None:
        if value not in choices:
            raise ValueError(f"Fault.{attribute.name} must be one of {choices}, got {value!r}")

    return check


@attrs.frozen(kw_only=True)
class Fault:
    """One rule of faults; see the module docstring for the kinds."""

    kind: Kind = attrs.field(validator=_member(_KINDS))
    route: str = "*"
    rate: float = attrs.field(default=1.0, validator=_rate)
    times: int | None = None
    when: When = attrs.field(default="before", validator=_member(_WHENS))
    status: int = 503
    seconds: float = 0.0
    retry_after: int = 1

    def __attrs_post_init__(self) -> None:
        if self.when == "mid-body" and self.kind != "drop":
            raise ValueError("only a drop happens mid-body")
        if not 100 <= self.status <= 599:
            raise ValueError(f"Fault.status must be an HTTP status, got {self.status!r}")

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Fault:
        """A rule from its JSON form (the ``/_emulator/faults`` control surface)."""
        fields = {field.name for field in attrs.fields(cls)}
        unknown = set(data) - fields
        if unknown:
            raise ValueError(f"unknown fault fields: {sorted(unknown)}")
        return cls(**data)

    def to_json(self) -> dict[str, Any]:
        """The rule as JSON."""
        return attrs.asdict(self)


@attrs.define
class _Rule:
    fault: Fault
    used: int = 0


class FaultPlan:
    """The rules in force, rolled with a seeded generator; change them at any time."""

    def __init__(self, faults: Iterable[Fault] = (), *, seed: int = 0) -> None:
        self._rules = [_Rule(fault) for fault in faults]
        self._random = random.Random(seed)
        #: How many faults were injected, per kind.
        self.injected: dict[str, int] = {}

    def add(self, *faults: Fault) -> None:
        """Add rules (they apply from the next request on)."""
        self._rules.extend(_Rule(fault) for fault in faults)

    def clear(self) -> None:
        """Remove every rule."""
        self._rules.clear()

    @property
    def faults(self) -> list[Fault]:
        """The rules in force."""
        return [rule.fault for rule in self._rules]

    def roll(self, route: str) -> list[Fault]:
        """The faults that hit this request to API or token ``route``."""
        if not self._rules:
            return []
        hits = []
        for rule in self._rules:
            fault = rule.fault
            if fault.route != route and not (fault.route == "*" and route != "token"):
                continue
            if fault.times is not None and rule.used >= fault.times:
                continue
            if fault.rate < 1 and self._random.random() >= fault.rate:
                continue
            rule.used += 1
            self.injected[fault.kind] = self.injected.get(fault.kind, 0) + 1
            hits.append(fault)
        return hits
