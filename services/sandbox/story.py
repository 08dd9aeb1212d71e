"""The sandbox's seeded story: what three weeks after a first release look like, so the Releases,
Leads, Traction, Feedback and Next batch pages have something true to show before any real release.

Deterministic (a fixed seed: the same people, threads and curve every time; only the dates move
with today) and obviously fictional (example.com addresses, invented handles). The releases are
made the way the owner makes them — built by the release code, checked, published through the real
Hub client to the sandbox Hub, recorded in the sandbox's history — and then dated back:

- v1, three weeks ago: the billboard plan (a public preview, EQ-100 behind the landing Space's form,
  the full set gated by hand) on the first 180 demo conversations;
- v2, last week: the same plan on the first 210, whose cards say what is new; the demo's 242 are what
  the platform made since, so publishing today (the quick start's v3) is a new version of each tier,
  and the Strategy page opens on this plan (the history keeps it);
- 21 daily traction snapshots, 40 landing leads, a dozen access requests (pending, accepted,
  rejected), threads (one a bot's), likers, and landing-form suggestions.
"""

from __future__ import annotations

import math
import random
from datetime import UTC, datetime, timedelta
from typing import Protocol

from services.dataset.loader import LoadedDataset, load_dataset
from services.demo.cache import cached_demo
from services.demo.generator import DEFAULT_SEED
from services.feedback.forms import JsonlAnswers, LandingFeedback
from services.feedback.likers import LikerSighting
from services.funnel.landing_pages import LandingPage, LandingRegistration
from services.funnel.leads import JsonlLeads, LandingLead
from services.funnel.space import LeadCapture, space_files
from services.hub import api as hub_api
from services.hub import flow
from services.hub.config import HubSettings
from services.hub.dry_run import dry_run
from services.hub.history import History, ReleaseRecord, previous_releases
from services.hub.publish import PublishOptions
from services.hub.snapshots import TractionSnapshot
from services.local_hub.shapes import comment_event, liker, thread
from services.local_hub.state import LocalHub, Repo
from services.records.stores import Records
from services.release import bundle
from services.release.checks import runner as checks
from services.strategy import sampling
from services.strategy.consent import CONSENT_VERSION, ROLES
from services.strategy.gate_form import marketing_field
from services.strategy.links import repo_type
from services.strategy.plans import AccessField, Gating, Plan, Relation, Selection, Tier
from services.strategy.presets import preset_billboard


class Stage(Protocol):
    """What the story needs of the sandbox it plays in (`runtime.Sandbox` is one): the story is told to
    a sandbox, and the runtime, which starts sandboxes, tells it — so the story never imports the runtime."""

    url: str
    hub: LocalHub | None

    @property
    def records(self) -> Records:
        """Where the story's history, snapshots and sightings go."""

    @property
    def lead_log(self) -> JsonlLeads:
        """Where its landing leads go."""

    @property
    def answer_log(self) -> JsonlAnswers:
        """Where its landing form's answers go."""

    @property
    def privacy_url(self) -> str:
        """The story's privacy notice."""

    def settings(self) -> HubSettings:
        """The Hub client's settings for the sandbox Hub."""

    def lead_capture(self) -> LeadCapture:
        """Where its landing pages' forms post."""

SEED = 20261206
V1_CONVERSATIONS = 180
V2_CONVERSATIONS = 210
DAYS = 21
LEADS = 40
ACTOR = "sandbox-owner (the sandbox's story)"
FIRST = ("Ada", "Bruno", "Chiara", "Dev", "Elif", "Femi", "Greta", "Hiro", "Ines", "Jonas", "Kaia", "Luca", "Mei",
         "Nadia", "Omar", "Priya", "Quinn", "Rosa", "Sven", "Tala", "Uma", "Viktor", "Wen", "Yara", "Zane")
LAST = ("Abara", "Berg", "Costa", "Dahl", "Eze", "Fischer", "Garcia", "Haddad", "Ito", "Jensen", "Kowalski", "Lund",
        "Moreau", "Novak", "Okafor", "Petrov", "Rossi", "Sato", "Tanaka", "Varga")
COMPANIES = ("Fictive Wealth", "Example Fintech", "Sample Advisory", "Demo Credit Union", "Placeholder Labs")
UTM = (("huggingface", "referral", "preview"), ("linkedin", "social", "launch"), ("newsletter", "email", "launch"),
       (None, None, None))


def story_plan(privacy_url: str) -> Plan:
    """The billboard plan with the rest of the set gated by hand (access granted once bought), and a privacy notice."""
    plan = preset_billboard()
    gating = Gating(mode="manual", heading="The full set: request access",
                    description="Every conversation, for teams that bought a license. We answer within a day.",
                    prompt="Tell us who you are; we grant access once the license is in place.",
                    button_content="Request access",
                    fields=[AccessField(label="Company", type="text"),
                            AccessField(label="Role or use case", type="select", options=list(ROLES)),
                            marketing_field()])
    # Everything EQ-100 does not hand out for an email: the checks block a Hub tier holding those.
    full = Tier(name="full", channel="hub_gated", selection=Selection(mode="all"), gating=gating, license="other",
                license_name="BrightRun commercial license", relations=[Relation(kind="disjoint_from", tier="eq-100")])
    return plan.model_copy(update={
        "privacy_url": privacy_url, "tiers": [*plan.tiers[:2], full],
        "description": "Billboard: a public preview, EQ-100 behind an email form, the full set gated for buyers."})


def _stamp(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


class _Dated:
    """The sandbox's history, recording a release at the story's date instead of now."""

    def __init__(self, inner: History, when: datetime) -> None:
        self.inner, self.when, self.where = inner, when, inner.where

    def append(self, record: ReleaseRecord) -> None:
        self.inner.append(record.model_copy(update={"released_at": self.when}))

    def read(self) -> list[ReleaseRecord]:
        return self.inner.read()


def _demo(n: int) -> LoadedDataset:
    return load_dataset(cached_demo(n, DEFAULT_SEED), name=f"demo dataset ({n} conversations)")


def publish_dated(sandbox: Stage, ds: LoadedDataset, plan: Plan, when: datetime) -> dict[str, str]:
    """Build, check and publish every released tier of `plan` to the sandbox, dated `when`: tier → repo id."""
    assert sandbox.hub is not None
    settings = sandbox.settings()
    api = hub_api.client(settings)
    records = sandbox.records
    selections = sampling.select_plan(ds, plan)
    built = bundle.build_plan(ds, plan, selections, hub_url=sandbox.url,
                              previous=previous_releases(records.history.read()))
    checks.check_plan(ds, plan, selections, built)
    published = {}
    for name, b in built.items():
        tier = plan.tier(name)
        kind = repo_type(tier)
        files = b.files if kind == "dataset" else space_files(b.zip_bytes(), b.repo_id, sandbox.url,
                                                              sandbox.lead_capture())
        store = sandbox.hub.spaces if kind == "space" else sandbox.hub.repos
        before = len(store[b.repo_id].commits) if b.repo_id in store else 0
        context = flow.context_from_manifest(b.manifest)
        options = PublishOptions(repo_id=b.repo_id, repo_type=kind,
                                 gated=tier.gating.mode if tier.channel == "hub_gated" and tier.gating else False,
                                 commit_message=f"Release {name}: {context.conversations:,} conversations")
        seen = dry_run(api, settings, b.repo_id, files, kind)
        landing = LandingRegistration(records.landing_pages, LandingPage(space_id=b.repo_id, tier=name,
                                                                         published_at=when)) \
            if kind == "space" else None
        out = flow.attempt(api, settings, files, context, options, seen, ACTOR, _Dated(records.history, when),
                           precondition=landing)
        if out.result is None:
            raise RuntimeError(f"the sandbox's story could not publish {name}: {out.error}")
        with sandbox.hub.lock:
            repo = store[b.repo_id]
            if before == 0:
                repo.created = _stamp(when - timedelta(minutes=5))
            for commit in repo.commits[before:]:
                commit.date = _stamp(when)
        published[name] = b.repo_id
    return published


def _people(rng: random.Random, n: int) -> list[tuple[str, str]]:
    """n distinct (full name, handle) pairs."""
    names = sorted({(f, last) for f in FIRST for last in LAST})
    return [(f"{f} {last}", f"{f.lower()}-{last.lower()}") for f, last in rng.sample(names, n)]


def _moment(rng: random.Random, start: datetime, end: datetime, early: float = 2.0) -> datetime:
    """A moment in [start, end], more often early (interest is highest right after a release)."""
    return start + (end - start) * (rng.random() ** early)


def _leads(rng: random.Random, space_id: str, start: datetime, now: datetime) -> list[LandingLead]:
    out = []
    for name, handle in _people(rng, LEADS):
        source, medium, campaign = rng.choice(UTM)
        out.append(LandingLead(created_at=_moment(rng, start, now, 1.6), email=f"{handle}@example.com", name=name,
                               role=rng.choice(ROLES), marketing_consent=rng.random() < 0.55,
                               consent_version=CONSENT_VERSION, space_id=space_id, tier="eq-100",
                               utm_source=source, utm_medium=medium, utm_campaign=campaign))
    return sorted(out, key=lambda lead: lead.created_at)


def _requests(rng: random.Random, start: datetime, now: datetime) -> list[dict]:
    statuses = ["accepted"] * 6 + ["pending"] * 4 + ["rejected"] * 2
    out = []
    for i, ((name, handle), status) in enumerate(zip(_people(rng, len(statuses)), statuses, strict=True)):
        at = _moment(rng, start, now - timedelta(days=1) if status != "pending" else now, 1.3)
        out.append({"requestId": f"sandbox-request-{i + 1}", "status": status, "timestamp": _stamp(at),
                    "user": {"user": handle, "fullname": name, "email": f"{handle}@example.com"},
                    "fields": {"Company": rng.choice(COMPANIES), "Role or use case": rng.choice(ROLES),
                               marketing_field().label: rng.choice(["Yes", "No"])}})
    return out


def _threads(start: datetime, v2: datetime) -> dict[str, list[dict]]:
    """Per tier: the threads people opened (fixed words; the dates follow the releases)."""
    def at(base: datetime, days: float) -> str:
        return _stamp(base + timedelta(days=days))

    return {
        "preview": [
            thread(1, "Any plans for a Roth IRA Conversion set?", "ada-berg", at(start, 2),
                   body="The anxious planner conversations are great. Would love more on roth ira conversion."),
            thread(2, "License for commercial fine-tuning?", "hiro-sato", at(start, 4),
                   comments=[comment_event("sandbox-owner", "The preview is CC-BY-4.0: yes, with attribution.",
                                           at(start, 4.3))],
                   body="Can we fine-tune a product model on the preview?"),
            thread(3, "Adding `refs/convert/parquet`", "parquet-converter", at(start, 0.2), pull_request=True),
            thread(4, "More grief and crisis conversations, please", "mei-novak", at(v2, 1),
                   body="Crisis → Referral is the hardest case for our coach. A set on grief would help too."),
        ],
        "full": [
            thread(1, "Spanish version?", "rosa-garcia", at(start, 9),
                   body="We serve Spanish-speaking clients; is a Spanish set planned?"),
        ],
        "eq-100": [
            thread(1, "The download link worked, thanks", "femi-okafor", at(start, 3),
                   comments=[comment_event("sandbox-owner", "Glad it helped: tell us what you build.",
                                           at(start, 3.2))]),
        ],
    }


def _answers(space_id: str, start: datetime) -> list[LandingFeedback]:
    words = ["More conversations about roth ira conversion, and the inheritance windfall topic.",
             "A fear to confidence arc for first-time investors.",
             "Longer conversations: eight turns or more.",
             "Student loan payoff with a couple in conflict.",
             "Please add grief: clients after a loss."]
    return [LandingFeedback(created_at=start + timedelta(days=2 + 3 * i, hours=i), message=text, space_id=space_id,
                            tier="eq-100", contact_consent=False) for i, text in enumerate(words)]


def _when(request: dict) -> datetime:
    return datetime.fromisoformat(request["timestamp"].replace("Z", "+00:00"))


def _curve(day: int, peak: float, v2_day: int, bump: float) -> int:
    """Cumulative downloads after `day` days: fast at first, slowing, with a second rise after v2."""
    total = peak * (1 - math.exp(-day / 6))
    if day >= v2_day:
        total += bump * (1 - math.exp(-(day - v2_day + 1) / 3))
    return round(total)


def _snapshots(repos: dict[str, str], start: datetime, now: datetime, v2: datetime, likes: dict[str, list[datetime]],
               requests: list[dict], leads: list[LandingLead]) -> list[TractionSnapshot]:
    out = []
    v2_day = (v2 - start).days
    for day in range(1, DAYS + 1):
        taken = now - timedelta(days=DAYS - day)
        for tier, repo_id in repos.items():
            liked = sum(t <= taken for t in likes.get(repo_id, []))
            if tier == "eq-100":
                given = [lead for lead in leads if lead.created_at <= taken]
                out.append(TractionSnapshot(taken_at=taken, repo_id=repo_id, repo_type="space", tier=tier, likes=liked,
                                            landing_leads=len(given),
                                            marketing_consents=sum(lead.marketing_consent for lead in given)))
                continue
            peak, bump = (260, 140) if tier == "preview" else (40, 25)
            total = _curve(day, peak, v2_day, bump)
            row = TractionSnapshot(taken_at=taken, repo_id=repo_id, tier=tier, downloads=total,
                                   downloads_all_time=total, likes=liked)
            if tier == "full":
                seen = [r for r in requests if _when(r) <= taken]
                decided = [r for r in seen if r["status"] != "pending" and _when(r) + timedelta(days=1) <= taken]
                row = row.model_copy(update={
                    "requests_pending": len(seen) - len(decided),
                    "requests_accepted": sum(r["status"] == "accepted" for r in decided),
                    "requests_rejected": sum(r["status"] == "rejected" for r in decided)})
            out.append(row)
    return out


def seed(sandbox: Stage, now: datetime | None = None) -> None:
    """Put the whole story in an empty sandbox (its Hub served by this process)."""
    assert sandbox.hub is not None
    now = now or datetime.now(UTC)
    start, v2 = now - timedelta(days=DAYS), now - timedelta(days=7)
    rng = random.Random(SEED)
    plan = story_plan(sandbox.privacy_url)
    publish_dated(sandbox, _demo(V1_CONVERSATIONS), plan, start)
    repos = publish_dated(sandbox, _demo(V2_CONVERSATIONS), plan, v2)
    records = sandbox.records
    leads = _leads(rng, repos["eq-100"], start, now)
    requests = _requests(rng, start, now)
    likes: dict[str, list[datetime]] = {}
    with sandbox.hub.lock:
        hub = sandbox.hub
        kept: dict[str, Repo] = {repos["preview"]: hub.repos[repos["preview"]], repos["full"]: hub.repos[repos["full"]],
                                 repos["eq-100"]: hub.spaces[repos["eq-100"]]}
        for tier, threads in _threads(start, v2).items():
            kept[repos[tier]].discussions = threads
        for repo_id, count in ((repos["preview"], 9), (repos["full"], 3), (repos["eq-100"], 4)):
            people = _people(rng, count)
            kept[repo_id].likers = [liker(handle) for _, handle in people]
            kept[repo_id].likes = count
            likes[repo_id] = sorted(_moment(rng, start, now, 1.5) for _ in people)
            for (_, handle), at in zip(people, likes[repo_id], strict=True):
                records.likers.append(LikerSighting(first_seen=at, repo_id=repo_id, username=handle))
        kept[repos["full"]].access_requests = requests
        snapshots = _snapshots(repos, start, now, v2, likes, requests, leads)
        for snapshot in snapshots:
            records.snapshots.append(snapshot)
        for repo_id in (repos["preview"], repos["full"]):
            last = next(s for s in reversed(snapshots) if s.repo_id == repo_id)
            kept[repo_id].downloads = kept[repo_id].downloads_all_time = last.downloads or 0
    for lead in leads:
        sandbox.lead_log.append(lead)
    for answer in _answers(repos["eq-100"], start):
        sandbox.answer_log.append(answer)
