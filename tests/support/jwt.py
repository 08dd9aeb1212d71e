"""HS256 JSON Web Tokens, as Supabase issues them for its API keys (test support only).

Eleven lines of standard library instead of a dependency: the tests need to mint keys for
`anon`, `authenticated` and `service_role`, and the gateway needs to check them.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign(claims: dict, secret: str) -> str:
    header = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    payload = _b64(json.dumps(claims).encode())
    signature = hmac.new(secret.encode(), f"{header}.{payload}".encode(), hashlib.sha256).digest()
    return f"{header}.{payload}.{_b64(signature)}"


def api_key(role: str, secret: str, lifetime: int = 3600, sub: str | None = None) -> str:
    """A key like the ones in a Supabase project's settings (negative lifetime: already expired)."""
    now = int(time.time())
    claims = {"role": role, "iss": "supabase-test", "iat": now, "exp": now + lifetime}
    if sub:
        claims["sub"] = sub
    return sign(claims, secret)


def verify(token: str, secret: str, require_unexpired: bool = True) -> dict | None:
    """The claims of a valid (and, unless told otherwise, unexpired) token signed with `secret`;
    None otherwise."""
    try:
        header, payload, signature = token.split(".")
        expected = hmac.new(secret.encode(), f"{header}.{payload}".encode(), hashlib.sha256).digest()
        if not hmac.compare_digest(_unb64(signature), expected):
            return None
        claims = json.loads(_unb64(payload))
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(claims, dict):
        return None
    if require_unexpired and claims.get("exp", float("inf")) < time.time():
        return None
    return claims
