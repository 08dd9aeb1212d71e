"""Free-text answers: the gate form's (access requests' `fields`) and the landing Space's feedback form.

Who answered is left out of the inbox (the Leads page keeps who asked). A Yes / No consent answer
is not feedback; every other non-empty text is. The landing form's rows are personal data when an
email was left: like leads, they are read back with the service role only.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from huggingface_hub import HfApi
from pydantic import BaseModel

from services.feedback.models import FormAnswer, FormSource
from services.feedback.themes import ThemeIndex
from services.hub.config import HubSettings
from services.hub.requests import all_requests, gate_of
from services.supabase.client import SupabaseSession
from services.supabase.errors import SupabaseError
from services.supabase.tables import fetch_all_saying
from services.utils.jsonl import JsonlLog
from services.utils.submissions import Submissions

TABLE = "feedback"
COLUMNS = "id, created_at, message, space_id, tier, contact_consent"
MAX_MESSAGE = 1000  # the form's limit, and the table's CHECK
NO_READ = ("the Supabase key may not read the `feedback` table: answers may hold an email, so they are readable "
           "with the service role only")
_NOT_TEXT = {"yes", "no", "true", "false", ""}


class LandingFeedback(BaseModel):
    created_at: datetime
    message: str
    space_id: str | None = None
    tier: str = ""
    contact_consent: bool = False


def _answer(source: FormSource, repo_id: str, at: datetime, text: str, index: ThemeIndex) -> FormAnswer:
    matches = index.match(text)
    return FormAnswer(source=source, repo_id=repo_id, created_at=at, text=text,
                      themes=[m.theme for m in matches], matches=matches)


def gate_answers(api: HfApi, settings: HubSettings, repo_id: str, index: ThemeIndex) -> list[FormAnswer]:
    """The free-text answers of a gated repo's access requests (every list, every page); none for a
    repo that is not gated (it has no form). Raises HubError when the repo cannot be read."""
    if not gate_of(api, settings, repo_id):
        return []
    out = []
    for request in all_requests(api, settings, repo_id):
        for question, value in (request.fields or {}).items():
            text = str(value).strip()
            if text.lower() in _NOT_TEXT:
                continue
            out.append(_answer("hub_gate", repo_id, request.requested_at, f"{question}: {text}", index))
    return out


class SupabaseAnswers:
    """The `feedback` table, readable with the service role only (answers may hold an email)."""

    def __init__(self, session: SupabaseSession) -> None:
        self.session = session
        self.where = f"Supabase table `{TABLE}` ({session.settings.host})"

    def submitted(self) -> list[LandingFeedback]:
        """Every row the key may read."""
        rows = fetch_all_saying(self.session, TABLE, COLUMNS, {"no_permission": SupabaseError("no_permission", NO_READ,
                                                                                             TABLE)})
        return [LandingFeedback.model_validate(r) for r in rows]


class JsonlAnswers(JsonlLog[LandingFeedback]):
    """Answers kept in a local file: the sandbox's landing form posts here, never to Supabase."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, LandingFeedback)

    def submitted(self) -> list[LandingFeedback]:
        """Every answer, in the order posted."""
        return self.read()


def landing_answers(source: Submissions[LandingFeedback], index: ThemeIndex) -> list[FormAnswer]:
    """Every landing-form answer, oldest first, with its themes."""
    kept = source.submitted()
    return [_answer("landing", f.space_id or "landing page", f.created_at, f.message, index)
            for f in sorted(kept, key=lambda f: f.created_at)]
