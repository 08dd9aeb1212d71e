"""`plan PATH (--preset P | --plan FILE) [--json]`: each tier's conversations and figures."""

from __future__ import annotations

import argparse
import json
import sys

from services.cli import EXIT_FAILED, EXIT_OK
from services.cli.plans_arg import plan_from
from services.cli.source import load
from services.dataset.loader import LoadedDataset
from services.strategy import compare, plans, sampling


def plan_report(ds: LoadedDataset, plan: plans.Plan) -> dict:
    """The `plan --json` document: each tier's figures, ids, and pairs where counted in examples."""
    selections = sampling.select_plan(ds, plan)
    tiers = []
    for name, sel in selections.items():
        row = compare.tier_row(ds, plan, name, sel)
        tiers.append({
            "name": name, "channel": plan.tier(name).channel, "conversations": sel.conversations,
            "supervised_examples": sel.supervised_examples, "conversation_ids": list(sel.conversation_ids),
            "cells_covered": row.persona_arc_cells, "persona_topic_cells": row.persona_topic_cells,
            "trainable": row.trainable, "captures_leads": row.captures_leads,
            "share_of_examples": round(row.share_of_examples, 4), "tv_persona": row.tv_persona,
            "tv_arc": row.tv_arc, "tv_topic": row.tv_topic, "avg_quality": row.avg_quality,
            "license": row.license, "notes": list(sel.notes), "error": sel.error,
            **({"examples": [list(e) for e in sel.examples]} if sel.examples is not None else {}),
        })
    return {"plan": plan.name, "seed": plan.seed, "trainable_threshold": plan.trainable_threshold,
            "summary": compare.strategy_summary(ds, plan, selections).model_dump(), "tiers": tiers}


def run(args: argparse.Namespace) -> int:
    """Print each tier's figures (or the JSON document); 1 if a tier's rules cannot be met."""
    plan = plan_from(args)
    ds = load(args.path, args.scaffolding)
    report = plan_report(ds, plan)
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        print(f"plan '{plan.name}' (seed {plan.seed}) on {ds.name}")
        for t in report["tiers"]:
            print(f"  {t['name']:<12} {t['channel']:<11} {t['conversations']:>6,} conversations "
                  f"{t['supervised_examples']:>7,} examples  cells {t['cells_covered']:<6} "
                  f"{'trainable' if t['trainable'] else 'not trainable':<13} "
                  f"{'captures leads' if t['captures_leads'] else ''}")
            for note in t["notes"]:
                print(f"      note: {note}")
    errors = [t["error"] for t in report["tiers"] if t["error"]]
    for error in errors:
        print(f"error: {error}", file=sys.stderr)
    return EXIT_FAILED if errors else EXIT_OK
