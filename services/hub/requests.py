"""Access requests of gated repos: every one, in every status, and the owner's decision on them.

Listings are read to the end (the Hub pages them; huggingface_hub follows the `Link` headers),
for the three lists the Hub keeps: pending, accepted, rejected. A request may lack `user` (the
repo hides usernames) or `email` (not shared): it is kept, and `contact` says what is reachable.

Deciding (accept, or reject with a reason the requester sees) is for `manual` repos: an `auto`
repo accepts by itself. Each decision is recorded, whatever the Hub answers, like a publish.
"""

from __future__ import annotations

import functools
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from huggingface_hub import HfApi
from huggingface_hub.errors import HfHubHTTPError
from pydantic import BaseModel, Field, computed_field

from services.hub.api import call
from services.hub.config import HubSettings
from services.hub.errors import HubError
from services.supabase.client import SupabaseSession
from services.supabase.log import TableLog
from services.utils.jsonl import JsonlLog

Status = Literal["pending", "accepted", "rejected"]
STATUSES: tuple[Status, ...] = ("pending", "accepted", "rejected")
Decision = Literal["accepted", "rejected"]
REASON_MAX = 200  # the Hub shows the reason to the requester, and takes at most this many characters


class AccessRequestRow(BaseModel):
    """One access request. The Hub leaves out `user` when the repo hides usernames, and `email` when
    it is not shared; such requests are kept, and `contact` says what the owner can reach."""

    repo_id: str
    status: Status
    username: str | None
    fullname: str | None
    email: str | None
    requested_at: datetime
    request_id: str | None = None
    fields: dict[str, Any] = Field(default_factory=dict)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def contact(self) -> Literal["email", "username only", "hidden"]:
        """What the request lets the owner reach: an email, a Hub username, or nothing."""
        if self.email:
            return "email"
        return "username only" if self.username else "hidden"


def _listing(api: HfApi, status: Status, repo_id: str) -> list[Any]:
    lister = {"pending": api.list_pending_access_requests, "accepted": api.list_accepted_access_requests,
              "rejected": api.list_rejected_access_requests}[status]
    return list(lister(repo_id, repo_type="dataset"))  # the default repo type is a model's


def all_requests(api: HfApi, settings: HubSettings, repo_id: str) -> list[AccessRequestRow]:
    """Every access request of a gated dataset repo, newest first, every page of every list."""
    rows: list[AccessRequestRow] = []
    for status in STATUSES:
        found = call(settings, f"reading the {status} access requests",
                     functools.partial(_listing, api, status, repo_id), repo_id)
        rows += [AccessRequestRow(repo_id=repo_id, status=status, username=r.username, fullname=r.fullname,
                                  email=r.email, requested_at=r.timestamp, request_id=r.request_id,
                                  fields=r.fields or {}) for r in found]
    return sorted(rows, key=lambda r: r.requested_at, reverse=True)


def gate_of(api: HfApi, settings: HubSettings, repo_id: str) -> str | bool:
    """The repo's gate now: "auto", "manual", or False."""
    info = call(settings, "reading the repo", lambda: api.dataset_info(repo_id, expand=["gated"]), repo_id)
    return info.gated or False


class AccessDecision(BaseModel):
    """A decision taken from the studio, as recorded (`access_decisions`, or the local file)."""

    decided_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    actor: str
    repo_id: str
    username: str | None = None
    request_id: str | None = None
    decision: Decision
    reason: str | None = Field(default=None, max_length=REASON_MAX)
    outcome: Literal["done", "failed"]
    message: str = ""


def decision_problem(gated: str | bool | None, request: AccessRequestRow, decision: Decision,
                     reason: str | None) -> str | None:
    """Why this decision cannot be taken here, in words; None when it can."""
    if gated != "manual":
        return "only requests of a repo gated with manual approval wait for a decision (auto accepts by itself)"
    if request.status != "pending":
        return f"this request is already {request.status}"
    if not request.username and not request.request_id:
        return "the Hub gave neither a username nor a request id for this request"
    if decision == "rejected" and reason and len(reason) > REASON_MAX:
        return f"the reason is shown to the requester and holds at most {REASON_MAX} characters"
    return None


def decide(api: HfApi, settings: HubSettings, request: AccessRequestRow, decision: Decision, actor: str,
           reason: str | None = None) -> AccessDecision:
    """Accept or reject one pending request on the Hub; the record says whether the Hub took it."""
    who = {"user": request.username} if request.username else {"request_id": request.request_id}
    base = {"actor": actor, "repo_id": request.repo_id, "username": request.username,
            "request_id": request.request_id, "decision": decision, "reason": reason or None}

    what = "accepting the access request" if decision == "accepted" else "rejecting the access request"

    def send() -> None:
        try:
            if decision == "accepted":
                api.accept_access_request(request.repo_id, repo_type="dataset", **who)
            else:
                api.reject_access_request(request.repo_id, repo_type="dataset", rejection_reason=reason or None,
                                          **who)
        except HfHubHTTPError as exc:
            # 400 (not gated) and 404 (no such request, or already in that list) are about the request,
            # not the repo: say the Hub's own words (huggingface_hub documents both answers).
            response = exc.response
            if response is not None and response.status_code in (400, 404) \
                    and response.headers.get("X-Error-Code") != "RepoNotFound":
                said = getattr(exc, "server_message", None) or response.reason_phrase
                raise HubError("refused", f"the Hub refused it: {said}. Refresh the ledger to see the request's "
                                          "current status", what) from None
            raise

    try:
        call(settings, what, send, request.repo_id)
    except HubError as exc:
        return AccessDecision(**base, outcome="failed", message=str(exc))
    return AccessDecision(**base, outcome="done", message=f"{decision} on the Hub")


DECISIONS_TABLE = "access_decisions"
ENV_DECISIONS = "STUDIO_DECISIONS_FILE"
DEFAULT_DECISIONS = Path("releases/access-decisions.jsonl")


def jsonl_decisions(path: Path | None = None) -> JsonlLog[AccessDecision]:
    """`releases/access-decisions.jsonl`, or the file STUDIO_DECISIONS_FILE names."""
    return JsonlLog(Path(path or os.environ.get(ENV_DECISIONS) or DEFAULT_DECISIONS), AccessDecision)


def supabase_decisions(session: SupabaseSession) -> TableLog[AccessDecision]:
    """The `access_decisions` table (supabase/migrations/20261127030000_traction.sql)."""
    return TableLog(session, DECISIONS_TABLE, AccessDecision)
