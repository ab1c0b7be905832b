"""The clients under test, behind one small interface.

Each contender authenticates with OAuth2 client credentials against the bench
server (the raw client fetches the token itself, once), then answers
``get_instance(id)`` and ``list_instances()`` (a page of 1000) with decoded
values, raising on any failure so that a broken call can never pass for a
fast one. ``decode_list(body)`` is the contender's decoding path alone,
from the bytes of a 1000-instance page.

Contenders are measured one block at a time: ``activate()`` is called
before each block, which lets ``formance_orch`` with and without orjson
share one process.
"""

from __future__ import annotations

import json
import sys
from typing import Any, Optional

from bench import INSTANCES_PATH, TOKEN_PATH

CLIENT_ID = "bench-client"
CLIENT_SECRET = "bench-client-secret"
PAGE_SIZE = 1000


class Contender:
    """One client under test; subclasses implement the calls."""

    #: Short key used on the command line and in the JSON results.
    key = ""
    #: Column title in the table.
    title = ""

    async def open(self, url: str, warm_up_id: str) -> None:
        """Connect to ``url``; one ``get_instance(warm_up_id)`` authenticates and warms up."""
        raise NotImplementedError

    def activate(self) -> None:
        """Prepare the process for a block of this contender's calls."""

    async def get_instance(self, instance_id: str) -> Any:
        """Get one instance; raises on any failure."""
        raise NotImplementedError

    async def list_instances(self) -> Any:
        """Get a page of 1000 instances; raises on any failure."""
        raise NotImplementedError

    def decode_list(self, body: bytes) -> Any:
        """Decode a page from its bytes alone, as the contender does after reading it."""
        raise NotImplementedError

    async def close(self) -> None:
        """Release connections."""


class RawAiohttp(Contender):
    """The floor: one ``aiohttp.ClientSession``, ``get`` and ``await resp.json()``."""

    key = "raw"
    title = "raw aiohttp"

    async def open(self, url: str, warm_up_id: str) -> None:
        """Fetch a token once, then send it with every request."""
        import aiohttp

        self._session = aiohttp.ClientSession()
        form = {"grant_type": "client_credentials", "client_id": CLIENT_ID}
        form["client_secret"] = CLIENT_SECRET
        async with self._session.post(url + TOKEN_PATH, data=form) as resp:
            resp.raise_for_status()
            token = (await resp.json())["access_token"]
        self._session.headers["Authorization"] = f"Bearer {token}"
        self._base = url + INSTANCES_PATH
        self._list_url = f"{self._base}?pageSize={PAGE_SIZE}"
        await self.get_instance(warm_up_id)

    async def get_instance(self, instance_id: str) -> Any:
        """``GET .../instances/{id}`` and ``resp.json()``."""
        async with self._session.get(f"{self._base}/{instance_id}") as resp:
            if resp.status != 200:
                raise RuntimeError(f"HTTP {resp.status}")
            return (await resp.json())["data"]

    async def list_instances(self) -> Any:
        """``GET .../instances?pageSize=1000`` and ``resp.json()``."""
        async with self._session.get(self._list_url) as resp:
            if resp.status != 200:
                raise RuntimeError(f"HTTP {resp.status}")
            return (await resp.json())["cursor"]

    def decode_list(self, body: bytes) -> Any:
        """``json.loads``, as ``resp.json()`` does."""
        return json.loads(body)["cursor"]

    async def close(self) -> None:
        """Close the session."""
        await self._session.close()


class FormanceOrch(Contender):
    """This project: ``orchestration_v2_get_instance`` / ``_list_instances`` on an ``SDKCore``.

    With ``use_orjson=False`` the SDK's JSON parser is switched to the stdlib
    for this contender's blocks (as when orjson is not installed).
    """

    def __init__(self, *, use_orjson: bool = True) -> None:
        self.use_orjson = use_orjson
        self.key = "orch" if use_orjson else "orch_stdlib_json"
        self.title = "formance_orch" if use_orjson else "formance_orch, stdlib json"

    async def open(self, url: str, warm_up_id: str) -> None:
        """Build the core with ``Security`` client credentials; one call fetches the token."""
        from formance_orch import SDKCore, Security, _json
        from formance_orch.funcs.orchestration_v2_get_instance import (
            orchestration_v2_get_instance,
        )
        from formance_orch.funcs.orchestration_v2_list_instances import (
            orchestration_v2_list_instances,
        )

        self._json = _json
        self._orjson = getattr(_json, "_orjson", None)
        if not self.use_orjson and not hasattr(_json, "_orjson"):
            raise RuntimeError("formance_orch._json._orjson is gone: cannot switch orjson off")
        if self.use_orjson and self._orjson is None:
            self.title = "formance_orch (orjson missing!)"
        self._get = orchestration_v2_get_instance
        self._list = orchestration_v2_list_instances
        self._core = SDKCore(
            server_url=url, security=Security(client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
        )
        self.activate()
        await self.get_instance(warm_up_id)

    def activate(self) -> None:
        """Point ``_json`` at orjson, or at nothing (stdlib json)."""
        self._json._orjson = self._orjson if self.use_orjson else None

    async def get_instance(self, instance_id: str) -> Any:
        """``orchestration_v2_get_instance(core, id).unwrap()``."""
        return (await self._get(self._core, instance_id)).unwrap()

    async def list_instances(self) -> Any:
        """``orchestration_v2_list_instances(core, page_size=1000).unwrap()``."""
        return (await self._list(self._core, page_size=PAGE_SIZE)).unwrap()

    def decode_list(self, body: bytes) -> Any:
        """``_json.loads`` and the list operation's structure function, as the request path does."""
        from formance_orch._decode import paused_gc
        from formance_orch.funcs.orchestration_v2_list_instances import _OPERATION

        response = _OPERATION.response
        with paused_gc():  # the request path pauses the GC for bodies of 64 KiB and more
            return response.decode(self._json.loads(body, exact_numbers=response.exact_numbers))

    async def close(self) -> None:
        """Close the core (and its session); restore orjson."""
        self._json._orjson = self._orjson
        await self._core.aclose()


class SpeakeasySDK(Contender):
    """The peer: ``formance-sdk-python`` (Speakeasy-generated, httpx + pydantic)."""

    key = "peer"
    title = "formance-sdk-python"

    async def open(self, url: str, warm_up_id: str) -> None:
        """Build the SDK with client credentials; one call fetches the token."""
        from formance_sdk_python import SDK
        from formance_sdk_python.models import operations, orchestration, shared
        from formance_sdk_python.utils.serializers import unmarshal_json

        self._operations = operations
        self._page_type = Optional[orchestration.V2ListRunsResponse]  # noqa: UP045 - as the SDK
        self._unmarshal_json = unmarshal_json
        self._sdk = SDK(
            server_url=url,
            security=shared.Security(client_id=CLIENT_ID, client_secret=CLIENT_SECRET),
        )
        self._v2 = self._sdk.orchestration.v2
        await self.get_instance(warm_up_id)

    async def get_instance(self, instance_id: str) -> Any:
        """``sdk.orchestration.v2.get_instance_async(request=V2GetInstanceRequest(...))``."""
        request = self._operations.V2GetInstanceRequest(instance_id=instance_id)
        response = await self._v2.get_instance_async(request=request)
        return response.v2_get_workflow_instance_response.data

    async def list_instances(self) -> Any:
        """``sdk.orchestration.v2.list_instances_async(request=V2ListInstancesRequest(...))``."""
        request = self._operations.V2ListInstancesRequest(page_size=PAGE_SIZE)
        response = await self._v2.list_instances_async(request=request)
        return response.v2_list_runs_response.cursor

    def decode_list(self, body: bytes) -> Any:
        """What the operation does after reading: ``unmarshal_json(response.text, type)``."""
        return self._unmarshal_json(body.decode(), self._page_type).cursor

    async def close(self) -> None:
        """Close both of the SDK's httpx clients."""
        self._sdk.__exit__(None, None, None)
        await self._sdk.__aexit__(None, None, None)


async def fetch_page(url: str) -> bytes:
    """The bytes of a 1000-instance page: the input of every ``decode_list``."""
    import aiohttp

    form = {"grant_type": "client_credentials", "client_id": CLIENT_ID}
    form["client_secret"] = CLIENT_SECRET
    async with aiohttp.ClientSession(raise_for_status=True) as session:
        async with session.post(url + TOKEN_PATH, data=form) as resp:
            token = (await resp.json())["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        page_url = f"{url}{INSTANCES_PATH}?pageSize={PAGE_SIZE}"
        async with session.get(page_url, headers=headers) as resp:
            return await resp.read()


def all_contenders() -> list[Contender]:
    """Every contender, the floor first."""
    return [RawAiohttp(), FormanceOrch(), FormanceOrch(use_orjson=False), SpeakeasySDK()]


async def open_in_child(key: str, url: str) -> tuple[Contender, list[str]]:
    """In a measuring subprocess: contender ``key``, opened and active, and the ids on stdin.

    ``orch_stdlib_json`` runs as if orjson were not installed: its import is
    blocked before ``formance_orch`` is first imported (call this first).
    """
    if key == "orch_stdlib_json":
        sys.modules["orjson"] = None  # type: ignore[assignment] - as if not installed
    ids: list[str] = json.loads(sys.stdin.read())
    contender = by_key(key)
    await contender.open(url, ids[0])
    contender.activate()
    return contender, ids


def by_key(key: str) -> Contender:
    """A fresh contender by its key."""
    for contender in all_contenders():
        if contender.key == key:
            return contender
    raise KeyError(key)
