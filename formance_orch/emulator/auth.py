"""The token endpoint and the bearer check (REAL-SERVER §8).

``POST /api/auth/oauth/token`` takes the client-credentials form (or HTTP
Basic credentials) of a configured client and answers an opaque token valid
for ``token_ttl`` seconds of the emulator's clock. When clients are
configured, every API route needs ``Authorization: Bearer <token>``; each
failure is a 401 with an empty body and no ``WWW-Authenticate``. With
``check_scopes``, reads need ``orchestration:read`` or ``orchestration:write``
and writes need ``orchestration:write`` (a missing scope is also 401).
"""

from __future__ import annotations

import base64
import binascii
import secrets
from collections.abc import Callable, Iterable, Mapping
from urllib.parse import parse_qsl

import attrs

from formance_orch.emulator.service import Answer

__all__ = ["Auth", "parse_clients"]

ALL_SCOPES = ("orchestration:read", "orchestration:write")
_READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


def parse_clients(clients: Mapping[str, str] | Iterable[str] | None) -> dict[str, str]:
    """Clients as ``{id: secret}``, from a mapping or ``"ID:SECRET"`` strings."""
    if clients is None:
        return {}
    if isinstance(clients, Mapping):
        return {str(key): str(value) for key, value in clients.items()}
    parsed = {}
    for entry in clients:
        client_id, sep, secret = entry.partition(":")
        if not sep or not client_id:
            raise ValueError(f"a client is ID:SECRET, got {entry!r}")
        parsed[client_id] = secret
    return parsed


@attrs.define
class _Token:
    expires_ns: int
    scopes: frozenset[str]


class Auth:
    """Issues tokens to configured clients and checks them on API requests."""

    def __init__(
        self,
        clients: dict[str, str],
        *,
        token_ttl: int,
        now_ns: Callable[[], int],
        check_scopes: bool = False,
    ) -> None:
        self.clients = clients
        self.token_ttl = token_ttl
        self.check_scopes = check_scopes
        self._now_ns = now_ns
        self._tokens: dict[str, _Token] = {}
        #: How many tokens were issued.
        self.issued = 0

    @property
    def enabled(self) -> bool:
        """Whether API routes need a token (some client is configured)."""
        return bool(self.clients)

    def issue(self, form_body: bytes, authorization: str | None) -> Answer:
        """Answer a token request."""
        try:
            form = dict(parse_qsl(form_body.decode("utf-8"), keep_blank_values=True))
        except UnicodeDecodeError:
            form = {}
        client_id, secret = form.get("client_id", ""), form.get("client_secret", "")
        if authorization and authorization[:6].lower() == "basic ":
            try:
                decoded = base64.b64decode(authorization[6:], validate=True).decode()
                client_id, _, secret = decoded.partition(":")
            except (binascii.Error, UnicodeDecodeError):
                return Answer(401, {"error": "invalid_client"})
        if form.get("grant_type") != "client_credentials":
            return Answer(400, {"error": "unsupported_grant_type"})
        known = self.clients.get(client_id)
        if known is None or not secrets.compare_digest(known.encode(), secret.encode()):
            return Answer(
                401,
                {"error": "invalid_client", "error_description": "client authentication failed"},
            )
        requested = frozenset(form.get("scope", "").split()) or frozenset(ALL_SCOPES)
        token = "emu-" + secrets.token_urlsafe(24)
        self.issued += 1
        self._tokens[token] = _Token(self._now_ns() + self.token_ttl * 1_000_000_000, requested)
        body: dict[str, object] = {
            "access_token": token,
            "token_type": "Bearer",
            "expires_in": self.token_ttl,
        }
        if form.get("scope"):
            body["scope"] = " ".join(sorted(requested))
        return Answer(200, body)

    def allows(self, method: str, authorization: str | None) -> bool:
        """Whether a request with this header may reach an API route."""
        if not self.enabled:
            return True
        if not authorization or authorization[:7] not in ("Bearer ", "bearer "):
            return False
        token = self._tokens.get(authorization[7:])
        if token is None or token.expires_ns <= self._now_ns():
            return False
        if not self.check_scopes:
            return True
        if method in _READ_METHODS:
            return bool(token.scopes & set(ALL_SCOPES))
        return "orchestration:write" in token.scopes
