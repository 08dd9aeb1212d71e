"""Who may publish. Reading and previewing are open to whoever reaches the dashboard;
publishing is the one action that is guarded.

- `[auth]` in secrets (Streamlit's OIDC login): only the emails in `[publishing] allowed_emails`.
- else `[publishing] password` (or STUDIO_PUBLISH_PASSWORD): whoever types it.
- else nobody: the dashboard is read-only.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, Field, SecretStr

ENV_PASSWORD = "STUDIO_PUBLISH_PASSWORD"
HOW_TO_ENABLE = (
    "Publishing is off: nobody is allowed to publish yet. To allow it, either configure Streamlit's login "
    "(an `[auth]` section in `.streamlit/secrets.toml`) and list who may publish:\n\n"
    "```toml\n[publishing]\nallowed_emails = [\"owner@example.com\"]\n```\n\n"
    f"or set a publishing password (`password` under `[publishing]`, or the `{ENV_PASSWORD}` environment variable)."
)


class AccessPolicy(BaseModel):
    mode: Literal["login", "password", "none"]
    allowed_emails: list[str] = Field(default_factory=list)
    password: SecretStr | None = None


def policy_from(secrets: Mapping[str, Any], environ: Mapping[str, str] | None = None) -> AccessPolicy:
    """The policy the secrets configure: login with allowed emails, a password, or nobody."""
    env = os.environ if environ is None else environ
    publishing = secrets.get("publishing") or {}
    if secrets.get("auth"):
        emails = [str(e).strip().lower() for e in publishing.get("allowed_emails") or [] if str(e).strip()]
        return AccessPolicy(mode="login", allowed_emails=emails)
    password = str(publishing.get("password") or env.get(ENV_PASSWORD) or "")
    if password:
        return AccessPolicy(mode="password", password=SecretStr(password))
    return AccessPolicy(mode="none")


def password_ok(policy: AccessPolicy, given: str) -> bool:
    """Constant-time comparison of digests (neither the length nor a prefix leaks)."""
    if policy.mode != "password" or policy.password is None or not given:
        return False
    expected = hashlib.sha256(policy.password.get_secret_value().encode()).digest()
    return hmac.compare_digest(hashlib.sha256(given.encode()).digest(), expected)


def email_allowed(policy: AccessPolicy, email: str | None) -> bool:
    """Whether a logged-in user's email may publish (case and spaces ignored)."""
    return policy.mode == "login" and email is not None and email.strip().lower() in policy.allowed_emails
