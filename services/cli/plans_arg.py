"""The plan a plan-driven command (`plan`, `bundle`) works with: a preset or a plan file."""

from __future__ import annotations

import argparse

from services.strategy import plans, presets


def plan_from(args: argparse.Namespace) -> plans.Plan:
    """The plan the arguments name (a preset, or a plan file), with `--privacy-url` applied."""
    if args.plan:
        plan = plans.load_plan(args.plan)
    else:
        plan = presets.PRESETS[args.preset]() if args.seed is None else presets.PRESETS[args.preset](seed=args.seed)
    if getattr(args, "privacy_url", None):
        plan = plan.model_copy(update={"privacy_url": args.privacy_url})
    return plan
