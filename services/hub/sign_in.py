"""Whether Streamlit's OpenID Connect sign-in, as configured, can work — said before anyone clicks.

Streamlit needs Authlib, `redirect_uri` and `cookie_secret` in `[auth]`, and per provider a
`client_id`, `client_secret` and `server_metadata_url` (at the top of `[auth]` for the default
provider, or in `[auth.NAME]`); and the provider's metadata must answer, or "Log in" ends on a bare
"Authentication error" page. These checks turn each of those into a sentence on the page instead.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx

REQUIRED = ("redirect_uri", "cookie_secret")
PROVIDER_KEYS = ("client_id", "client_secret", "server_metadata_url")
PROBE_TIMEOUT = 3.0  # seconds: a provider that takes longer is said to be down, not waited for


@dataclass(frozen=True)
class Provider:
    """One provider Streamlit can sign in with: `name` None for the default one (`st.login()`)."""

    name: str | None
    metadata_url: str

    @property
    def host(self) -> str:
        """Where it lives, for a sentence."""
        return urlsplit(self.metadata_url).netloc or self.metadata_url


def providers(auth: Mapping[str, Any]) -> list[Provider]:
    """The providers `[auth]` configures, the default first."""
    found = [Provider(None, str(auth["server_metadata_url"]))] if auth.get("server_metadata_url") else []
    found += [Provider(name, str(section.get("server_metadata_url") or "")) for name, section in auth.items()
              if isinstance(section, Mapping) and name != "client_kwargs"]
    return found


def config_problem(auth: Mapping[str, Any]) -> str | None:
    """Why the configured sign-in cannot work, or None."""
    if importlib.util.find_spec("authlib") is None:
        return ("sign-in needs the Authlib package, which is not installed: run `make run` again (it installs "
                "`streamlit[auth]` from requirements.txt)")
    missing = [key for key in REQUIRED if not auth.get(key)]
    if missing:
        return f"`[auth]` in the secrets lacks {', '.join(f'`{k}`' for k in missing)}"
    configured = providers(auth)
    if not configured:
        return ("`[auth]` names no provider: set `client_id`, `client_secret` and `server_metadata_url` in it (or in "
                "an `[auth.NAME]` section)")
    for provider in configured:
        section = auth if provider.name is None else auth[provider.name]
        lacking = [key for key in PROVIDER_KEYS if not section.get(key)]
        if lacking:
            where = "`[auth]`" if provider.name is None else f"`[auth.{provider.name}]`"
            return f"{where} lacks {', '.join(f'`{k}`' for k in lacking)}"
        if provider.name is not None and "_" in provider.name:
            return f"`[auth.{provider.name}]`: Streamlit refuses provider names with an underscore"
    return None


def provider_problem(provider: Provider, timeout: float = PROBE_TIMEOUT) -> str | None:
    """Why the provider cannot sign anyone in right now (its metadata does not answer), or None."""
    try:
        answer = httpx.get(provider.metadata_url, timeout=timeout, follow_redirects=True)
    except httpx.TimeoutException:
        return f"the sign-in provider ({provider.host}) did not answer within {timeout:g} s"
    except httpx.HTTPError as exc:
        return f"the sign-in provider ({provider.host}) cannot be reached ({type(exc).__name__})"
    if answer.status_code != 200:
        return f"the sign-in provider ({provider.host}) answered HTTP {answer.status_code} for its metadata"
    try:
        metadata = answer.json()
    except ValueError:
        return f"the sign-in provider ({provider.host}) answered with something other than its OpenID metadata"
    if not isinstance(metadata, dict) or not metadata.get("authorization_endpoint"):
        return f"the sign-in provider ({provider.host}) answered with metadata that names no authorization endpoint"
    return None
