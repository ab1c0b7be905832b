"""Two things every HTTP exchange of the SDK shares: reading a body, and naming a URL.

``read_body`` is the one place a response body is read, for the API and the
token endpoint alike: in chunks as they arrive (decompressed), never more
than a limit. ``where`` is how a URL appears in errors and logs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import aiohttp
    import yarl

__all__ = ["read_body", "where"]


async def read_body(response: aiohttp.ClientResponse, limit: int) -> bytes | None:
    """The whole body, or None when it is larger than ``limit`` bytes once decompressed.

    A body over the limit is not read further: the connection is closed
    instead. A declared ``Content-Length`` over the limit (uncompressed) is
    refused before reading anything.
    """
    length = response.content_length
    if length is not None and length > limit and "Content-Encoding" not in response.headers:
        response.close()
        return None
    content = response.content
    chunks = []
    size = 0
    while chunk := await content.readany():
        size += len(chunk)
        if size > limit:
            response.close()
            return None
        chunks.append(chunk)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def where(url: yarl.URL) -> str:
    """``scheme://host:port/path``: a URL as errors and logs show it (no credentials, no query)."""
    return f"{url.scheme}://{url.host_subcomponent}:{url.port}{url.raw_path}"
