"""The Hub client the studio uses: an `HfApi` for the configured endpoint, one retried request,
and who the token acts as."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from huggingface_hub import HfApi
from huggingface_hub.utils import get_session
from pydantic import BaseModel, Field

from services.hub.config import HubSettings
from services.hub.errors import classify, retry_after
from services.utils.retrying import retrying

T = TypeVar("T")


class Identity(BaseModel):
    name: str
    fullname: str | None = None
    email: str | None = None
    orgs: list[str] = Field(default_factory=list)
    write_orgs: list[str] = Field(default_factory=list, description="organisations the user may write to")
    token_can_write: bool = False

    def can_write(self, namespace: str) -> bool:
        """Whether the token may write to repos of `namespace` (the user's own, or an org it writes to)."""
        return self.token_can_write and (namespace == self.name or namespace in self.write_orgs)


def client(settings: HubSettings) -> HfApi:
    """The client for the configured Hub (the token stays inside it, never logged).

    huggingface_hub sends every request through one shared HTTP session created without a timeout
    (`utils._http.default_client_factory`: `timeout=None`). The studio bounds it: a Hub that stops
    answering fails the request after `settings.timeout` seconds of silence, said as a timeout.
    """
    session = get_session()
    if session.timeout.read != settings.timeout:
        session.timeout = settings.timeout  # connect, read, write and pool
    return HfApi(endpoint=settings.endpoint, token=settings.token.get_secret_value(), library_name="lead-magnet-studio")


def call(settings: HubSettings, what: str, action: Callable[[], T], repo_id: str = "") -> T:
    """One idempotent request, retried on 429 / 5xx / dropped connections with backoff."""
    return retrying(action, lambda exc: classify(exc, what, repo_id), settings.retries + 1, settings.backoff,
                    pause=retry_after)


# --- who ----------------------------------------------------------------------------------------
def whoami(api: HfApi, settings: HubSettings) -> Identity:
    """Who the token acts as, its organisations, and whether it may write."""
    info = call(settings, "checking the token", lambda: api.whoami(cache=False))
    token = (info.get("auth") or {}).get("accessToken") or {}
    role = token.get("role")
    orgs = info.get("orgs") or []
    return Identity(
        name=info["name"], fullname=info.get("fullname"), email=info.get("email"),
        orgs=[o["name"] for o in orgs],
        write_orgs=[o["name"] for o in orgs if o.get("roleInOrg") in {"admin", "write", "contributor"}],
        token_can_write=role in {"write", "fineGrained"},
    )
