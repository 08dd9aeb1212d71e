"""The Hub client the studio uses: an `HfApi` for the configured endpoint, one retried request,
and who the token acts as."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from huggingface_hub import HfApi, constants
from huggingface_hub.utils import get_session
from pydantic import BaseModel, Field

from services.hub.config import HubSettings
from services.hub.errors import classify, retry_after
from services.utils.retrying import retrying

T = TypeVar("T")


class Identity(BaseModel):
    """Who the token acts as, and where it may write.

    A classic token has a role (`read`, `write`). A fine-grained one (`role: fineGrained`) lists its
    permissions per entity in `auth.accessToken.fineGrained.scoped[]` (`{entity: {type, name},
    permissions}`, `repo.write` among them) and account-wide in `global`: it may write only where a
    scope says so, whatever the account's own rights.
    """

    name: str
    fullname: str | None = None
    email: str | None = None
    orgs: list[str] = Field(default_factory=list)
    write_orgs: list[str] = Field(default_factory=list, description="organisations the user may write to")
    token_can_write: bool = False
    fine_grained: bool = False
    write_scopes: list[str] = Field(default_factory=list,
                                    description="fine-grained: the users, orgs or repos it may write to")

    def can_write(self, namespace: str, repo_id: str | None = None) -> bool:
        """Whether the token may write to repos of `namespace` (the user's own, or an org it writes to)."""
        account = namespace == self.name or namespace in self.write_orgs
        if not (self.token_can_write and account):
            return False
        if not self.fine_grained:
            return True
        scopes = {s.lower() for s in self.write_scopes}
        return "*" in scopes or namespace.lower() in scopes or (repo_id or "").lower() in scopes

    def describe(self) -> str:
        """What the token may do, for the page: never the token."""
        if self.fine_grained:
            where = ", ".join(s for s in self.write_scopes if s != "*") or ("everywhere the account may"
                                                                            if "*" in self.write_scopes else "")
            return f"fine-grained token, may write to {where}" if where else "fine-grained token, read-only"
        return "token can write" if self.token_can_write else "token is read-only"


def client(settings: HubSettings) -> HfApi:
    """The client for the configured Hub (the token stays inside it, never logged).

    huggingface_hub sends every request through one shared HTTP session created without a timeout
    (`utils._http.default_client_factory`: `timeout=None`). The studio bounds it: a Hub that stops
    answering fails the request after `settings.timeout` seconds of silence, said as a timeout.
    """
    session = get_session()
    if session.timeout.read != settings.timeout:
        session.timeout = settings.timeout  # connect, read, write and pool
    # Uploads go through the Git LFS batch API (basic transfer), the path the studio's tests prove:
    # with hf_xet installed, huggingface_hub would use Xet storage instead, whose chunked protocol
    # to its CAS servers no local stand-in can speak. The Hub accepts both for a dataset repo.
    constants.HF_HUB_DISABLE_XET = True
    if settings.endpoint.rstrip("/") != constants.ENDPOINT.rstrip("/"):
        _no_public_hub_lookups()
    return HfApi(endpoint=settings.endpoint, token=settings.token.get_secret_value(), library_name="lead-magnet-studio")


def _no_public_hub_lookups() -> None:
    """A client of another Hub (the sandbox, a test Hub) never reaches huggingface.co.

    On its first request huggingface_hub fetches a registry of AI-agent harnesses for its user agent
    from `constants.ENDPOINT` — huggingface.co, whichever Hub the client talks to — waiting up to 3 s
    (`utils/_detect_agent.py`, `_fetch_registry`). An empty registry in its place is what it uses
    itself when that fetch fails; the user agent then names no agent, and nothing leaves the machine.
    """
    from huggingface_hub.utils import _detect_agent

    if getattr(_detect_agent, "_registry", "absent") is None:  # not fetched yet (and the attribute exists)
        _detect_agent._registry = _detect_agent._EMPTY_REGISTRY


def call(settings: HubSettings, what: str, action: Callable[[], T], repo_id: str = "") -> T:
    """One idempotent request, retried on 429 / 5xx / dropped connections with backoff."""
    return retrying(action, lambda exc: classify(exc, what, repo_id), settings.retries + 1, settings.backoff,
                    pause=retry_after)


# --- who ----------------------------------------------------------------------------------------
def whoami(api: HfApi, settings: HubSettings) -> Identity:
    """Who the token acts as, its organisations, and where it may write."""
    info = call(settings, "checking the token", lambda: api.whoami(cache=False))
    token = (info.get("auth") or {}).get("accessToken") or {}
    role = token.get("role")
    orgs = info.get("orgs") or []
    fine = token.get("fineGrained") or {}
    scopes = [entry.get("entity", {}).get("name", "") for entry in fine.get("scoped") or []
              if "repo.write" in (entry.get("permissions") or [])]
    if "repo.write" in (fine.get("global") or []):
        scopes.append("*")
    return Identity(
        name=info["name"], fullname=info.get("fullname"), email=info.get("email"),
        orgs=[o["name"] for o in orgs],
        write_orgs=[o["name"] for o in orgs if o.get("roleInOrg") in {"admin", "write", "contributor"}],
        token_can_write=role == "write" or (role == "fineGrained" and bool(scopes)),
        fine_grained=role == "fineGrained", write_scopes=[s for s in scopes if s],
    )
