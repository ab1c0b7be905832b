"""Choosing a stack (server URL or Formance Cloud organization/environment) and credentials."""

from __future__ import annotations

import pytest
from aioresponses import aioresponses

from formance_orch import SDK, Ok, SDKCore, Security
from formance_orch.core import cloud_server_url
from formance_orch.funcs.orchestration_v2_get_server_info import orchestration_v2_get_server_info

CLOUD = "https://acme-1234.eu.sandbox.formance.cloud"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "FORMANCE_SERVER_URL",
        "FORMANCE_CLIENT_ID",
        "FORMANCE_CLIENT_SECRET",
        "FORMANCE_TOKEN_URL",
    ):
        monkeypatch.delenv(name, raising=False)


def test_organization_and_environment_make_the_cloud_url() -> None:
    core = SDKCore(organization="acme-1234", environment="eu.sandbox")

    assert core.server_url == CLOUD


def test_the_facade_takes_them_too() -> None:
    sdk = SDK(organization="acme-1234", environment="us-east-1")

    assert sdk.core.server_url == "https://acme-1234.us-east-1.formance.cloud"


def test_they_win_over_the_environment_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FORMANCE_SERVER_URL", "http://elsewhere:8080")

    assert SDKCore(organization="acme-1234", environment="eu.sandbox").server_url == CLOUD
    assert SDKCore().server_url == "http://elsewhere:8080"


async def test_requests_and_tokens_go_to_the_cloud_stack() -> None:
    security = Security(client_id="id-1", client_secret="cloud-secret-value")
    with aioresponses() as mocked:
        mocked.post(f"{CLOUD}/api/auth/oauth/token", payload={"access_token": "tok"})
        mocked.get(f"{CLOUD}/api/orchestration/v2/_info", payload={"version": "v2.1.0"})
        async with SDKCore(
            organization="acme-1234", environment="eu.sandbox", security=security
        ) as core:
            result = await orchestration_v2_get_server_info(core)

    assert isinstance(result, Ok)
    assert result.value.version == "v2.1.0"
    calls = {(method, str(url)) for method, url in mocked.requests}
    assert calls == {
        ("POST", f"{CLOUD}/api/auth/oauth/token"),
        ("GET", f"{CLOUD}/api/orchestration/v2/_info"),
    }


def test_server_url_with_organization_is_refused() -> None:
    with pytest.raises(ValueError, match="either server_url or organization and environment"):
        SDKCore(server_url="http://localhost", organization="acme", environment="sandbox")


@pytest.mark.parametrize(
    ("given", "missing"),
    [({"organization": "acme"}, "environment"), ({"environment": "sandbox"}, "organization")],
)
def test_one_without_the_other_names_the_missing_one(given: dict[str, str], missing: str) -> None:
    with pytest.raises(ValueError, match=f"{missing} is missing"):
        SDKCore(**given)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "organization", ["", "acme/x", "acme.formance.cloud/", "-acme", "acme-", "a..b", "acme:80"]
)
def test_values_that_cannot_be_part_of_a_host_are_refused(organization: str) -> None:
    with pytest.raises(ValueError, match="organization must be a host name part"):
        cloud_server_url(organization, "sandbox")


def test_credentials_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FORMANCE_CLIENT_ID", "client-7")
    monkeypatch.setenv("FORMANCE_CLIENT_SECRET", "env-secret-value")

    security = Security.from_env(scopes=("orchestration:read",))

    assert security == Security(
        client_id="client-7", client_secret="env-secret-value", scopes=("orchestration:read",)
    )
    assert "env-secret-value" not in repr(security)


def test_the_token_url_variable_is_optional(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FORMANCE_CLIENT_ID", "client-7")
    monkeypatch.setenv("FORMANCE_CLIENT_SECRET", "env-secret-value")
    monkeypatch.setenv("FORMANCE_TOKEN_URL", "https://auth.example/oauth/token")

    assert Security.from_env().token_url == "https://auth.example/oauth/token"


ID_ONLY = {"FORMANCE_CLIENT_ID": "client-7"}
SECRET_ONLY = {"FORMANCE_CLIENT_SECRET": "env-secret-value"}
EMPTY_SECRET = {"FORMANCE_CLIENT_ID": "client-7", "FORMANCE_CLIENT_SECRET": ""}


@pytest.mark.parametrize(
    ("present", "optional", "missing"),
    [
        ({}, False, "FORMANCE_CLIENT_ID"),
        (ID_ONLY, False, "FORMANCE_CLIENT_SECRET"),
        (ID_ONLY, True, "FORMANCE_CLIENT_SECRET"),  # half-configured is a mistake
        (SECRET_ONLY, False, "FORMANCE_CLIENT_ID"),
        (SECRET_ONLY, True, "FORMANCE_CLIENT_ID"),
        (EMPTY_SECRET, False, "FORMANCE_CLIENT_SECRET"),
    ],
)
def test_a_missing_variable_is_named_and_no_value_is_shown(
    monkeypatch: pytest.MonkeyPatch, present: dict[str, str], optional: bool, missing: str
) -> None:
    for name, value in present.items():
        monkeypatch.setenv(name, value)

    with pytest.raises(ValueError, match=f"{missing} is not set") as raised:
        Security.from_env(optional=optional)

    for value in filter(None, present.values()):
        assert value not in str(raised.value)


def test_optional_credentials_may_be_absent_altogether() -> None:
    assert Security.from_env(optional=True) is None
