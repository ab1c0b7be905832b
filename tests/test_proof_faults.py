"""Byte-level faults from a raw asyncio server, for every operation.

Connections closed or reset before answering or mid-body, garbage, broken
chunking, corrupt or truncated gzip, malformed status and header lines, lying
lengths, stalls before the headers, mid-headers and mid-body. Every call ends
as a classified ``Err`` (or ``Ok``, for the few answers that are odd but
valid) within its timeout, and the next call on the same core is ``Ok``.
"""

from __future__ import annotations

import asyncio
import gc
import gzip
import json
import typing

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from formance_orch import BearerToken, Err, Ok, OperationError, RetryConfig, SDKCore
from tests import proof
from tests.proof import FIGURES, SETTINGS
from tests.test_operations import CASES, Case

pytestmark = pytest.mark.proof

#: Seconds one attempt may take: the stalls wait it out.
TIMEOUT = 0.3
TOKEN = proof.TOKEN_PREFIX + "-static"

Writer = asyncio.StreamWriter
Fault = proof.Fault


def answer(status: int, body: bytes, *headers: str) -> bytes:
    head = [f"HTTP/1.1 {status} Whatever", f"Content-Length: {len(body)}", *headers]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


def good_answer(case: Case) -> bytes:
    if case.answer is None:
        return b"HTTP/1.1 204 No Content\r\n\r\n"
    return answer(case.status, json.dumps(case.answer).encode(), "Content-Type: application/json")


async def close_before_answering(writer: Writer, server: proof.RawServer, _: bytes) -> bool:
    return False


async def reset(writer: Writer, server: proof.RawServer, _: bytes) -> bool:
    writer.transport.abort()
    return False


async def close_mid_headers(writer: Writer, server: proof.RawServer, _: bytes) -> bool:
    writer.write(b"HTTP/1.1 200 OK\r\nContent-Ty")
    return False


async def close_mid_body(writer: Writer, server: proof.RawServer, _: bytes) -> bool:
    writer.write(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 99\r\n\r\n{"
    )
    return False


async def garbage(writer: Writer, server: proof.RawServer, _: bytes) -> bool:
    writer.write(server.garbage)
    return False


async def bad_status_line(writer: Writer, server: proof.RawServer, _: bytes) -> bool:
    writer.write(b"HTTP/1.1 2x0 OK\r\nContent-Length: 0\r\n\r\n")
    return False


async def bad_header_line(writer: Writer, server: proof.RawServer, _: bytes) -> bool:
    writer.write(b"HTTP/1.1 200 OK\r\nNo colon here\r\nContent-Length: 2\r\n\r\n{}")
    return False


async def nul_in_header(writer: Writer, server: proof.RawServer, _: bytes) -> bool:
    writer.write(b"HTTP/1.1 200 OK\r\nX-A: a\x00b\r\nContent-Length: 2\r\n\r\n{}")
    return False


async def huge_header(writer: Writer, server: proof.RawServer, _: bytes) -> bool:
    writer.write(b"HTTP/1.1 200 OK\r\nX-A: " + b"a" * 100_000 + b"\r\nContent-Length: 2\r\n\r\n{}")
    return False


async def broken_chunking(writer: Writer, server: proof.RawServer, _: bytes) -> bool:
    writer.write(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"zz\r\n{}\r\n0\r\n\r\n"
    )
    return False


async def truncated_chunk(writer: Writer, server: proof.RawServer, _: bytes) -> bool:
    writer.write(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
        b'40\r\n{"data":'
    )
    return False


async def corrupt_gzip(writer: Writer, server: proof.RawServer, _: bytes) -> bool:
    writer.write(answer(200, b"\x1f\x8b\x08\x00" + server.garbage, "Content-Encoding: gzip"))
    return True


async def truncated_gzip(writer: Writer, server: proof.RawServer, _: bytes) -> bool:
    whole = gzip.compress(b'{"data": {"id": "x"}}' * 50)
    writer.write(answer(200, whole[: len(whole) // 2], "Content-Encoding: gzip"))
    return True


async def lying_length(writer: Writer, server: proof.RawServer, _: bytes) -> bool:
    # Declares 2 bytes, sends 30: the rest poisons the connection for the next answer.
    writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n")
    writer.write(b"{}HTTP/1.1 200 OK\r\nX: y\r\n\r\n")
    return True


async def two_lengths(writer: Writer, server: proof.RawServer, _: bytes) -> bool:
    writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}")
    return False


async def stall_before_headers(writer: Writer, server: proof.RawServer, _: bytes) -> bool:
    await server.release.wait()
    return False


async def stall_mid_headers(writer: Writer, server: proof.RawServer, _: bytes) -> bool:
    writer.write(b"HTTP/1.1 200 OK\r\nContent-")
    await writer.drain()
    await server.release.wait()
    return False


async def stall_mid_body(writer: Writer, server: proof.RawServer, _: bytes) -> bool:
    writer.write(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 50\r\n\r\n{"
    )
    await writer.drain()
    await server.release.wait()
    return False


async def continue_then_answer(writer: Writer, server: proof.RawServer, _: bytes) -> bool:
    writer.write(b"HTTP/1.1 100 Continue\r\n\r\n" + server.good)
    return True


async def close_delimited(writer: Writer, server: proof.RawServer, _: bytes) -> bool:
    head, _, body = server.good.partition(b"\r\n\r\n")
    lines = [line for line in head.split(b"\r\n") if not line.lower().startswith(b"content-length")]
    writer.write(b"\r\n".join(lines).replace(b"HTTP/1.1", b"HTTP/1.0", 1) + b"\r\n\r\n" + body)
    return False


FAULTS: dict[str, Fault] = {
    fault.__name__: fault
    for fault in (
        close_before_answering,
        reset,
        close_mid_headers,
        close_mid_body,
        garbage,
        bad_status_line,
        bad_header_line,
        nul_in_header,
        huge_header,
        broken_chunking,
        truncated_chunk,
        corrupt_gzip,
        truncated_gzip,
        lying_length,
        two_lengths,
        stall_before_headers,
        stall_mid_headers,
        stall_mid_body,
        continue_then_answer,
        close_delimited,
    )
}
#: Odd but valid: these may well end as Ok.
VALID = {"continue_then_answer", "close_delimited"}
#: Faults of the body alone: an operation answered without content never reads it.
BODY_ONLY = {"corrupt_gzip", "truncated_gzip", "lying_length"}
CLASSIFIED = typing.get_args(OperationError)


@settings(SETTINGS, max_examples=proof.FAULT_EXAMPLES)
@given(
    case=st.sampled_from(CASES),
    fault=st.sampled_from(sorted(FAULTS)),
    garbage_bytes=st.binary(min_size=1, max_size=200),
)
async def test_every_fault_ends_as_err_and_the_core_recovers(
    raw_server, secret_watch, case, fault, garbage_bytes
) -> None:
    core = SDKCore(
        server_url=raw_server.url,
        security=BearerToken(TOKEN),
        retries=RetryConfig.none(),
        timeout=TIMEOUT,
        log_bodies=True,
    )
    raw_server.good = good_answer(case)
    raw_server.garbage = garbage_bytes
    raw_server.release.clear()
    fds_before = proof.open_fds()
    try:
        raw_server.fault = FAULTS[fault]
        faulty = await proof.call_counted(case.call(core), guard=TIMEOUT * 10 + 5)
        FIGURES.faults[fault] += 1
        raw_server.fault = None
        raw_server.release.set()  # let any stalled answer go
        recovered = await proof.call_counted(case.call(core), guard=TIMEOUT * 10 + 5)
    finally:
        await core.aclose()

    proof.outcome(faulty, secrets=(TOKEN,))
    proof.outcome(recovered, secrets=(TOKEN,))
    secret_watch.check((TOKEN,))
    if fault not in VALID and not (case.answer is None and fault in BODY_ONLY):
        assert isinstance(faulty, Err), (fault, faulty)
    if isinstance(faulty, Err):
        assert isinstance(faulty.error, CLASSIFIED), faulty
    assert isinstance(recovered, Ok), (fault, recovered)
    FIGURES.examples[f"faults:{case.operation}"] += 1
    await raw_server.idle()
    gc.collect()
    proof.check_no_leaks(fds_before=fds_before)
