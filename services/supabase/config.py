"""Where the Supabase project is and which key to use: from secrets or the environment.

The key is a `SecretStr` from the moment it is read, so printing settings, logging them or
putting them in an exception shows `**********`; `redact` scrubs it from any text that came
back from elsewhere (a server's error message may echo a header).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import jwt
from pydantic import BaseModel, Field, SecretStr, ValidationError, field_validator

from services.supabase.errors import SupabaseConfigError

ENV_URL, ENV_KEY = "SUPABASE_URL", "SUPABASE_KEY"
ENV_PUBLISHABLE = "SUPABASE_PUBLISHABLE_KEY"  # the key a public landing page may carry (anon)
HOW_TO_CONFIGURE = (
    "Add to `.streamlit/secrets.toml`:\n\n"
    "```toml\n[connections.supabase]\nurl = \"https://YOUR-PROJECT.supabase.co\"\nkey = \"YOUR-KEY\"\n```\n\n"
    f"or set the environment variables `{ENV_URL}` and `{ENV_KEY}`. Use a key that may read the "
    "tables (a signed-in user's or the service role's): the anon key sees no rows."
)


class SupabaseSettings(BaseModel):
    url: str = Field(description="project URL, e.g. https://abc.supabase.co")
    key: SecretStr = Field(description="API key (JWT) used for both PostgREST and Storage")
    timeout: float = Field(default=30.0, gt=0, description="seconds per request before giving up")
    retries: int = Field(default=3, ge=0, description="extra attempts for timeouts, 5xx and dropped connections")
    backoff: float = Field(default=0.5, ge=0, description="first wait between attempts; doubles each time")
    page_size: int = Field(default=1000, ge=1, le=1000, description="rows per request (Supabase caps at 1000)")
    workers: int = Field(default=4, ge=1, le=32, description="requests in flight at once")

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        parts = urlsplit(value)
        if parts.scheme not in {"http", "https"} or not parts.netloc:
            raise ValueError("must be an http(s) URL such as https://abc.supabase.co")
        return value

    @property
    def host(self) -> str:
        """What a page may show about where the data comes from."""
        return urlsplit(self.url).netloc

    @property
    def role(self) -> str | None:
        """The key's role (`anon`, `service_role`…), read from the key itself."""
        return key_role(self.key.get_secret_value())

    def redact(self, text: str) -> str:
        """`text` with the key replaced, so an error never shows it."""
        key = self.key.get_secret_value()
        return text.replace(key, "[key]") if key else text


def settings_from(values: Mapping[str, Any], **overrides: Any) -> SupabaseSettings:
    """Settings from a mapping (a secrets section); errors name the field, never its value."""
    try:
        return SupabaseSettings(**{**dict(values), **overrides})
    except ValidationError as exc:
        problems = "; ".join(f"`{'.'.join(str(p) for p in e['loc'])}` {_plain(e['msg'])}" for e in exc.errors())
        raise SupabaseConfigError(f"Supabase settings: {problems}") from None


def _plain(message: str) -> str:
    message = message.removeprefix("Value error, ")
    return message[:1].lower() + message[1:]


def settings_from_env(environ: Mapping[str, str] | None = None, **overrides: Any) -> SupabaseSettings | None:
    """Settings from SUPABASE_URL / SUPABASE_KEY, or None when neither is set."""
    env = os.environ if environ is None else environ
    url, key = env.get(ENV_URL, "").strip(), env.get(ENV_KEY, "").strip()
    if not url and not key:
        return None
    if not url or not key:
        missing = ENV_URL if not url else ENV_KEY
        raise SupabaseConfigError(f"{missing} is not set (both {ENV_URL} and {ENV_KEY} are needed)")
    return settings_from({"url": url, "key": key}, **overrides)


def key_role(key: str) -> str | None:
    """The `role` claim of a JWT API key, read without verifying it (only the server can).

    Used to explain an empty answer: row level security gives the anon role no rows and no error.
    """
    if key.startswith("sb_secret_"):  # Supabase's newer opaque keys say their kind in the prefix
        return "service_role"
    if key.startswith("sb_publishable_"):
        return "anon"
    try:
        claims = jwt.decode(key, options={"verify_signature": False})
    except jwt.InvalidTokenError:
        return None
    role = claims.get("role")
    return role if isinstance(role, str) else None


def publishable_key(values: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None) -> str | None:
    """The project's publishable (anon) key, for public pages: `publishable_key` in the secrets'
    `[connections.supabase]`, or SUPABASE_PUBLISHABLE_KEY. Never the studio's own key."""
    env = os.environ if environ is None else environ
    key = str((values or {}).get("publishable_key") or env.get(ENV_PUBLISHABLE) or "").strip()
    return key or None
