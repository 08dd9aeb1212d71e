"""Landing leads read back through the real PostgREST: the service role may, nobody else."""

from __future__ import annotations

import psycopg
import pytest

from services.funnel import leads
from services.supabase.client import connect
from services.supabase.config import settings_from


def _insert(db_uri: str, email: str, consent: bool) -> None:
    with psycopg.connect(db_uri, autocommit=True) as db:
        db.execute("INSERT INTO leads (email, delivery_consent, marketing_consent, consent_version, space_id, tier) "
                   "VALUES (%s, true, %s, '2026-11-27', 'brightrun/eq-100', 'eq-100')", (email, consent))


def test_the_service_role_reads_every_lead_and_counts_per_space(supabase):
    with psycopg.connect(supabase.db_uri, autocommit=True) as db:
        db.execute("DELETE FROM leads")
    _insert(supabase.db_uri, "a@example.org", True)
    _insert(supabase.db_uri, "b@example.org", False)
    session = connect(settings_from({"url": supabase.url, "key": supabase.key("service_role")}))
    found = leads.read_leads(session)
    assert [(lead.email, lead.marketing_consent, lead.tier) for lead in found] == [
        ("a@example.org", True, "eq-100"), ("b@example.org", False, "eq-100")]
    counts = leads.counts_by_space(found)["brightrun/eq-100"]
    assert (counts.leads, counts.marketing_consents) == (2, 1)


@pytest.mark.parametrize("role", ["anon", "authenticated"])
def test_other_keys_are_told_why_they_see_no_leads(supabase, role):
    session = connect(settings_from({"url": supabase.url, "key": supabase.key(role)}, retries=0))
    with pytest.raises(leads.LeadsUnreadableError, match="readable with the service role only"):
        leads.read_leads(session)
