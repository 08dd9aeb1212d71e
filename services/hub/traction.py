"""How a published repo is doing: downloads (30 days and all time), likes, recent discussions, and
for gated repos the access requests (who asked, with which email and answers to the form, when,
with what status). A landing Space has likes only: its leads are in Supabase (`funnel.leads`)."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
from huggingface_hub import HfApi
from huggingface_hub.hf_api import ExpandDatasetProperty_T
from pydantic import BaseModel, Field

from services.hub.api import call
from services.hub.config import HubSettings
from services.hub.errors import HubError
from services.hub.requests import AccessRequestRow, all_requests
from services.strategy.links import RepoType, repo_url

RECENT_DISCUSSIONS = 10
REQUEST_COLUMNS = ["repo_id", "status", "username", "fullname", "email", "requested_at", "request_id", "contact"]


class DiscussionRow(BaseModel):
    num: int
    title: str
    author: str
    created_at: datetime
    status: str
    is_pull_request: bool
    url: str


class Traction(BaseModel):
    """One published repo (a dataset, or a landing Space) as the Hub shows it now."""

    repo_id: str
    repo_type: RepoType = "dataset"
    url: str
    private: bool | None = None
    gated: str | bool | None = None
    downloads: int = 0  # the Hub's last 30 days (a Space has none)
    downloads_all_time: int = 0
    likes: int = 0
    discussions: list[DiscussionRow] = Field(default_factory=list)
    requests: list[AccessRequestRow] = Field(default_factory=list)
    error: str | None = None


DATASET_FIELDS: list[ExpandDatasetProperty_T] = ["downloads", "downloadsAllTime", "likes", "gated", "private"]


def repo_traction(api: HfApi, settings: HubSettings, repo_id: str, repo_type: RepoType = "dataset") -> Traction:
    """Everything for one repo; a failure is kept on the row, so one bad repo does not hide the rest."""
    url = repo_url(settings.endpoint, repo_type, repo_id)
    if repo_type == "space":
        try:
            space = call(settings, "reading the Space", lambda: api.space_info(repo_id, expand=["likes", "private"]),
                         repo_id)
        except HubError as exc:
            return Traction(repo_id=repo_id, repo_type="space", url=url, error=str(exc))
        return Traction(repo_id=repo_id, repo_type="space", url=url, private=space.private, likes=space.likes or 0)
    try:  # `expand`: only these properties come back, in one small answer
        info = call(settings, "reading the repo", lambda: api.dataset_info(repo_id, expand=DATASET_FIELDS), repo_id)
        discussions = call(settings, "reading the discussions", lambda: [
            d for _, d in zip(range(RECENT_DISCUSSIONS), api.get_repo_discussions(repo_id, repo_type="dataset"),
                              strict=False)], repo_id)
        requests = all_requests(api, settings, repo_id) if info.gated else []
    except HubError as exc:
        return Traction(repo_id=repo_id, url=url, error=str(exc))
    return Traction(
        repo_id=repo_id, url=url, private=info.private, gated=info.gated, downloads=info.downloads or 0,
        downloads_all_time=info.downloads_all_time or 0, likes=info.likes or 0, requests=requests,
        discussions=[DiscussionRow(num=d.num, title=d.title, author=d.author, created_at=d.created_at, status=d.status,
                                   is_pull_request=d.is_pull_request, url=f"{url}/discussions/{d.num}")
                     for d in discussions])


def requests_table(items: list[Traction]) -> pd.DataFrame:
    """Every access request of every repo, one row each, the form's answers as columns: for the CRM."""
    rows = [{**r.model_dump(exclude={"fields"}), **{f"form: {k}": v for k, v in r.fields.items()}}
            for t in items for r in t.requests]
    return pd.DataFrame(rows) if rows else pd.DataFrame(columns=REQUEST_COLUMNS)
