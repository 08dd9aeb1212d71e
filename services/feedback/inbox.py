"""The inbox: every released repo's threads and likers, the form answers, and their themes, in one read.

One source that fails does not hide the others: each failure is a sentence beside what was read
(`FeedbackRead.problems`), a source that is not configured is a note, and nothing unread is ever
counted as "no feedback".
"""

from __future__ import annotations

from datetime import UTC, datetime

from huggingface_hub import HfApi

from services.feedback import forms, likers, themes, threads
from services.feedback.models import FeedbackRead
from services.feedback.settings import FeedbackSettings
from services.feedback.themes import ThemeIndex
from services.hub.api import call, whoami
from services.hub.config import HubSettings
from services.hub.errors import HubError
from services.hub.history import PublishedRepo
from services.supabase.errors import SupabaseError
from services.utils.submissions import Submissions

NO_SUPABASE = "Supabase is not configured, so the landing Space's feedback form was not read."


def _repos(api: HfApi, settings: HubSettings, repos: list[PublishedRepo], only: str | None,
           out: FeedbackRead) -> list[PublishedRepo]:
    """The repos to read: the history's, or exactly the one named (a Space if no dataset has that id)."""
    if only is None:
        return repos
    chosen = [r for r in repos if r.repo_id == only]
    if chosen:
        return chosen
    out.notes.append(f"{only} is not in the release history; it was read from the Hub all the same.")
    try:
        call(settings, "reading the repo", lambda: api.dataset_info(only, expand=["likes"]), only)
    except HubError as exc:
        if exc.code == "not_found":  # no dataset of that id: the Space's read says what is wrong, if anything
            return [PublishedRepo(repo_id=only, repo_type="space", tier="")]
    return [PublishedRepo(repo_id=only, repo_type="dataset", tier="")]


def read_inbox(api: HfApi, settings: HubSettings, repos: list[PublishedRepo],
               answers: Submissions[forms.LandingFeedback] | None, options: FeedbackSettings, index: ThemeIndex,
               only: str | None = None, sightings: likers.SightingStore | None = None) -> FeedbackRead:
    """Everything people said about the released repos (or exactly `only`)."""
    out = FeedbackRead(read_at=datetime.now(UTC))
    try:
        me: str | None = whoami(api, settings).name
    except HubError as exc:
        me = None
        out.problems.append(f"who the token acts as could not be read, so only the team handles count as "
                            f"answers: {exc}")
    team, bots = options.team(me), options.bots()
    for repo in _repos(api, settings, repos, only, out):
        feedback = threads.read_repo(api, settings, repo.repo_id, repo.repo_type, team, bots, index)
        out.repos.append(feedback)
        if feedback.error is None and repo.repo_type == "dataset":
            try:
                out.form_answers += forms.gate_answers(api, settings, repo.repo_id, index)
            except HubError as exc:
                out.problems.append(f"the access form's answers of {repo.repo_id} could not be read: {exc}")
    if answers is None:
        out.notes.append(NO_SUPABASE)
    else:
        try:
            spaces = {r.repo_id for r in out.repos if r.repo_type == "space"}
            out.form_answers += [a for a in forms.landing_answers(answers, index)
                                 if only is None or a.repo_id in spaces or a.repo_id == only]
        except (SupabaseError, OSError) as exc:
            out.problems.append(f"the landing Space's feedback form could not be read from {answers.where}: {exc}")
    out.form_answers.sort(key=lambda a: a.created_at)
    if sightings is not None:
        try:
            likers.record(sightings, out.repos)
        except (SupabaseError, OSError) as exc:
            out.problems.append(f"when each liker was first seen could not be stored in {sightings.where}: {exc}")
    out.themes = themes.count([*(t.matches for t in out.threads()), *(a.matches for a in out.form_answers)])
    return out
