"""Command line: `stats PATH`, `plan PATH (--preset P | --plan FILE)`, `bundle … --out DIR`,
`publish DIR --repo-id ORG/NAME [--dry-run] [--private] [--gated auto|manual]`, `demo --out PATH`.

PATH is an export file, `demo`, or `supabase://training-files/NAME-OR-ID` / `supabase://conversations`.

Exit status: 0 success (published, or already up to date), 1 a plan whose rules cannot be met, a
tier blocked by the checks, a Hub that moved, a conflict or a failing service, 2 bad input or
credentials (one line on stderr saying what and where). The CLI never shows a traceback: an
unexpected failure is one line too, with status 1.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from services import (
    bundle,
    checks,
    compare,
    demo,
    hub_publish,
    plans,
    release_flow,
    release_history,
    sampling,
    stats,
    supabase_source,
)
from services.hub_config import HubConfigError, hub_settings
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


PUBLISH_EXIT = {"blocked": EXIT_FAILED, "moved": EXIT_FAILED, "conflict": EXIT_FAILED, "bad_token": EXIT_BAD_INPUT,
                "no_write": EXIT_BAD_INPUT, "not_found": EXIT_BAD_INPUT}


def _history() -> release_history.History:
    """Supabase's `dataset_releases` when SUPABASE_URL / SUPABASE_KEY are set, else the local file."""
    settings = settings_from_env()
    return release_history.SupabaseHistory(connect(settings)) if settings else release_history.JsonlHistory()


def cmd_publish(args: argparse.Namespace) -> int:
    files, manifest = bundle.read_release_dir(Path(args.dir))
    if manifest.get("channel") not in {"hub_public", "hub_gated"}:
        raise bundle.BundleDirError(f"{args.dir}: tier '{manifest.get('tier')}' is a {manifest.get('channel')} "
                                     "tier; only Hub tiers are published")
    settings = hub_settings()
    api = hub_publish.client(settings)
    tiers = (manifest.get("plan") or {}).get("tiers", [])
    planned = next((t.get("gating") for t in tiers if t.get("name") == manifest.get("tier")), None) or {}
    gated = args.gated
    if gated is None and manifest.get("channel") == "hub_gated":
        gated = planned.get("mode", "auto")  # a gated tier is never published open by default
    context = release_flow.context_from_manifest(manifest)
    options = hub_publish.PublishOptions(
        repo_id=args.repo_id, private=args.private, gated=gated or False,
        commit_message=args.message or f"Release {context.tier}: {context.conversations:,} conversations, "
                                       f"{context.supervised_examples:,} supervised examples")
    identity = hub_publish.whoami(api, settings)
    seen = hub_publish.dry_run(api, settings, args.repo_id, files)
    print(f"{args.repo_id} as {identity.name}: " + ("new repo" if not seen.exists else f"head {seen.head[:8]}"))
    for change in seen.changes:
        print(f"  {change.status:<9} {change.path} ({change.size:,} bytes)")
    if context.blocked:
        print(f"  checks: blocked by {', '.join(context.blocked)}")
    if args.dry_run:
        print("dry run: nothing was sent" + (" (already up to date)" if seen.up_to_date else ""))
        return EXIT_FAILED if context.blocked else EXIT_OK
    out = release_flow.attempt(api, settings, files, context, options, seen, f"{identity.name} (command line)",
                               _history(), step=lambda text: print(f"  … {text}"))
    if out.history_error:
        print(f"warning: {out.history_error}", file=sys.stderr)
    if out.result is None:
        print(f"error: {out.error}", file=sys.stderr)
        return PUBLISH_EXIT.get(out.error_code or "", EXIT_FAILED)
    r = out.result
    print(("already up to date: " if r.outcome == "up_to_date" else "published: ")
          + f"{r.url} (commit {r.commit[:8]}{', tag ' + r.tag if r.tag else ''})")
    if r.warning:
        print(f"warning: {r.warning}", file=sys.stderr)
    return EXIT_OK


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
    p = sub.add_parser("publish", help="publish a Hub tier's folder (written by `bundle`) to the Hub")
    p.add_argument("dir", help="the tier's release folder, e.g. release/preview")
    p.add_argument("--repo-id", required=True, help="ORG/NAME on the Hub")
    p.add_argument("--dry-run", action="store_true", help="show what would change; send nothing")
    p.add_argument("--private", action="store_true", help="publish as a private repo")
    p.add_argument("--gated", choices=["auto", "manual"], help="gate access (default: the plan's, for gated tiers)")
    p.add_argument("--message", help="commit message")
    p.set_defaults(func=cmd_publish)
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
    except hub_publish.HubError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return PUBLISH_EXIT.get(exc.code, EXIT_FAILED)
    except (HubConfigError, bundle.BundleDirError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
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


def exit_now(code: int) -> None:
    """Leave without the interpreter's teardown. pyarrow 26's C++ thread pools can abort a
    short-lived process while it is torn down ("terminate called without an active exception",
    status 134, a few runs in a hundred on a busy machine) after all the work is done and written.
    Everything the CLI writes is closed (and the history fsynced) before this point."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    exit_now(main())
