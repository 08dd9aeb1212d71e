"""The decision brief: one self-contained HTML file the owner can forward.

The data in brief, the three strategies compared, the recommendation with its reasons and main
risk, the chosen plan, the card's first paragraph and the checks' status; the charts are embedded
as PNG, so the file opens anywhere, offline. Every figure comes from the services that compute
it; the template (`brief.html.j2`, beside this module) escapes every text.
"""

from __future__ import annotations

import base64
import functools
import json
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from services.dataset import summary
from services.dataset.loader import LoadedDataset
from services.release.bundle import Bundle
from services.release.card.render import CardText
from services.release.checks.report import TierReport
from services.strategy import advice, compare
from services.strategy.advice_chart import score_bars
from services.strategy.plans import Plan
from services.strategy.sampling import TierSelection
from services.utils.files import read_whole

TEMPLATE = Path(__file__).with_name("brief.html.j2")


@dataclass(frozen=True)
class CheckLine:
    """One tier's checks in a line."""

    tier: str
    status: str
    overridden: bool
    found: str


@dataclass
class BriefContent:
    """Everything the brief says, computed; `render_brief` only lays it out."""

    dataset: str
    plan_name: str
    seed: int
    summary: str
    comparison_header: list[str]
    comparison_rows: list[list[str]]
    recommended: str
    score: float
    runner_up: str
    runner_up_score: float
    reasons: list[str]
    risk: str
    would_change: list[str]
    goals: list[tuple[str, int]]
    scores: list[tuple[str, float]]  # every strategy scored, best first
    tiers: list[compare.TierRow]
    card_summary: str
    checks: list[CheckLine] = field(default_factory=list)
    score_png: str = ""  # base64
    coverage_png: str = ""


def _png(chart_json: str) -> str:
    try:
        import vl_convert as vlc
    except ImportError:  # the brief still reads well without its charts
        return ""
    return base64.b64encode(vlc.vegalite_to_png(chart_json, scale=2)).decode()


def _check_line(report: TierReport) -> CheckLine:
    flagged = [c.summary for c in report.checks if c.status != "pass"]
    return CheckLine(tier=report.tier, status=report.status, overridden=report.status == "block" and not report.blocked,
                     found="; ".join(flagged) or "every check passes")


def gather(ds: LoadedDataset, plan: Plan, selections: dict[str, TierSelection], goals: advice.Goals,
           built: dict[str, Bundle], reports: dict[str, TierReport],
           card_text: CardText | None = None) -> BriefContent:
    """The brief's content from what the studio has computed for this dataset and plan."""
    rec = advice.recommend(advice.with_current_plan(advice.preset_facts(ds), ds, plan, selections), goals)
    questions = compare.questions_table(compare.preset_comparison(ds))
    tiers = [compare.tier_row(ds, plan, name, sel) for name, sel in selections.items()]
    first = next(iter(built.values()), None)
    coverage = first.files.get("assets/coverage.png") if first is not None else None
    return BriefContent(
        dataset=ds.name, plan_name=plan.name, seed=plan.seed, summary=summary.summary_sentence(ds),
        comparison_header=[str(c) for c in questions.columns],
        comparison_rows=[[str(v) for v in row] for row in questions.itertuples(index=False)],
        recommended=rec.recommended, score=rec.scores[rec.recommended], runner_up=rec.runner_up,
        runner_up_score=rec.scores[rec.runner_up], reasons=rec.reasons, risk=rec.risk,
        would_change=rec.would_change, goals=[(goals.title(g), goals.weight(g)) for g in advice.GOALS],
        scores=sorted(rec.scores.items(), key=lambda kv: -kv[1]),
        tiers=tiers, card_summary=(card_text or CardText()).summary,
        checks=[_check_line(r) for r in reports.values()],
        score_png=_png(json.dumps(score_bars(rec).to_dict())),
        coverage_png=base64.b64encode(read_whole(coverage)).decode() if coverage else "",
    )


@functools.lru_cache(maxsize=1)
def _template() -> jinja2.Template:
    env = jinja2.Environment(autoescape=True, keep_trailing_newline=True)
    return env.from_string(TEMPLATE.read_text(encoding="utf-8"))


def render_brief(content: BriefContent) -> str:
    """The brief as one HTML document."""
    return _template().render(b=content)
