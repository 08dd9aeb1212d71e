"""The sandbox's stand-in for what the landing pages post to: `POST /rest/v1/rpc/submit_lead` and
`/rpc/submit_feedback`, answered as the real PostgREST answers them, kept in the sandbox's files.

The rules are production's (`services.funnel.submission` states them, the migration's functions hold
them in PostgreSQL): one submission per call, text normalised before its length is checked, only a
landing page the sandbox published and has not retired, the same limits per client and per page, the
honeypot, the first submission of an address for a tier standing. The answers are PostgREST's: 204
with no body whatever was stored, 400 / 404 / 410 / 429 with its error codes, 401 without the
publishable key, and 401 `42501` for the tables themselves, which the page may no longer write.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from services.feedback.forms import JsonlAnswers, LandingFeedback
from services.funnel.landing_pages import JsonlLandingPages, page_of
from services.funnel.leads import JsonlLeads, LandingLead
from services.funnel.submission import SubmissionRefusedError, TryWindow, arguments, check_feedback, check_lead
from services.local_hub.extension import Answer

JSON = "application/json"
FUNCTIONS = ("submit_lead", "submit_feedback")
TABLES = ("leads", "feedback")


def _error(status: int, code: str, message: str) -> Answer:
    return status, {"code": code, "details": None, "hint": None, "message": message}, None, JSON


@dataclass
class FormEndpoints:
    """The two form functions over the sandbox's files, with their window of tries."""

    leads: JsonlLeads
    answers: JsonlAnswers
    pages: JsonlLandingPages
    publishable_key: str
    window: TryWindow = field(default_factory=TryWindow)

    def post(self, path: list[str], headers: Mapping[str, str], body: Callable[[], bytes], client: str) -> Answer:
        """One POST under `/rest/v1/`: a form function's call, or a direct insert (refused)."""
        data = body()
        if headers.get("apikey") != self.publishable_key:
            return 401, {"message": "Invalid API key", "hint": "Double check your Supabase `anon` or "
                                                               "`service_role` API key."}, None, JSON
        if path in ([t] for t in TABLES):
            return _error(401, "42501", f"permission denied for table {path[0]}")
        if len(path) != 2 or path[0] != "rpc" or path[1] not in FUNCTIONS:
            return _error(404, "PGRST202", "Could not find the function in the schema cache")
        try:
            self._call(path[1], data, headers.get("content-type", ""), client)
        except SubmissionRefusedError as exc:
            return _error(exc.status, exc.code, str(exc))
        return 204, None, b"", JSON

    def _call(self, function: str, data: bytes, content_type: str, client: str) -> None:
        args = arguments(function, data, content_type)
        check = check_lead if function == "submit_lead" else check_feedback
        accepted = check(args, lambda space_id: page_of(self.pages, space_id))
        self.window.admit(client, accepted.page.space_id)
        row, now = accepted.row, datetime.now(UTC)
        if row is None:
            return  # the honeypot: answered as a success, nothing stored
        if function == "submit_feedback":
            self.answers.append(LandingFeedback(created_at=now, message=row["message"], space_id=row["space_id"],
                                                tier=row["tier"], contact_consent=row["contact_consent"]))
            return
        key = (row["email"].lower(), row["tier"])
        if any((lead.email.lower(), lead.tier) == key for lead in self.leads.read()):
            return  # the first submission of an address for a tier stands
        self.leads.append(LandingLead(created_at=now, **row))
