"""Access requests on the local Hub: every list read to the end, and decisions that reach the Hub."""

from __future__ import annotations

import pytest

from services.hub import api as hub_api
from services.hub import requests as access
from services.local_hub.state import Commit, Repo

REPO = "brightrun/eq-manual"


def seed(hub, gated: str | bool = "manual") -> Repo:
    repo = Repo(id=REPO, gated=gated)
    repo.commits.append(Commit("0" * 40, None, "initial commit", {}, "2026-11-27T08:00:00.000Z", "owner"))
    repo.access_requests = [
        {"requestId": "r1", "status": "pending", "timestamp": "2026-11-26T10:00:00.000Z",
         "user": {"user": "ada", "fullname": "Ada L", "email": "ada@example.org"}, "fields": {"Company": "Acme"}},
        {"requestId": "r2", "status": "accepted", "timestamp": "2026-11-25T10:00:00.000Z",
         "user": {"user": "bob", "fullname": "Bob", "email": None}},
        {"requestId": "r3", "status": "rejected", "timestamp": "2026-11-24T10:00:00.000Z",
         "user": {"user": "eve", "fullname": "Eve", "email": "eve@example.org"}},
        {"requestId": "r4", "status": "pending", "timestamp": "2026-11-23T10:00:00.000Z"},  # usernames hidden
    ]
    hub.repos[REPO] = repo
    return repo


def _rows(hub_settings):
    return access.all_requests(hub_api.client(hub_settings), hub_settings, REPO)


def test_all_three_lists_are_read_newest_first(local_hub, hub_settings):
    seed(local_hub)
    rows = _rows(hub_settings)
    assert [(r.request_id, r.status, r.contact) for r in rows] == [
        ("r1", "pending", "email"), ("r2", "accepted", "username only"), ("r3", "rejected", "email"),
        ("r4", "pending", "hidden")]
    assert local_hub.count("GET", f"/api/datasets/{REPO}/user-access-request/rejected") == 1


def test_accept_and_reject_with_a_reason_reach_the_hub(local_hub, hub_settings):
    repo = seed(local_hub)
    api = hub_api.client(hub_settings)
    rows = {r.request_id: r for r in _rows(hub_settings)}
    accepted = access.decide(api, hub_settings, rows["r1"], "accepted", "owner")
    rejected = access.decide(api, hub_settings, rows["r4"], "rejected", "owner", reason="Please use a work email.")
    assert (accepted.outcome, rejected.outcome) == ("done", "done")
    by_id = {r["requestId"]: r for r in repo.access_requests}
    assert by_id["r1"]["status"] == "accepted"
    assert (by_id["r4"]["status"], by_id["r4"]["rejectionReason"]) == ("rejected", "Please use a work email.")
    assert rejected.request_id == "r4" and rejected.username is None  # decided by request id: no username shared


def test_a_decision_the_hub_refuses_is_recorded_as_failed_in_words(local_hub, hub_settings):
    seed(local_hub)
    api = hub_api.client(hub_settings)
    stale = next(r for r in _rows(hub_settings) if r.request_id == "r1")
    access.decide(api, hub_settings, stale, "accepted", "owner")
    again = access.decide(api, hub_settings, stale, "accepted", "owner")  # someone else already did
    assert again.outcome == "failed" and "already in the accepted list" in again.message


@pytest.mark.parametrize(("gated", "status", "reason", "expected"), [
    ("auto", "pending", None, "manual approval"),
    ("manual", "accepted", None, "already accepted"),
    ("manual", "pending", "x" * 201, "at most 200 characters"),
    ("manual", "pending", "x" * 200, None),
])
def test_what_may_be_decided_here(gated, status, reason, expected):
    row = access.AccessRequestRow(repo_id=REPO, status=status, username="ada", fullname=None, email=None,
                                  requested_at="2026-11-26T10:00:00Z", request_id="r1")
    problem = access.decision_problem(gated, row, "rejected", reason)
    assert (problem is None) if expected is None else (expected in problem)
