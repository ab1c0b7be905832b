"""Checks requests and responses against the published OpenAPI contract.

The contract lives outside the project (``../shared/reference``); when it is
absent, ``contract()`` skips the calling test.
"""

from __future__ import annotations

import functools
import os
import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import jsonschema
import pytest
import yaml
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from tests.support import API, Recorded

#: Where the contract is: ``../shared/reference`` beside the checkout, unless
#: ``$FORMANCE_ORCH_CONTRACT`` names another file.
SPEC = Path(
    os.environ.get("FORMANCE_ORCH_CONTRACT")
    or Path(__file__).resolve().parents[2]
    / "shared"
    / "reference"
    / "orchestration-v2.openapi.yaml"
)
#: The start of every skip reason for a missing contract (counted at the end of the run).
MISSING = "the OpenAPI contract is not available"
_BASE = "urn:orchestration-v2"


def _as_json_schema(node: Any) -> Any:
    """OpenAPI 3.0 schema keywords that JSON Schema lacks, in JSON Schema terms.

    ``nullable`` becomes ``type: [T, "null"]``; a ``oneOf`` with a
    ``discriminator`` mapping becomes one branch per tag value, each requiring
    that value, as OpenAPI means it.
    """
    if isinstance(node, list):
        return [_as_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _as_json_schema(value) for key, value in node.items()}
    if node.pop("nullable", False) and isinstance(node.get("type"), str):
        node["type"] = [node["type"], "null"]
    discriminator = node.pop("discriminator", None)
    if discriminator and "mapping" in discriminator and "oneOf" in node:
        tag = discriminator["propertyName"]
        node["oneOf"] = [
            {"allOf": [{"properties": {tag: {"enum": [value]}}, "required": [tag]}, {"$ref": ref}]}
            for value, ref in discriminator["mapping"].items()
        ]
    return node


def _pointer(*parts: str) -> str:
    return "/".join(part.replace("~", "~0").replace("/", "~1") for part in parts)


class Contract:
    """The operations of the contract, and validators for their messages."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = _as_json_schema(spec)
        resource = Resource.from_contents(self.spec, default_specification=DRAFT4)
        self._registry: Registry[Any] = Registry().with_resource(_BASE, resource)
        self._routes = [
            (re.compile("^" + re.sub(r"\{\w+\}", "([^/]+)", template) + "$"), template)
            for template in self.spec["paths"]
        ]

    def _validate(self, instance: Any, *pointer: str) -> None:
        schema = {"$ref": f"{_BASE}#/{_pointer(*pointer)}"}
        jsonschema.Draft4Validator(schema, registry=self._registry).validate(instance)

    def route(self, method: str, raw_path: str) -> tuple[str, dict[str, str]]:
        """The contract's path template for a request path, and its path values."""
        assert raw_path.startswith(API + "/"), raw_path
        path = raw_path[len(API) :].split("?", 1)[0]
        for pattern, template in self._routes:
            match = pattern.match(path)
            if match and method.lower() in self.spec["paths"][template]:
                names = re.findall(r"\{(\w+)\}", template)
                return template, dict(zip(names, map(unquote, match.groups()), strict=True))
        raise AssertionError(f"{method} {path} is not in the contract")

    def _parameters(self, template: str, method: str) -> list[dict[str, Any]]:
        item = self.spec["paths"][template]
        declared = [*item.get("parameters", []), *item[method.lower()].get("parameters", [])]
        resolved = []
        for parameter in declared:
            if "$ref" in parameter:
                name = parameter["$ref"].rsplit("/", 1)[1]
                parameter = self.spec["components"]["parameters"][name]
            resolved.append(parameter)
        return resolved

    def check_request(self, request: Recorded) -> str:
        """Assert that a recorded request is one the contract allows; returns its template."""
        template, path_values = self.route(request.method, request.raw_path)
        parameters = self._parameters(template, request.method)
        by_place: dict[str, dict[str, dict[str, Any]]] = {"path": {}, "query": {}}
        for parameter in parameters:
            by_place.setdefault(parameter["in"], {})[parameter["name"]] = parameter
        assert set(path_values) == set(by_place["path"])
        for name, text in path_values.items():
            _check_text(text, by_place["path"][name]["schema"], name)
        unknown = set(request.query) - set(by_place["query"])
        assert not unknown, f"query parameters not in the contract: {unknown}"
        for name, parameter in by_place["query"].items():
            if name in request.query:
                _check_text(request.query[name], parameter["schema"], name)
            else:
                assert not parameter.get("required"), f"missing required query {name}"
        operation = self.spec["paths"][template][request.method.lower()]
        if "requestBody" in operation:
            assert request.headers["Content-Type"] == "application/json"
            self._validate(
                request.json,
                "paths",
                template,
                request.method.lower(),
                "requestBody",
                "content",
                "application/json",
                "schema",
            )
        else:
            assert request.body == b"", "the contract defines no body here"
        return template

    def check_response(self, method: str, raw_path: str, status: int, body: Any) -> None:
        """Assert that ``body`` is what the contract says ``status`` carries."""
        template, _ = self.route(method, raw_path)
        responses = self.spec["paths"][template][method.lower()]["responses"]
        key = str(status) if str(status) in responses else "default"
        response = responses[key]
        if "$ref" in response:
            name = response["$ref"].rsplit("/", 1)[1]
            self._validate(
                body, "components", "responses", name, "content", "application/json", "schema"
            )
            return
        if "content" not in response:
            assert body is None, f"{status} carries no body in the contract"
            return
        self._validate(
            body,
            "paths",
            template,
            method.lower(),
            "responses",
            key,
            "content",
            "application/json",
            "schema",
        )


def _check_text(text: str, schema: dict[str, Any], name: str) -> None:
    kind = schema.get("type")
    if kind == "integer":
        value: Any = int(text)
    elif kind == "boolean":
        assert text in ("true", "false"), f"{name}={text!r} is not a boolean"
        value = text == "true"
    else:
        value = text
    jsonschema.Draft4Validator(schema).validate(value)


@functools.cache
def _load() -> Contract | None:
    if not SPEC.is_file():
        return None
    return Contract(yaml.safe_load(SPEC.read_text()))


def contract() -> Contract:
    """The contract, or skip the test when ``../shared`` is not there."""
    loaded = _load()
    if loaded is None:
        pytest.skip(f"{MISSING} at {SPEC}")
    return loaded
