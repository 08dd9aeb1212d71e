"""The sandbox's stand-in for what the landing pages post to: `POST /rest/v1/leads` and
`/rest/v1/feedback`, answered as PostgREST answers them, kept in the sandbox's files.

Each rule is the production table's (db/migrations/20261127_leads.sql, 20261205_feedback.sql): the
same columns, NOT NULL and CHECK constraints, and PostgREST's answers to a row that breaks them
(400 with `code` 23502 for a missing value, 23514 for a failed check, PGRST204 for an unknown
column; 401 without the publishable key; 201 with no body for `Prefer: return=minimal`). A form
that works here works against Supabase.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from services.feedback.forms import JsonlAnswers, LandingFeedback
from services.funnel.leads import JsonlLeads, LandingLead
from services.sandbox.hub_server import Answer

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
JSON = "application/json"
LEAD_COLUMNS = {"email", "name", "role", "delivery_consent", "marketing_consent", "consent_version", "space_id",
                "tier", "utm_source", "utm_medium", "utm_campaign"}
FEEDBACK_COLUMNS = {"message", "email", "contact_consent", "consent_version", "space_id", "tier"}


class RowRefusedError(Exception):
    """A row the table refuses: PostgREST's error code and message, and its status (400, or 401 when
    the row-level security policy refuses it for the anon role)."""

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.code = code
        self.status = status


def _check(ok: bool, table: str, constraint: str) -> None:
    if not ok:
        raise RowRefusedError("23514", f'new row for relation "{table}" violates check constraint '
                                       f'"{table}_{constraint}"')


def _text(row: Mapping[str, Any], name: str, table: str, limit: int, required: bool = False) -> str | None:
    value = row.get(name)
    if value is None:
        if required:
            raise RowRefusedError("23502", f'null value in column "{name}" of relation "{table}" violates not-null '
                                      "constraint")
        return None
    if not isinstance(value, str):
        raise RowRefusedError("22P02", f'invalid input syntax for type text: column "{name}"')
    _check(len(value) <= limit, table, f"{name}_check")
    return value


def _flag(row: Mapping[str, Any], name: str, table: str, default: bool | None = None) -> bool:
    value = row.get(name, default)
    if value is None:
        raise RowRefusedError("23502", f'null value in column "{name}" of relation "{table}" violates not-null '
                                       "constraint")
    if not isinstance(value, bool):
        raise RowRefusedError("22P02", f'invalid input syntax for type boolean: "{value}"')
    return value


def _columns(row: Any, allowed: set[str], table: str) -> Mapping[str, Any]:
    if not isinstance(row, dict):
        raise RowRefusedError("PGRST102", "Empty or invalid json")
    unknown = sorted(set(row) - allowed)
    if unknown:
        raise RowRefusedError("PGRST204", f"Could not find the '{unknown[0]}' column of '{table}' in the schema cache")
    return row


def lead_from(row: Any, now: datetime) -> LandingLead:
    """The `leads` row the table would store, or RowRefused saying which rule it breaks."""
    row = _columns(row, LEAD_COLUMNS, "leads")
    email = _text(row, "email", "leads", 254, required=True) or ""
    _check(bool(EMAIL.match(email)), "leads", "email_check")
    if not _flag(row, "delivery_consent", "leads"):  # the insert policy's WITH CHECK, met before the CHECK
        raise RowRefusedError("42501", 'new row violates row-level security policy for table "leads"', 401)
    version = _text(row, "consent_version", "leads", 40, required=True) or ""
    _check(len(version) >= 1, "leads", "consent_version_check")
    return LandingLead(created_at=now, email=email, name=_text(row, "name", "leads", 200),
                       role=_text(row, "role", "leads", 100),
                       marketing_consent=_flag(row, "marketing_consent", "leads", default=False),
                       consent_version=version, space_id=_text(row, "space_id", "leads", 200),
                       tier=_text(row, "tier", "leads", 60) or "",
                       utm_source=_text(row, "utm_source", "leads", 100),
                       utm_medium=_text(row, "utm_medium", "leads", 100),
                       utm_campaign=_text(row, "utm_campaign", "leads", 100))


def answer_from(row: Any, now: datetime) -> LandingFeedback:
    """The `feedback` row the table would store (its email is not kept: the studio never reads it)."""
    row = _columns(row, FEEDBACK_COLUMNS, "feedback")
    message = _text(row, "message", "feedback", 10_000, required=True) or ""
    _check(1 <= len(message.strip()) <= 1000, "feedback", "message_check")
    email = _text(row, "email", "feedback", 254)
    _check(email is None or bool(EMAIL.match(email)), "feedback", "email_check")
    consent = _flag(row, "contact_consent", "feedback", default=False)
    version = _text(row, "consent_version", "feedback", 40)
    _check(version is None or len(version) >= 1, "feedback", "consent_version_check")
    _check(email is None or consent, "feedback", "check")
    _check(not consent or version is not None, "feedback", "check1")
    return LandingFeedback(created_at=now, message=message, space_id=_text(row, "space_id", "feedback", 200),
                           tier=_text(row, "tier", "feedback", 60) or "", contact_consent=consent)


def form_post(leads: JsonlLeads, answers: JsonlAnswers, publishable_key: str, table: str,
              headers: Mapping[str, str], body: Callable[[], bytes]) -> Answer:
    """One landing-form insert, answered as PostgREST answers it."""
    data = body()
    if headers.get("apikey") != publishable_key:
        return 401, {"message": "Invalid API key", "hint": "Double check your Supabase `anon` or "
                                                           "`service_role` API key."}, None, JSON
    try:
        row = json.loads(data or b"null")
        now = datetime.now(UTC)
        if table == "leads":
            leads.append(lead_from(row, now))
        else:
            answers.append(answer_from(row, now))
    except ValueError:
        return 400, {"code": "PGRST102", "message": "Empty or invalid json", "details": None, "hint": None}, None, JSON
    except RowRefusedError as exc:
        return exc.status, {"code": exc.code, "message": str(exc), "details": None, "hint": None}, None, JSON
    return 201, None, b"", JSON
