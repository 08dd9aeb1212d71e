"""How a published repo is doing: downloads, likes, recent discussions, and for gated repos the
access requests (who asked, with which email and answers to the form, when, with what status)."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any, Literal

import pandas as pd
from huggingface_hub import HfApi
from pydantic import BaseModel, Field, computed_field

from services.hub.api import call
from services.hub.config import HubSettings
from services.hub.errors import HubError

RECENT_DISCUSSIONS = 10
REQUEST_COLUMNS = ["repo_id", "status", "username", "fullname", "email", "requested_at", "contact"]


class DiscussionRow(BaseModel):
    num: int
    title: str
    author: str
    created_at: datetime
    status: str
    is_pull_request: bool
    url: str


class AccessRequestRow(BaseModel):
    """One access request. The Hub leaves out `user` when the repo hides usernames, and `email` when
    it is not shared; such requests are kept, and `contact` says what the owner can reach."""

    repo_id: str
    status: str
    username: str | None
    fullname: str | None
    email: str | None
    requested_at: datetime
    fields: dict[str, Any] = Field(default_factory=dict)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def contact(self) -> Literal["email", "username only", "hidden"]:
        """What the request lets the owner reach: an email, a Hub username, or nothing."""
        if self.email:
            return "email"
        return "username only" if self.username else "hidden"


class Traction(BaseModel):
    repo_id: str
    url: str
    private: bool | None = None
    gated: str | bool | None = None
    downloads: int = 0
    likes: int = 0
    discussions: list[DiscussionRow] = Field(default_factory=list)
    requests: list[AccessRequestRow] = Field(default_factory=list)
    error: str | None = None


def _all(lister: Callable[..., Iterable[Any]], repo_id: str) -> list[Any]:
    """Every item of a listing (the client pages through it)."""
    return list(lister(repo_id, repo_type="dataset"))


def repo_traction(api: HfApi, settings: HubSettings, repo_id: str) -> Traction:
    """Everything for one repo; a failure is kept on the row, so one bad repo does not hide the rest."""
    url = f"{settings.endpoint}/datasets/{repo_id}"
    try:
        info = call(settings, "reading the repo", lambda: api.dataset_info(repo_id), repo_id)
        discussions = call(settings, "reading the discussions", lambda: [
            d for _, d in zip(range(RECENT_DISCUSSIONS), api.get_repo_discussions(repo_id, repo_type="dataset"),
                              strict=False)], repo_id)
        requests: list[AccessRequestRow] = []
        if info.gated:
            for status, lister in (("pending", api.list_pending_access_requests),
                                   ("accepted", api.list_accepted_access_requests)):
                found = call(settings, f"reading the {status} access requests",
                             functools.partial(_all, lister, repo_id), repo_id)
                requests += [AccessRequestRow(repo_id=repo_id, status=status, username=r.username,
                                              fullname=r.fullname, email=r.email, requested_at=r.timestamp,
                                              fields=r.fields or {}) for r in found]
    except HubError as exc:
        return Traction(repo_id=repo_id, url=url, error=str(exc))
    return Traction(
        repo_id=repo_id, url=url, private=info.private, gated=info.gated, downloads=info.downloads or 0,
        likes=info.likes or 0, requests=sorted(requests, key=lambda r: r.requested_at, reverse=True),
        discussions=[DiscussionRow(num=d.num, title=d.title, author=d.author, created_at=d.created_at, status=d.status,
                                   is_pull_request=d.is_pull_request, url=f"{url}/discussions/{d.num}")
                     for d in discussions])


def requests_table(items: list[Traction]) -> pd.DataFrame:
    """Every access request of every repo, one row each, the form's answers as columns: for the CRM."""
    rows = [{**r.model_dump(exclude={"fields"}), **{f"form: {k}": v for k, v in r.fields.items()}}
            for t in items for r in t.requests]
    return pd.DataFrame(rows) if rows else pd.DataFrame(columns=REQUEST_COLUMNS)
