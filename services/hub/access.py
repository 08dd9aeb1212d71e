"""Who may do what. Reading and previewing are open to whoever reaches the dashboard (unless the
deployment asks every visitor to sign in); four actions are guarded, by role:

| action | owner | marketing |
|---|---|---|
| read the leads and download their CSV (personal data) | yes | yes |
| publish a release | yes | no |
| reply on the Hub as the company | yes | no |
| accept or reject access requests | yes | no |

- `[auth]` in secrets (Streamlit's OpenID Connect login): `[access] owners` and `marketing` list the
  addresses of each role (`[publishing] allowed_emails` still names owners). A sign-in counts only
  with an address the provider says it verified (`email_verified`): a provider that lets anyone sign up
  under any address must not let a stranger in as `owner@…`. `[access] require_login = true` puts the
  whole dashboard behind the sign-in.
- else `[publishing] password` (or STUDIO_PUBLISH_PASSWORD): whoever types it is the owner.
- else nobody: the dashboard is read-only.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Iterable, Mapping
from typing import Any, Literal

from pydantic import BaseModel, Field, SecretStr

ENV_PASSWORD = "STUDIO_PUBLISH_PASSWORD"
Role = Literal["owner", "marketing"]
Action = Literal["read_leads", "publish", "reply", "decide_access"]
ROLE_ACTIONS: dict[Role, frozenset[Action]] = {
    "owner": frozenset({"read_leads", "publish", "reply", "decide_access"}),
    "marketing": frozenset({"read_leads"}),
}
ACTION_WORDS: dict[Action, str] = {"read_leads": "read the leads", "publish": "publish",
                                   "reply": "reply on the Hub as the company",
                                   "decide_access": "accept or reject access requests"}
HOW_TO_ENABLE = (
    "Nobody may do this yet: the dashboard is read-only. Either configure Streamlit's login (an `[auth]` "
    "section in `.streamlit/secrets.toml`) and say who holds each role:\n\n"
    "```toml\n[access]\nowners = [\"owner@example.com\"]      # publish, reply, decide access, read leads\n"
    "marketing = [\"marketing@example.com\"]  # read the leads and their CSV\n```\n\n"
    f"or set a publishing password (`password` under `[publishing]`, or the `{ENV_PASSWORD}` environment variable), "
    "which makes whoever types it the owner."
)


class AccessPolicy(BaseModel):
    """The secrets' word on who may do what (never holds the password in its repr)."""

    mode: Literal["login", "password", "none"]
    owners: list[str] = Field(default_factory=list)
    marketing: list[str] = Field(default_factory=list)
    require_login: bool = False
    password: SecretStr | None = None


def _emails(values: Any) -> list[str]:
    items: Iterable[Any] = [values] if isinstance(values, str) else (values or [])
    return [str(e).strip().lower() for e in items if str(e).strip()]


def policy_from(secrets: Mapping[str, Any], environ: Mapping[str, str] | None = None) -> AccessPolicy:
    """The policy the secrets configure: login with roles, a password, or nobody."""
    env = os.environ if environ is None else environ
    publishing = secrets.get("publishing") or {}
    access = secrets.get("access") or {}
    if secrets.get("auth"):
        owners = list(dict.fromkeys(_emails(access.get("owners")) + _emails(publishing.get("allowed_emails"))))
        marketing = [e for e in dict.fromkeys(_emails(access.get("marketing"))) if e not in owners]
        return AccessPolicy(mode="login", owners=owners, marketing=marketing,
                            require_login=bool(access.get("require_login", False)))
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


def verified(claim: Any) -> bool:
    """Whether an `email_verified` claim says yes (a JSON true, or the string some providers send)."""
    return claim is True or (isinstance(claim, str) and claim.strip().lower() == "true")


def role_of(policy: AccessPolicy, email: str | None, email_verified: Any) -> tuple[Role | None, str | None]:
    """A signed-in user's role, or None and why not (in words for the page)."""
    if policy.mode != "login":
        return None, "sign-in is not how this dashboard is guarded"
    if not email:
        return None, "the sign-in provider gave no email address, so no role can be looked up"
    address = email.strip().lower()
    if not verified(email_verified):
        return None, (f"the sign-in provider has not verified {email}: an address anyone could have typed at sign-up "
                      "is not trusted with a role. Verify it with the provider, then sign in again.")
    if address in policy.owners:
        return "owner", None
    if address in policy.marketing:
        return "marketing", None
    return None, f"{email} has no role here (neither in `[access] owners` nor in `marketing`)."


def may(role: Role | None, action: Action) -> bool:
    """Whether a role may do an action."""
    return role is not None and action in ROLE_ACTIONS[role]


def needs(action: Action) -> str:
    """Which roles an action needs, in words."""
    roles = [r for r, actions in ROLE_ACTIONS.items() if action in actions]
    return " or ".join(roles)
