"""Which strategy to choose, and why: the owner's goals weighed against the facts of each plan.

Rules, not a model. Each goal gets a score from 0 to 1 per plan, read from computed facts only:

- **adoption and visibility**: what people can find, browse and train on without asking. Half
  from the public examples against the trainable threshold, 0.3 from the persona × arc cells the
  public part shows, 0.2 from gated examples (the repo is listed and its card readable, but the
  Hub hides a gated repo's viewer, SQL console and Croissant metadata from anyone not yet granted
  access, and asking needs a Hub account).
- **feedback**: 0.4 for discussions on a Hub repo, 0.6 from the examples anyone can train on
  without paying (public, gated or for an email) against the threshold: people who train say
  what works.
- **leads captured**: none without a form; otherwise 0.3, plus 0.7 from the examples behind the
  form against the threshold (the more it is worth, the more people fill it in). A download
  tier's email form lives on a landing page the studio publishes; while the plan has no privacy
  notice it links to (or only a placeholder), the page cannot go live, its examples count at
  half, and the risk says so.
- **data kept for sale**: the share of supervised examples kept back.
- **perceived value** (not desperate, not a commodity): 0.4 from the share not open to all,
  0.4 for asking something in return, 0.2 for a public part that shows the whole range of
  persona × arc cells (or no public part: nothing looks thin).

The plan with the highest weighted mean wins. Its reasons are the goals where it beats the
runner-up by most (weight × score gap), its main risk the goal where it loses by most (or its
weakest goal), and what would change the answer is found by re-weighting one goal at a time.
Every sentence is built from the facts' numbers.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import BaseModel, Field

from services.dataset.loader import LoadedDataset
from services.strategy.compare import cells_covered, given_per_conversation, union_examples
from services.strategy.links import host_problem
from services.strategy.plans import Plan
from services.strategy.presets import PRESET_LABELS, PRESETS
from services.strategy.sampling import TierSelection, dataset_arrays, select_plan

Goal = Literal["adoption", "feedback", "leads", "kept_for_sale", "perceived_value"]
_LANDING = ("The download tier's email form needs its landing page, and the page cannot go live until the plan "
            "links a real privacy notice: nobody can reach that tier's form until then.")
GOALS: tuple[Goal, ...] = ("adoption", "feedback", "leads", "kept_for_sale", "perceived_value")
CURRENT_PLAN = "Current plan"  # how an edited plan is named beside the presets
FACTORS = ((2, "twice"), (3, "three times"), (5, "five times"))  # re-weightings tried, in this order


class Goals(BaseModel):
    """How much each goal matters to the owner, 0 (not at all) to 5 (most).

    The defaults are the owner's stated preference: popularity and feedback fast, without
    looking desperate or like a commodity; the real product is generating conversations, so the
    data kept for sale matters least.
    """

    adoption: int = Field(default=5, ge=0, le=5, title="adoption and visibility")
    feedback: int = Field(default=5, ge=0, le=5, title="feedback")
    leads: int = Field(default=3, ge=0, le=5, title="leads captured")
    kept_for_sale: int = Field(default=1, ge=0, le=5, title="data kept for sale")
    perceived_value: int = Field(default=4, ge=0, le=5, title="perceived value")

    def weight(self, goal: Goal) -> int:
        """The weight of one goal."""
        return int(getattr(self, goal))

    def title(self, goal: Goal) -> str:
        """The goal as the page names it."""
        return Goals.model_fields[goal].title or goal


class StrategyFacts(BaseModel):
    """What a plan gives, to whom, for what: the numbers every rule and sentence reads."""

    label: str
    total_examples: int
    threshold: int  # supervised examples a LoRA run needs
    open_examples: int  # public on the Hub: no account, no form
    gated_examples: int  # behind the Hub's access form (needs a Hub account)
    email_examples: int  # behind the landing page's email form
    kept_examples: int
    open_conversations: int
    open_cells: int  # persona × arc cells the public part covers
    all_cells: int
    hub_repos: int  # Hub tiers (each has discussions)
    captures_leads: bool
    landing_page_missing: bool = False  # a download tier, and no real privacy notice for its landing page

    @property
    def lead_examples(self) -> int:
        """The examples someone gets by leaving a contact."""
        return self.gated_examples + self.email_examples

    @property
    def reachable_lead_examples(self) -> float:
        """Lead examples people can actually reach: an email form without a landing page counts half."""
        return self.gated_examples + self.email_examples * (0.5 if self.landing_page_missing else 1.0)

    @property
    def usable_examples(self) -> int:
        """The examples anyone can train on without paying."""
        return self.open_examples + self.lead_examples

    @property
    def open_share(self) -> float:
        """The share of all supervised examples open to anyone."""
        return _part(self.open_examples, self.total_examples) if self.total_examples else 0.0


def strategy_facts(ds: LoadedDataset, plan: Plan, selections: dict[str, TierSelection], label: str) -> StrategyFacts:
    """The facts of one plan on this dataset."""
    a = dataset_arrays(ds)

    def given(channels: set[str]) -> int:
        return sum(given_per_conversation(ds, union_examples(selections, plan, channels)).values())

    public = [sel for name, sel in selections.items() if plan.tier(name).channel == "hub_public"]
    open_positions = np.unique(np.concatenate([sel.indices for sel in public])) if public else np.array([], int)
    total = int(a.supervised.sum())
    open_n, gated_n, email_n = given({"hub_public"}), given({"hub_gated"}), given({"download"})
    given_all = given({"hub_public", "hub_gated", "download"})
    return StrategyFacts(
        label=label, total_examples=total, threshold=plan.trainable_threshold, open_examples=open_n,
        gated_examples=gated_n, email_examples=email_n, kept_examples=total - given_all,
        open_conversations=len(open_positions), open_cells=cells_covered(ds, open_positions),
        all_cells=cells_covered(ds, np.arange(len(a.ids))),
        hub_repos=sum(1 for name in selections if plan.tier(name).channel.startswith("hub_")),
        captures_leads=any(plan.tier(n).captures_leads and s.conversations for n, s in selections.items()),
        landing_page_missing=is_placeholder(plan.privacy_url) and any(
            plan.tier(n).channel == "download" for n in selections),
    )


def is_placeholder(url: str | None) -> bool:
    """No URL, or one nobody else can open (an example domain, a local host): not a real page."""
    return host_problem(url) is not None


def _part(value: float, of: int) -> float:
    return min(1.0, value / of) if of > 0 else 1.0


def score(facts: StrategyFacts, goal: Goal) -> float:
    """One goal's score, 0 to 1, by the rules in this module's docstring."""
    f, thr = facts, facts.threshold
    if goal == "adoption":
        return (0.5 * _part(f.open_examples, thr) + 0.3 * (f.open_cells / f.all_cells if f.all_cells else 0.0)
                + 0.2 * _part(f.gated_examples, thr))
    if goal == "feedback":
        return 0.4 * (f.hub_repos > 0) + 0.6 * _part(f.usable_examples, thr)
    if goal == "leads":
        return 0.3 + 0.7 * _part(f.reachable_lead_examples, thr) if f.captures_leads else 0.0
    if goal == "kept_for_sale":
        return _part(f.kept_examples, f.total_examples) if f.total_examples else 0.0
    whole_range = f.open_conversations == 0 or f.open_cells == f.all_cells
    return 0.4 * (1 - f.open_share) + 0.4 * f.captures_leads + 0.2 * whole_range


def total(facts: StrategyFacts, goals: Goals) -> float:
    """The weighted mean of the goals' scores (0 when no goal matters)."""
    weights = sum(goals.weight(g) for g in GOALS)
    return sum(goals.weight(g) * score(facts, g) for g in GOALS) / weights if weights else 0.0


# --- sentences: each from the facts' numbers -------------------------------------------------
def _n(value: int) -> str:
    return f"{value:,}"


def _strength(goal: Goal, f: StrategyFacts) -> str:
    thr = f"the {_n(f.threshold)} supervised examples a LoRA run needs"
    if goal == "adoption":
        if f.open_examples:
            return (f"{_n(f.open_examples)} supervised examples are public: anyone can browse them in the Hub's "
                    f"viewer and SQL console without an account, covering {f.open_cells} of {f.all_cells} "
                    f"persona × arc cells ({'above' if f.open_examples >= f.threshold else 'below'} {thr}).")
        return (f"{_n(f.gated_examples)} supervised examples are listed on the Hub, one access form away for "
                "anyone with a Hub account.")
    if goal == "feedback":
        repos = "its Hub repo is" if f.hub_repos == 1 else f"its {f.hub_repos} Hub repos are"
        return (f"{_n(f.usable_examples)} supervised examples can be trained on without paying "
                f"({'enough for' if f.usable_examples >= f.threshold else 'short of'} {thr}), and {repos} "
                "open for discussions: people who train say what works.")
    if goal == "leads":
        via = " and ".join(w for w, n in (("the Hub's access form", f.gated_examples),
                                          ("the landing page's email form", f.email_examples)) if n)
        return (f"{_n(f.lead_examples)} supervised examples sit behind {via}: each download leaves a contact.")
    if goal == "kept_for_sale":
        return (f"{_n(f.kept_examples)} of {_n(f.total_examples)} supervised examples "
                f"({f.kept_examples / f.total_examples:.0%}) stay kept back for sale.")
    if not f.open_examples:
        return "No example is given away with nothing asked: every one asks for a form or is kept back."
    return (f"Only {f.open_share:.0%} of the examples are open to all, and the rest ask for something in return "
            f"or are kept back; the public part still shows {f.open_cells} of {f.all_cells} persona × arc cells.")


def _weakness(goal: Goal, f: StrategyFacts) -> str:
    if goal == "adoption":
        hidden = (" The Hub hides a gated repo's viewer, SQL console and Croissant metadata until access is "
                  "granted, and asking needs a Hub account." if f.gated_examples else "")
        return (f"Little can be seen without asking: {_n(f.open_examples)} of {_n(f.total_examples)} supervised "
                f"examples are public.{hidden}")
    if goal == "feedback":
        return (f"Only {_n(f.usable_examples)} supervised examples can be trained on without paying, below the "
                f"{_n(f.threshold)} a LoRA run needs: few will train on it and report back.")
    if goal == "leads":
        if f.captures_leads and f.landing_page_missing:
            return _LANDING
        return "No lead is captured: downloads leave no contact."
    if goal == "kept_for_sale":
        return (f"Nothing much is kept for sale: {_n(f.kept_examples)} of {_n(f.total_examples)} supervised "
                "examples stay back.")
    return (f"{f.open_share:.0%} of the examples are free with nothing asked in return, which reads as a "
            "commodity.")


class Recommendation(BaseModel):
    """The answer, with its reasons, its main risk and what would change it."""

    goals: Goals
    facts: list[StrategyFacts]
    scores: dict[str, float]  # label → weighted score
    goal_scores: dict[str, dict[str, float]]  # label → goal → score
    recommended: str
    runner_up: str
    reasons: list[str]
    risk: str
    would_change: list[str]


def _winner(facts: list[StrategyFacts], goals: Goals) -> str:
    # ties go to the first listed (the presets' order: the simplest first)
    return max(facts, key=lambda f: total(f, goals)).label


def _reweightings(goals: Goals, goal: Goal) -> list[tuple[int, str]]:
    """The weights tried for one goal, smallest change first, with how a sentence says each."""
    weight = goals.weight(goal)
    if not weight:
        return [(5, "mattered most")]
    return [(weight * factor, f"mattered {word} as much") for factor, word in FACTORS] + [(0, "did not matter")]


def _changes(facts: list[StrategyFacts], goals: Goals, winner: str) -> list[str]:
    """One sentence per goal whose re-weighting alone flips the answer (the smallest change)."""
    out = []
    for goal in GOALS:
        for weight, words in _reweightings(goals, goal):
            other = _winner(facts, goals.model_copy(update={goal: weight}))
            if other != winner:
                out.append(f"If {goals.title(goal)} {words}, {other} would win.")
                break
    return out


def recommend(facts: list[StrategyFacts], goals: Goals) -> Recommendation:
    """Score every plan, pick one, and say why in sentences built from the facts."""
    by_label = {f.label: f for f in facts}
    ranked = sorted(facts, key=lambda f: -total(f, goals))
    best = by_label[_winner(facts, goals)]
    second = next((f for f in ranked if f.label != best.label), best)
    gaps = {g: goals.weight(g) * (score(best, g) - score(second, g)) for g in GOALS}
    strongest = [g for g in sorted(GOALS, key=lambda g: -gaps[g]) if gaps[g] > 0][:3]
    if len(strongest) < 3:  # fewer than three goals where it wins: add its best-scored others
        strongest += [g for g in sorted(GOALS, key=lambda g: -goals.weight(g) * score(best, g))
                      if g not in strongest and goals.weight(g)][:3 - len(strongest)]
    losing = min(GOALS, key=lambda g: gaps[g])
    risk_goal = losing if gaps[losing] < 0 else min(
        (g for g in GOALS if goals.weight(g)), key=lambda g: goals.weight(g) * score(best, g), default=losing)
    risk = _weakness(risk_goal, best)
    if best.landing_page_missing and best.email_examples and risk != _LANDING:
        risk += " " + _LANDING
    return Recommendation(
        goals=goals, facts=facts, scores={f.label: round(total(f, goals), 3) for f in facts},
        goal_scores={f.label: {g: round(score(f, g), 3) for g in GOALS} for f in facts},
        recommended=best.label, runner_up=second.label, reasons=[_strength(g, best) for g in strongest],
        risk=risk, would_change=_changes(facts, goals, best.label),
    )


def with_current_plan(presets: list[StrategyFacts], ds: LoadedDataset, plan: Plan,
                      selections: dict[str, TierSelection]) -> list[StrategyFacts]:
    """The presets' facts, and the current plan's beside them when it is not one of them unchanged."""
    if any(plan == make() for make in PRESETS.values()):
        return list(presets)
    return [*presets, strategy_facts(ds, plan, selections, f"{CURRENT_PLAN} ({plan.name})")]


def preset_facts(ds: LoadedDataset, threshold: int | None = None) -> list[StrategyFacts]:
    """The three presets' facts on this dataset (with another trainable threshold, if given)."""
    out = []
    for key, make in PRESETS.items():
        plan = make()
        if threshold is not None:
            plan = plan.model_copy(update={"trainable_threshold": threshold})
        out.append(strategy_facts(ds, plan, select_plan(ds, plan), PRESET_LABELS[key]))
    return out
