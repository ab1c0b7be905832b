"""Ok and Err: pattern matching, unwrap, flags."""

from __future__ import annotations

import pytest

from formance_orch import APIError, Err, InvalidRequestError, Ok, ResponseMeta


def test_ok() -> None:
    meta = ResponseMeta(200, {}, 1, 0.01)
    result = Ok(5, meta)
    assert result.ok is True
    assert result.unwrap() == 5
    assert result.unwrap_or(0) == 5
    match result:
        case Ok(value=value, meta=ResponseMeta(status=status)):
            assert (value, status) == (5, 200)
        case _:
            pytest.fail("Ok did not match")


def test_err() -> None:
    error = APIError(status=404, error_code="NOT_FOUND", error_message="x", body="", headers={})
    result = Err(error)
    assert result.ok is False
    assert result.unwrap_or("default") == "default"
    with pytest.raises(APIError) as raised:
        result.unwrap()
    assert raised.value is error
    match result:
        case Ok():
            pytest.fail("Err matched Ok")
        case Err(error=APIError(status=404)):
            pass
        case _:
            pytest.fail("Err did not match")


def test_results_compare_by_value() -> None:
    assert Ok(1) == Ok(1)
    assert Ok(1) != Ok(2)
    error = InvalidRequestError("x")
    assert Err(error) == Err(error)


def test_hand_built_results_carry_an_empty_meta() -> None:
    from formance_orch.result import NO_META

    assert Ok(1).meta is NO_META
    assert Err(InvalidRequestError("x")).meta == ResponseMeta(0, {}, 0, 0.0)
