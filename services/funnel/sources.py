"""Read what the funnel has gathered, from wherever it is: the Hub (access requests, traction) for
every repo in the release history, and Supabase (landing leads) when the studio may read them.

One repo or source that fails does not hide the others: each failure comes back as a sentence
beside what could be read. Shared by the Leads and Traction pages and `cli leads` / `cli traction`.
"""

from __future__ import annotations

from huggingface_hub import HfApi
from pydantic import BaseModel, Field

from services.funnel import ledger
from services.funnel.leads import LandingLead, counts_by_space
from services.hub.config import HubSettings
from services.hub.errors import HubError
from services.hub.history import PublishedRepo
from services.hub.requests import AccessRequestRow, all_requests, gate_of
from services.hub.snapshots import LeadCounts, SnapshotStore, TractionSnapshot, take
from services.hub.traction import Traction, repo_traction
from services.supabase.errors import SupabaseError
from services.utils.submissions import Submissions

NO_SUPABASE = ("Supabase is not configured, so landing-page leads are missing: the ledger shows the Hub's access "
               "requests only.")


class LedgerRead(BaseModel):
    """The ledger, the gates it was read under, and what could not be read.

    Every figure it gives is one the studio read: `read_repos` are the repos whose requests were read
    (a repo that is not gated has none to read, and is counted as read), `problems` the ones that
    could not be, `leads_missing` why landing-page leads were not read."""

    people: list[ledger.Person] = Field(default_factory=list)
    gates: dict[str, str | bool] = Field(default_factory=dict, description="repo id → its gate now")
    read_repos: list[str] = Field(default_factory=list)
    problems: list[str] = Field(default_factory=list)
    leads_missing: str | None = None
    outside_history: str | None = Field(default=None, description="the repo asked for, not in the release history")

    @property
    def complete(self) -> bool:
        """Everything the ledger speaks of was read (landing leads aside when Supabase is not configured)."""
        return not self.problems and self.leads_missing in (None, NO_SUPABASE)


def _landing_leads(source: Submissions[LandingLead] | None) -> tuple[list[LandingLead] | None, str | None]:
    if source is None:
        return None, NO_SUPABASE
    try:
        return source.submitted(), None
    except (SupabaseError, OSError) as exc:
        return None, f"Landing-page leads could not be read from {source.where}: {exc}"


def read_ledger(api: HfApi, settings: HubSettings, repos: list[PublishedRepo],
                leads_from: Submissions[LandingLead] | None, only: str | None = None) -> LedgerRead:
    """Every access request of every gated dataset repo, and every landing lead, merged per person.

    `only` keeps one repo or Space, and reads it whether or not the history holds it (a gated repo
    made by hand on the Hub has requests too): the answer about it is always one the Hub gave."""
    chosen = [r for r in repos if only is None or r.repo_id == only]
    out = LedgerRead()
    if only is not None and not chosen:
        out.outside_history = only
        chosen = [PublishedRepo(repo_id=only, repo_type="dataset", tier="")]
    requests: list[AccessRequestRow] = []
    for repo in chosen:
        if repo.repo_type != "dataset":
            out.read_repos.append(repo.repo_id)  # a Space has no access requests: its leads are read below
            continue
        try:
            out.gates[repo.repo_id] = gate_of(api, settings, repo.repo_id)
            if out.gates[repo.repo_id]:
                requests += all_requests(api, settings, repo.repo_id)
            out.read_repos.append(repo.repo_id)
        except HubError as exc:
            out.problems.append(str(exc))
    leads, out.leads_missing = _landing_leads(leads_from)
    kept = [lead for lead in leads or [] if only is None or lead.space_id == only]
    out.people = ledger.build(requests, kept, {r.repo_id: r.tier for r in chosen if r.tier})
    return out


class TractionRead(BaseModel):
    """Every published repo as the Hub shows it now, and the snapshots this read stored."""

    items: list[Traction]
    snapshots: list[TractionSnapshot] = Field(default_factory=list)
    leads_missing: str | None = None
    store_problem: str | None = None


def read_traction(api: HfApi, settings: HubSettings, repos: list[PublishedRepo],
                  leads_from: Submissions[LandingLead] | None, store: SnapshotStore) -> TractionRead:
    """Read every repo's traction and store one snapshot per repo read without error."""
    items = [repo_traction(api, settings, r.repo_id, r.repo_type) for r in repos]
    leads, missing = _landing_leads(leads_from)
    counts: dict[str, LeadCounts] | None = counts_by_space(leads) if leads is not None else None
    if counts is not None:
        counts = {r.repo_id: counts.get(r.repo_id, LeadCounts()) for r in repos if r.repo_type == "space"}
    out = TractionRead(items=items, leads_missing=missing)
    try:
        out.snapshots = take(items, {r.repo_id: r.tier for r in repos}, counts, store)
    except (SupabaseError, OSError) as exc:
        out.store_problem = f"the snapshot could not be stored in {store.where}: {exc}"
    return out
