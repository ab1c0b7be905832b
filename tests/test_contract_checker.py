"""The contract checker itself rejects what the contract forbids."""

from __future__ import annotations

import jsonschema
import pytest
from multidict import CIMultiDict

from tests.bodies import trigger_json
from tests.contract import contract
from tests.support import API, Recorded


def recorded(method: str, raw_path: str, query=None, body: bytes = b"", content_type=None):
    headers = CIMultiDict({"Content-Type": content_type} if content_type else {})
    return Recorded(method, raw_path, raw_path.split("?")[0], query or {}, headers, body, {})


def test_accepts_a_valid_request() -> None:
    request = recorded("GET", f"{API}/v2/instances?running=true", {"running": "true"})
    assert contract().check_request(request) == "/v2/instances"


@pytest.mark.parametrize(
    "request_",
    [
        recorded("GET", f"{API}/v2/nowhere"),
        recorded("PATCH", f"{API}/v2/instances/x"),
        recorded("GET", f"{API}/v2/instances?bogus=1", {"bogus": "1"}),
        recorded("GET", f"{API}/v2/instances?pageSize=0", {"pageSize": "0"}),
        recorded("GET", f"{API}/v2/instances?running=yes", {"running": "yes"}),
        recorded("GET", f"{API}/v2/instances/x/stages/one/history"),
        recorded(
            "POST", f"{API}/v2/triggers", body=b'{"event": "e"}', content_type="application/json"
        ),
        recorded("PUT", f"{API}/v2/instances/x/abort", body=b"{}"),
    ],
)
def test_rejects_requests_outside_the_contract(request_) -> None:
    with pytest.raises((AssertionError, jsonschema.ValidationError, ValueError)):
        contract().check_request(request_)


def test_rejects_answers_outside_the_contract() -> None:
    spec = contract()
    spec.check_response("GET", f"{API}/v2/triggers/t", 200, {"data": trigger_json()})
    with pytest.raises(jsonschema.ValidationError):
        spec.check_response("GET", f"{API}/v2/triggers/t", 200, {"data": {"id": "t"}})
    with pytest.raises(jsonschema.ValidationError):
        spec.check_response(
            "GET", f"{API}/v2/triggers/t", 404, {"errorCode": "NOPE", "errorMessage": "x"}
        )
    subject = {"type": "WALLET", "identifier": 5}
    body = {
        "data": [
            {
                "name": "n",
                "input": {
                    "DebitWallet": {
                        "data": {
                            "amount": {"asset": "a", "amount": 1},
                            "metadata": {},
                            "destination": subject,
                        }
                    }
                },
                "terminated": True,
                "startedAt": "2024-01-01T00:00:00Z",
                "attempt": 1,
            }
        ]
    }
    with pytest.raises(jsonschema.ValidationError):
        spec.check_response("GET", f"{API}/v2/instances/i/stages/0/history", 200, body)
