"""Command line: `stats PATH`, `plan PATH (--preset P | --plan FILE)`, `bundle … --out DIR`, `demo --out PATH`.

PATH is an export file, `demo`, or `supabase://training-files/NAME-OR-ID` / `supabase://conversations`.

Exit status: 0 success, 1 a plan whose rules cannot be met or a tier blocked by the checks,
2 bad input (one line on stderr saying what and where). The CLI never shows a traceback: an
unexpected failure is one line too, with status 1.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from services import bundle, checks, compare, demo, plans, sampling, stats, supabase_source
from services.loader import FORMAT_LABELS, LoadedDataset, load_dataset
from services.report import LoadError
from services.supabase_client import SupabaseError, connect
from services.supabase_config import ENV_KEY, ENV_URL, SupabaseConfigError, settings_from_env

DEMO_SOURCE = "demo"
EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2
SERVICE_FAILURES = frozenset({"timeout", "unreachable", "network", "server_error"})


def _load(path: str) -> LoadedDataset:
    if path == DEMO_SOURCE and not Path(path).exists():
        return load_dataset(demo.demo_bytes(), "demo dataset")
    if path.startswith(supabase_source.URI_SCHEME):
        return _load_supabase(path)
    return load_dataset(path)


def _load_supabase(uri: str) -> LoadedDataset:
    """`supabase://…`, with the project from SUPABASE_URL / SUPABASE_KEY."""
    target = supabase_source.parse_uri(uri)
    settings = settings_from_env()
    if settings is None:
        raise SupabaseConfigError(f"{uri} needs {ENV_URL} and {ENV_KEY} in the environment")
    session = connect(settings)
    try:
        return supabase_source.load_target(session, target)
    finally:
        session.close()


def _print_text(ds: LoadedDataset, out: stats.DatasetStats) -> None:
    lines = [
        f"{ds.name} — {FORMAT_LABELS[ds.format]}",
        stats.summary_sentence(ds),
        "",
        f"conversations        {out.conversations:>8,}",
        f"training pairs       {out.training_pairs:>8,}",
        f"pairs with a target  {out.pairs_with_target:>8,}",
        f"quality avg/min/max  {out.quality.avg} / {out.quality.min} / {out.quality.max}",
        f"human-reviewed pairs {out.human_reviewed_pairs:>8,}",
    ]
    for title, counts in (("personas", out.personas), ("emotional arcs", out.emotional_arcs),
                          ("training topics", out.training_topics)):
        lines += ["", f"{title}:"] + [f"  {key:<34} {n:>6,}" for key, n in counts.items()]
    if out.empty_persona_arc_cells:
        lines += ["", "empty persona × arc cells: " + ", ".join(" × ".join(c) for c in out.empty_persona_arc_cells)]
    lines += ["", f"findings ({len(out.issues)}):"]
    lines += [f"  [{i.severity}] {i.message}" + (f" — {i.where}" if i.where else "") for i in out.issues]
    print("\n".join(lines))


def cmd_stats(args: argparse.Namespace) -> int:
    ds = _load(args.path)
    out = stats.dataset_stats(ds)
    if args.json:
        print(out.model_dump_json(indent=2))
    else:
        _print_text(ds, out)
    return EXIT_OK


def _plan_from(args: argparse.Namespace) -> plans.Plan:
    if args.plan:
        return plans.load_plan(args.plan)
    return plans.PRESETS[args.preset]() if args.seed is None else plans.PRESETS[args.preset](seed=args.seed)


def plan_report(ds: LoadedDataset, plan: plans.Plan) -> dict:
    """The `plan --json` document: each tier's figures, ids, and pairs where counted in examples."""
    selections = sampling.select_plan(ds, plan)
    tiers = []
    for name, sel in selections.items():
        row = compare.tier_row(ds, plan, name, sel)
        tiers.append({
            "name": name, "channel": plan.tier(name).channel, "conversations": sel.conversations,
            "supervised_examples": sel.supervised_examples, "conversation_ids": list(sel.conversation_ids),
            "cells_covered": row["persona_arc_cells"], "persona_topic_cells": row["persona_topic_cells"],
            "trainable": row["trainable"], "captures_leads": row["captures_leads"],
            "share_of_examples": round(row["share_of_examples"], 4), "tv_persona": row["tv_persona"],
            "tv_arc": row["tv_arc"], "tv_topic": row["tv_topic"], "avg_quality": row["avg_quality"],
            "license": row["license"], "notes": list(sel.notes), "error": sel.error,
            **({"examples": [list(e) for e in sel.examples]} if sel.examples is not None else {}),
        })
    return {"plan": plan.name, "seed": plan.seed, "trainable_threshold": plan.trainable_threshold,
            "summary": compare.strategy_summary(ds, plan, selections), "tiers": tiers}


def cmd_plan(args: argparse.Namespace) -> int:
    plan = _plan_from(args)
    ds = _load(args.path)
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


STATUS_MARK = {"pass": "ok  ", "warn": "WARN", "block": "BLOCK"}


def cmd_bundle(args: argparse.Namespace) -> int:
    plan = _plan_from(args)
    ds = _load(args.path)
    selections = sampling.select_plan(ds, plan)
    errors = [s.error for s in selections.values() if s.error]
    for error in errors:
        print(f"error: {error}", file=sys.stderr)
    built = bundle.build_plan(ds, plan, selections, with_image=not args.no_image)
    reports = checks.check_plan(ds, plan, selections, built)
    out = Path(args.out)
    for name, b in built.items():
        path = b.write(out)
        print(f"{name}: {b.facts.conversations:,} conversations, {b.facts.supervised_examples:,} supervised examples "
              f"→ {path}")
        for c in reports[name].checks:
            print(f"  [{STATUS_MARK[c.status]}] {c.name}: {c.summary}")
            for place in c.places[:5]:
                where = " ".join(x for x in (place.conversation_id or "", f"message {place.turn}" if place.turn
                                             else "") if x)
                print(f"         {where} {place.excerpt or place.detail}".rstrip())
    for name in plan.tiers:
        if name.channel == "private":
            print(f"{name.name}: kept back ({name.channel}), not built")
    blocked = [n for n, r in reports.items() if r.blocked]
    if blocked:
        print(f"error: blocked by the checks: {', '.join(blocked)}", file=sys.stderr)
    return EXIT_FAILED if blocked or errors else EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    path = demo.write_demo(Path(args.out), args.conversations, args.seed, jsonl=args.jsonl)
    print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB, {args.conversations:,} conversations)")
    return EXIT_OK


def _with_plan(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """The arguments every plan-driven command takes: the data, and a preset or a plan file."""
    p.add_argument("path", help=f"an export, or '{DEMO_SOURCE}'")
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--preset", choices=list(plans.PRESETS))
    which.add_argument("--plan", help="a plan file (YAML or JSON)")
    p.add_argument("--seed", type=int, help="override the preset's seed")
    return p


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m services.cli", description="Lead Magnet Studio command line")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("stats", help="what an export contains, and what is wrong with it")
    p.add_argument("path", help=f"training.json, training.jsonl or enriched.json; '{DEMO_SOURCE}' for the demo data; "
                                "supabase://training-files/NAME-OR-ID or supabase://conversations (with "
                                f"{ENV_URL} and {ENV_KEY} set)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=cmd_stats)
    p = _with_plan(sub.add_parser("plan", help="apply a release plan: each tier's conversations and figures"))
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=cmd_plan)
    p = _with_plan(sub.add_parser("bundle", help="build each released tier, check it, write it"))
    p.add_argument("--out", required=True, help="folder for the bundles (one folder or zip per tier)")
    p.add_argument("--no-image", action="store_true", help="leave out the coverage chart image")
    p.set_defaults(func=cmd_bundle)
    p = sub.add_parser("demo", help="write the demo export (or a scaled copy) to a file")
    p.add_argument("--out", required=True, help="file to write")
    p.add_argument("--conversations", type=int, default=242, help="number of conversations (default 242)")
    p.add_argument("--seed", type=int, default=demo.DEFAULT_SEED)
    p.add_argument("--jsonl", action="store_true", help="write the training.jsonl variant")
    p.set_defaults(func=cmd_demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except SupabaseError as exc:  # the data may be fine: the service or the network failed
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_FAILED if exc.finding.code in SERVICE_FAILURES else EXIT_BAD_INPUT
    except (LoadError, plans.PlanError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except (ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except Exception as exc:  # the CLI promises one line on any failure, never a traceback
        print(f"error: unexpected failure ({type(exc).__name__}): {exc}", file=sys.stderr)
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
