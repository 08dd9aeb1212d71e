"""Landing-page leads, read back from Supabase's `leads` table by those who may.

Leads are personal data: the table grants `anon` an insert and nothing else, and the studio's
readers need the service role (see supabase/migrations/20261127020000_leads.sql). A key that may not read
them gets a sentence saying so, never an empty list that would pass for "no leads yet".
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from pathlib import Path

from pydantic import BaseModel

from services.hub.snapshots import LeadCounts
from services.supabase.client import SupabaseSession
from services.supabase.errors import SupabaseError
from services.supabase.tables import fetch_all_saying
from services.utils.jsonl import JsonlLog

TABLE = "leads"
COLUMNS = ("id, created_at, email, name, role, marketing_consent, consent_version, space_id, tier, utm_source, "
           "utm_medium, utm_campaign")
NO_READ = ("the Supabase key may not read the `leads` table: leads are personal data, readable with the service "
           "role only (set the studio's Supabase key to the service-role key on a machine only the owner uses)")


class LandingLead(BaseModel):
    """One person who filled in a landing page's form (never more than the form asked)."""

    created_at: datetime
    email: str
    name: str | None = None
    role: str | None = None
    marketing_consent: bool
    consent_version: str
    space_id: str | None = None
    tier: str
    utm_source: str | None = None
    utm_medium: str | None = None
    utm_campaign: str | None = None


class LeadsUnreadableError(SupabaseError):
    """The key may not read leads, or the table is missing: said in words."""


def read_leads(session: SupabaseSession) -> list[LandingLead]:
    """Every landing-page lead, oldest first; `LeadsUnreadableError` when the key may not read them."""
    rows = fetch_all_saying(session, TABLE, COLUMNS, {"no_permission": LeadsUnreadableError("no_permission", NO_READ,
                                                                                           TABLE)})
    return sorted((LandingLead.model_validate(r) for r in rows), key=lambda lead: lead.created_at)


class SupabaseLeads:
    """The `leads` table, read with the studio's key (the service role: see `read_leads`)."""

    def __init__(self, session: SupabaseSession) -> None:
        self.session = session
        self.where = f"Supabase table `{TABLE}` ({session.settings.host})"

    def submitted(self) -> list[LandingLead]:
        """Every lead (the service role only)."""
        return read_leads(self.session)


class JsonlLeads(JsonlLog[LandingLead]):
    """Leads kept in a local file: the sandbox's landing forms post here, never to Supabase."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, LandingLead)

    def submitted(self) -> list[LandingLead]:
        """Every lead, oldest first."""
        return sorted(self.read(), key=lambda lead: lead.created_at)


def counts_by_space(leads: list[LandingLead]) -> dict[str, LeadCounts]:
    """Space id → its leads and marketing consents: what a traction snapshot records per landing Space."""
    total = Counter(lead.space_id for lead in leads if lead.space_id)
    consents = Counter(lead.space_id for lead in leads if lead.space_id and lead.marketing_consent)
    return {space: LeadCounts(leads=n, marketing_consents=consents[space]) for space, n in total.items()}
