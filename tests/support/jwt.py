"""HS256 JSON Web Tokens, as Supabase issues them for its API keys (test support only).

PyJWT (already installed: supabase-py's auth client depends on it) mints keys for `anon`,
`authenticated` and `service_role`, and the gateway checks them with it.
"""

from __future__ import annotations

import time

import jwt


def sign(claims: dict, secret: str) -> str:
    """A token carrying `claims`, signed with `secret` (HS256, as a Supabase project signs)."""
    return jwt.encode(claims, secret, algorithm="HS256")


def api_key(role: str, secret: str, lifetime: int = 3600, sub: str | None = None) -> str:
    """A key like the ones in a Supabase project's settings (negative lifetime: already expired)."""
    now = int(time.time())
    claims: dict = {"role": role, "iss": "supabase-test", "iat": now, "exp": now + lifetime}
    if sub:
        claims["sub"] = sub
    return sign(claims, secret)


def verify(token: str, secret: str, require_unexpired: bool = True) -> dict | None:
    """The claims of a valid (and, unless told otherwise, unexpired) token signed with `secret`;
    None otherwise."""
    try:
        claims = jwt.decode(token, secret, algorithms=["HS256"],
                            options={"verify_exp": require_unexpired, "verify_iat": False, "verify_aud": False})
    except jwt.InvalidTokenError:
        return None
    return claims if isinstance(claims, dict) else None
