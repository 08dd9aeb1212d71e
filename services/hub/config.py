"""Which Hub, and which token: from secrets or the environment, never shown.

`HF_TOKEN` (secrets or environment) is the token; `HF_ENDPOINT` (secrets or environment) the
Hub, https://huggingface.co by default. The endpoint is read when a client is made, not when
huggingface_hub is imported, and passed to `HfApi(endpoint=...)`: every call the studio makes
goes through that client, so one setting moves them all.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, Field, SecretStr, field_validator

from services.hub.errors import HubError

DEFAULT_ENDPOINT = "https://huggingface.co"
ENV_TIMEOUT = "STUDIO_HUB_TIMEOUT"  # seconds; in secrets or the environment
DEFAULT_TIMEOUT = 30.0  # huggingface_hub's own session has none: a stalled Hub would hang forever
HOW_TO_CONFIGURE = (
    "Add `HF_TOKEN = \"hf_...\"` to `.streamlit/secrets.toml`, or set the `HF_TOKEN` environment variable, "
    "with a token that may write to the organisation the repos belong to."
)


class HubConfigError(HubError):
    """No token, or a malformed setting."""

    def __init__(self, message: str) -> None:
        super().__init__("not_configured", message)


class HubSettings(BaseModel):
    token: SecretStr
    endpoint: str = DEFAULT_ENDPOINT
    retries: int = Field(default=3, ge=0, description="extra attempts on 429, 5xx and dropped connections")
    backoff: float = Field(default=1.0, ge=0, description="first wait between attempts; doubles each time")
    timeout: float = Field(default=DEFAULT_TIMEOUT, gt=0, le=600,
                           description="seconds a Hub request may stay silent (connect, read or write)")

    @field_validator("endpoint")
    @classmethod
    def _http(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if not value.startswith(("http://", "https://")):
            raise ValueError("HF_ENDPOINT must be an http(s) URL")
        return value


def hub_endpoint(secrets: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None) -> str:
    """The Hub releases go to (and their cards link to), token or not."""
    env = os.environ if environ is None else environ
    value = str((secrets or {}).get("HF_ENDPOINT") or env.get("HF_ENDPOINT") or DEFAULT_ENDPOINT).strip().rstrip("/")
    return value if value.startswith(("http://", "https://")) else DEFAULT_ENDPOINT


def hub_settings(secrets: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None,
                 **overrides: Any) -> HubSettings:
    """From secrets first, then the environment; HubConfigError when there is no token."""
    secrets = secrets or {}
    env = os.environ if environ is None else environ
    token = str(secrets.get("HF_TOKEN") or env.get("HF_TOKEN") or "").strip()
    if not token:
        raise HubConfigError("no Hugging Face token: " + HOW_TO_CONFIGURE)
    endpoint = str(secrets.get("HF_ENDPOINT") or env.get("HF_ENDPOINT") or DEFAULT_ENDPOINT)
    timeout = secrets.get(ENV_TIMEOUT) or env.get(ENV_TIMEOUT)
    if timeout is not None and "timeout" not in overrides:
        overrides["timeout"] = timeout
    try:
        return HubSettings(token=token, endpoint=endpoint, **overrides)
    except ValueError as exc:
        raise HubConfigError(str(exc).splitlines()[-1]) from None
