"""A released landscape on the test Hub, for the loop's tests (feedback, reply, the Feedback page): a
gated dataset with threads (a bot's PR, a deleted account, a hidden comment and a hostile title, an
answered one), likers, access requests with form answers, and a landing Space with a thread."""

from __future__ import annotations

from services.feedback.themes import ThemeIndex, index_for
from services.hub.history import PublishedRepo
from services.local_hub.shapes import comment_event, liker, thread
from services.local_hub.state import Commit, LocalHub, Repo

FULL, SPACE = "brightrun/eq-full", "brightrun/eq-100"


def _repo(repo_id: str, space: bool = False, **kw) -> Repo:
    repo = Repo(id=repo_id, type="space" if space else "dataset", sdk="static" if space else None, **kw)
    repo.commits.append(Commit("0" * 40, None, "initial commit", {}, "2026-11-20T08:00:00.000Z", "owner"))
    return repo


def seed_landscape(local_hub: LocalHub) -> LocalHub:
    """Put the landscape on an empty test Hub."""
    full = _repo(FULL, gated="auto", likes=3)
    full.discussions = [
        thread(1, "Great data, any plans for a Roth IRA Conversion set?", "ada", "2026-11-21T10:00:00.000Z",
               body="Would love more conversations about roth ira conversion, and a Spanish version."),
        thread(2, "License question", "bob", "2026-11-22T10:00:00.000Z",
               comments=[comment_event("owner", "It is CC-BY-4.0.", "2026-11-22T12:00:00.000Z")],
               body="Can I use this commercially?"),
        thread(3, "Adding `refs/convert/parquet`", "parquet-converter", "2026-11-23T10:00:00.000Z",
               pull_request=True),
        thread(4, "<img src=x onerror=alert(1)>", None, "2026-11-24T10:00:00.000Z",
               comments=[comment_event("troll", "spam spam", "2026-11-24T11:00:00.000Z", hidden=True)],
               body="<script>alert('x')</script> the anxious planner conversations feel robotic"),
    ]
    full.likers = [liker("ada"), liker("carol"), liker("dan")]
    full.access_requests = [
        {"requestId": "r1", "status": "pending", "timestamp": "2026-11-25T10:00:00.000Z",
         "user": {"user": "erin", "fullname": "Erin", "email": "erin@example.org"},
         "fields": {"Use case": "LoRA fine-tuning for a budgeting coach", "Marketing emails": "Yes"}}]
    local_hub.repos[FULL] = full
    space = _repo(SPACE, space=True, likes=1)
    space.discussions = [thread(1, "The form did not send", "frank", "2026-11-26T10:00:00.000Z")]
    space.likers = [liker("frank")]
    local_hub.spaces[SPACE] = space
    return local_hub


def published_landscape() -> list[PublishedRepo]:
    """The landscape's repos as the release history lists them."""
    return [PublishedRepo(repo_id=FULL, repo_type="dataset", tier="full"),
            PublishedRepo(repo_id=SPACE, repo_type="space", tier="eq-100")]


def landscape_index() -> ThemeIndex:
    """Theme names like the demo's: a persona, an arc, two topics."""
    return index_for({"persona": [("anxious_planner", "Jennifer Martinez")],
                      "arc": [("shame_to_acceptance", "Shame → Acceptance")],
                      "topic": [("roth_ira_conversion", "Roth IRA Conversion"),
                                ("college_savings_529", "College Savings (529)")]},
                     {"persona": [("anxious_planner", ["Jennifer Martinez", "The Anxious Planner"])]})
