"""`brief PATH (--preset P | --plan FILE) --out FILE [--goal NAME=N …]`: the decision brief as HTML."""

from __future__ import annotations

import argparse
from pathlib import Path

from services.cli import EXIT_OK
from services.cli.plans_arg import plan_from
from services.cli.source import load
from services.marketing import brief
from services.release import bundle
from services.release.checks import runner
from services.strategy import advice, sampling
from services.strategy.errors import StrategyError
from services.utils.files import write_atomic


def goals_from(pairs: list[str]) -> advice.Goals:
    """`NAME=N` pairs over the default goals; a bad name or value is said in words."""
    values: dict[str, int] = {}
    for pair in pairs:
        name, _, value = pair.partition("=")
        if name.strip() not in advice.GOALS or not value.strip().isdigit() or not 0 <= int(value) <= 5:
            raise StrategyError(f"--goal {pair}: give NAME=N with N from 0 to 5; goals: {', '.join(advice.GOALS)}")
        values[name.strip()] = int(value)
    return advice.Goals().model_copy(update=values)


def run(args: argparse.Namespace) -> int:
    """Select, build and check the plan's tiers, then write the brief."""
    goals = goals_from(args.goal)
    plan = plan_from(args)
    ds = load(args.path, args.scaffolding)
    selections = sampling.select_plan(ds, plan)
    built = bundle.build_plan(ds, plan, selections)
    reports = runner.check_plan(ds, plan, selections, built)
    content = brief.gather(ds, plan, selections, goals, built, reports)
    path = write_atomic(Path(args.out), brief.render_brief(content).encode("utf-8"))
    print(f"recommended: {content.recommended} (score {content.score:.2f}); brief → {path}")
    return EXIT_OK
