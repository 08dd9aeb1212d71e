"""Traction read from the local Hub through huggingface_hub."""

from __future__ import annotations

from datetime import UTC, datetime

from services.hub import api as hub_api
from services.hub import traction
from services.local_hub.state import Commit, Repo
from tests.support.hub_faults import Fault, inject

REPO = "brightrun/eq-full"


def seed(hub, gated: str | bool = "auto") -> None:
    repo = Repo(id=REPO, gated=gated, downloads=1234, downloads_all_time=5678, likes=56)
    repo.commits.append(Commit("0" * 40, None, "initial commit", {}, "2026-11-27T08:00:00.000Z", "owner"))
    repo.discussions = [{"num": n, "title": f"Question {n}", "author": {"name": f"user{n}"},
                         "createdAt": f"2026-11-2{n}T10:00:00.000Z", "status": "open",
                         "repo": {"name": REPO, "type": "dataset"}, "isPullRequest": n == 3} for n in (1, 2, 3)]
    repo.access_requests = [
        {"requestId": "r1", "status": "pending", "timestamp": "2026-11-26T10:00:00.000Z",
         "user": {"user": "ada", "fullname": "Ada L", "email": "ada@example.com"},
         "fields": {"company": "Acme", "use_case": "LoRA"}},
        {"requestId": "r2", "status": "accepted", "timestamp": "2026-11-25T10:00:00.000Z",
         "user": {"user": "bob", "fullname": "Bob", "email": "bob@example.org"}, "fields": {"company": "Beta"}},
    ]
    hub.repos[REPO] = repo


def test_downloads_likes_discussions_and_requests(local_hub, hub_settings):
    seed(local_hub)
    t = traction.repo_traction(hub_api.client(hub_settings), hub_settings, REPO)
    assert (t.downloads, t.downloads_all_time, t.likes, t.gated, t.error) == (1234, 5678, 56, "auto", None)
    # the Hub lists discussions newest first (../shared/HUB-FACTS.md; the test Hub does too since issue #21)
    assert [d.title for d in t.discussions] == ["Question 3", "Question 2", "Question 1"]
    assert t.discussions[0].is_pull_request and t.discussions[2].url.endswith(f"/datasets/{REPO}/discussions/1")
    assert [(r.status, r.email) for r in t.requests] == [("pending", "ada@example.com"),
                                                         ("accepted", "bob@example.org")]
    assert t.requests[0].requested_at == datetime(2026, 11, 26, 10, tzinfo=UTC)
    table = traction.requests_table([t])
    assert list(table["email"]) == ["ada@example.com", "bob@example.org"]
    assert list(table["form: company"]) == ["Acme", "Beta"]


def test_an_open_repo_has_no_access_requests_to_read(local_hub, hub_settings):
    seed(local_hub, gated=False)
    t = traction.repo_traction(hub_api.client(hub_settings), hub_settings, REPO)
    assert t.requests == [] and local_hub.count("GET", f"/api/datasets/{REPO}/user-access-request") == 0
    assert list(traction.requests_table([t]).columns) == traction.REQUEST_COLUMNS


def test_a_failing_repo_keeps_its_error_on_its_row(local_hub, hub_settings):
    seed(local_hub)
    inject(local_hub, Fault(prefix=f"/api/datasets/{REPO}", status=500, times=10))
    t = traction.repo_traction(hub_api.client(hub_settings), hub_settings, REPO)
    assert t.error and "HTTP 500" in t.error and t.downloads == 0


def test_every_page_of_requests_is_read_and_hidden_contacts_are_marked(local_hub, hub_settings):
    """Issue #12: listings are paginated (Link headers), and a request can lack `user` or `email`."""
    seed(local_hub)
    repo = local_hub.repos[REPO]
    repo.access_requests += [
        {"requestId": f"p{i}", "status": "pending", "timestamp": f"2026-11-2{i}T09:00:00.000Z",
         "user": {"user": f"user{i}", "fullname": None, "email": None if i % 2 else f"user{i}@example.com"},
         "fields": {}} for i in range(1, 5)]
    repo.access_requests.append({"requestId": "h", "status": "pending", "timestamp": "2026-11-20T09:00:00.000Z",
                                 "fields": {"company": "Hidden Co"}})  # the repo hides usernames
    t = traction.repo_traction(hub_api.client(hub_settings), hub_settings, REPO)
    assert t.error is None
    pending = [r for r in t.requests if r.status == "pending"]
    assert len(pending) == 6  # over three pages of two
    assert local_hub.count("GET", f"/api/datasets/{REPO}/user-access-request/pending") == 3
    contacts = {r.username: r.contact for r in pending}
    assert contacts == {"ada": "email", "user1": "username only", "user2": "email", "user3": "username only",
                        "user4": "email", None: "hidden"}
    table = traction.requests_table([t])
    assert table.loc[table["username"].isna(), "form: company"].tolist() == ["Hidden Co"]
    assert "contact" in table.columns


def test_a_landing_space_reports_its_likes(local_hub, hub_settings):
    space = Repo(id="brightrun/eq-100", type="space", sdk="static", likes=7)
    space.commits.append(Commit("1" * 40, None, "initial commit", {}, "2026-11-27T08:00:00.000Z", "owner"))
    local_hub.spaces[space.id] = space
    t = traction.repo_traction(hub_api.client(hub_settings), hub_settings, space.id, "space")
    assert (t.repo_type, t.likes, t.error) == ("space", 7, None) and t.url.endswith("/spaces/brightrun/eq-100")
