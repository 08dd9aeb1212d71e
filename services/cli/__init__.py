"""Command line: `python -m services.cli COMMAND …`, or `services.cli.main(argv) -> int`.

Commands: `stats PATH`, `plan PATH (--preset P | --plan FILE)`, `bundle … --out DIR`, `brief … --out FILE`,
`share … --tier T [--conversation ID] --out DIR`,
`publish DIR|ZIP [--repo-id ORG/NAME] [--dry-run] [--private] [--gated auto|manual]`,
`leads [--repo-id ORG/NAME] [--csv FILE]`, `traction snapshot`, `demo --out PATH`,
`feedback [--repo-id ORG/NAME] [--json]`, `reply ORG/NAME NUM --text TEXT`, `next-batch PATH … --out FILE`,
`landing-pages [list|retire ORG/NAME]`,
`sandbox reset|status`. `--sandbox` (before the command, or STUDIO_SANDBOX=1) points every Hub command
and every record at the local sandbox: nothing leaves the machine.
PATH is an export file, `demo`, or `supabase://training-files/NAME-OR-ID` / `supabase://conversations`.

Roles (services.hub.access): the command line signs nobody in; it acts with the keys in its environment,
so it runs where their holder does. Each guarded command's help names the role it is for: `publish`,
`reply` and `landing-pages retire` are the owner's; `leads` is the owner's or marketing's (personal data,
read with the service-role key); every other command reads or builds, open to all.

Each command lives in its own module and imports what it needs when it runs, so `stats` starts
without pandas, pyarrow, the Hub or Supabase clients. This module only parses arguments and maps
every failure to its exit status in one place (`services.cli.errors.exit_code`).

Exit status: 0 success (published, or already up to date), 1 a plan whose rules cannot be met, a
tier blocked by the checks, a Hub that moved, a conflict or a failing service, 2 bad input or
credentials (one line on stderr saying what and where). The CLI never shows a traceback: an
unexpected failure is one line too, with status 1.

Layer rule: may import any of `services`, never Streamlit.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2
DEMO_SOURCE = "demo"
PRESET_NAMES = ("giveaway", "billboard", "hybrid")  # services.strategy.presets.PRESETS, named here to parse cheaply
DEMO_CONVERSATIONS, DEMO_SEED = 242, 20251203  # services.demo's defaults (a test holds them equal)
SUPABASE_ENV = ("SUPABASE_URL", "SUPABASE_KEY")
COMMANDS = {  # command → module in this package with `run(args) -> int`
    "stats": "stats", "plan": "plan", "bundle": "bundle", "publish": "publish", "demo": "demo", "brief": "brief",
    "share": "share", "leads": "leads", "traction": "traction", "feedback": "feedback", "reply": "reply",
    "next-batch": "next_batch", "sandbox": "sandbox", "landing-pages": "landing_pages",
}
HUB_COMMANDS = frozenset({"bundle", "publish", "leads", "traction", "feedback", "reply", "sandbox",  # --sandbox moves
                          "landing-pages"})
SCAFFOLDING_HELP = ("the platform's scaffolding as JSON ({personas, emotional_arcs, training_topics, "
                    "prompt_templates}): a conversation that has only a name gets the key of the row of that name")
GOAL_NAMES = ("adoption", "feedback", "leads", "kept_for_sale", "perceived_value")  # services.strategy.advice.GOALS


def _with_plan(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """The arguments every plan-driven command takes: the data, and a preset or a plan file."""
    p.add_argument("path", help=f"an export, or '{DEMO_SOURCE}'")
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--preset", choices=PRESET_NAMES)
    which.add_argument("--plan", help="a plan file (YAML or JSON)")
    p.add_argument("--seed", type=int, help="override the preset's seed")
    p.add_argument("--privacy-url", help="the privacy notice the lead forms link to (sets the plan's privacy_url)")
    p.add_argument("--scaffolding", help=SCAFFOLDING_HELP)
    return p


def build_parser() -> argparse.ArgumentParser:
    """Every command and its arguments (parsing imports nothing heavy)."""
    parser = argparse.ArgumentParser(prog="python -m services.cli", description="Lead Magnet Studio command line")
    parser.add_argument("--sandbox", action="store_true", help="work against the local sandbox Hub and keep every "
                                                               "record in .sandbox/ (or set STUDIO_SANDBOX=1)")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("stats", help="what an export contains, and what is wrong with it")
    p.add_argument("path", help=f"training.json, training.jsonl or enriched.json; '{DEMO_SOURCE}' for the demo data; "
                                "supabase://training-files/NAME-OR-ID or supabase://conversations (with "
                                f"{SUPABASE_ENV[0]} and {SUPABASE_ENV[1]} set)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--scaffolding", help=SCAFFOLDING_HELP)
    p = _with_plan(sub.add_parser("plan", help="apply a release plan: each tier's conversations and figures"))
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p = _with_plan(sub.add_parser("bundle", help="build each released tier, check it, write it"))
    p.add_argument("--out", required=True, help="folder for the bundles (one folder or zip per tier)")
    p.add_argument("--no-image", action="store_true", help="leave out the coverage chart image")
    p.add_argument("--feedback", help="themes from a file `feedback --json` wrote: a card's \"What's new\" names "
                                      "the ones its release answers")
    p = sub.add_parser("publish", help="publish a tier written by `bundle`: a Hub tier's folder to a dataset repo, "
                                       "a download tier's zip as its landing Space (role: owner)")
    p.add_argument("dir", help="the tier's release folder (release/preview) or zip (release/eq-100.zip)")
    p.add_argument("--repo-id", help="ORG/NAME on the Hub (default: the plan's)")
    p.add_argument("--dry-run", action="store_true", help="show what would change; send nothing")
    p.add_argument("--private", action="store_true", help="publish as a private repo")
    p.add_argument("--gated", choices=["auto", "manual"], help="gate access (default: the plan's, for gated tiers)")
    p.add_argument("--message", help="commit message")
    p = _with_plan(sub.add_parser("brief", help="the decision brief: one HTML file to forward"))
    p.add_argument("--out", required=True, help="the HTML file to write")
    p.add_argument("--goal", action="append", default=[], metavar="NAME=N",
                   help=f"how much a goal matters, 0-5 (repeatable; goals: {', '.join(GOAL_NAMES)})")
    p = _with_plan(sub.add_parser("share", help="a conversation's share image (PNG) and excerpt (text)"))
    p.add_argument("--tier", required=True, help="the released tier the conversation is shared from")
    p.add_argument("--conversation", help="a conversation id (default: the tier's featured conversations)")
    p.add_argument("--out", required=True, help="folder for <id>.png and <id>.txt")
    p = sub.add_parser("leads", help="the lead ledger: Hub access requests and landing-page leads, one row a person "
                                     "(role: owner or marketing; personal data)")
    p.add_argument("--repo-id", help="only this repo or Space (ORG/NAME)")
    p.add_argument("--csv", help="also write the ledger as CSV, for the CRM")
    p = sub.add_parser("landing-pages", help="the landing pages whose forms take submissions; retire one (role: "
                                             "owner)")
    p.add_argument("action", nargs="?", choices=["list", "retire"], default="list")
    p.add_argument("space_id", nargs="?", metavar="ORG/NAME", help="the landing Space to retire")
    p = sub.add_parser("feedback", help="what people said: every released repo's threads, likers, form answers")
    p.add_argument("--repo-id", help="exactly this repo or Space (read whether or not the history holds it)")
    p.add_argument("--json", action="store_true", help="print one JSON object (notes and warnings on stderr)")
    p.add_argument("--source", help="data whose persona, arc and topic names the themes look for (an export, "
                                    f"'{DEMO_SOURCE}', supabase://…)")
    p.add_argument("--scaffolding", help=SCAFFOLDING_HELP + " (default: Supabase's tables when configured, else "
                                         "the demo's)")
    p = sub.add_parser("reply", help="answer a thread on the Hub, as the company (role: owner)")
    p.add_argument("repo_id", metavar="ORG/NAME")
    p.add_argument("num", type=int, help="the discussion's number")
    p.add_argument("--text", required=True, help="the reply (markdown)")
    p.add_argument("--repo-type", choices=["dataset", "space"], default="dataset")
    p = sub.add_parser("next-batch", help="the next generation batch: the platform's batch body, from coverage "
                                          "gaps and feedback")
    p.add_argument("path", help=f"the current data: an export, '{DEMO_SOURCE}', or supabase://…")
    p.add_argument("--scaffolding", help=SCAFFOLDING_HELP + " (default: Supabase's tables when configured, else the "
                                         "demo's for the demo data, else the data's own keys, without ids)")
    p.add_argument("--feedback", help="themes from a file `feedback --json` wrote")
    size = p.add_mutually_exclusive_group()
    size.add_argument("--total", type=int, help="conversations in the batch (default 24)")
    size.add_argument("--budget", type=float, help="USD to spend (at $0.45 a conversation)")
    p.add_argument("--edge-share", type=float, help="share of edge-case conversations, 0-1 (default: the "
                                                    "scaffolding's share of edge arcs)")
    p.add_argument("--name", help="the batch's name on the platform (default: Next batch)")
    p.add_argument("--out", required=True, help="the JSON body to write")
    p = sub.add_parser("traction", help="traction over time")
    p.add_argument("action", choices=["snapshot"], help="snapshot: store one snapshot per published repo (daily)")
    p = sub.add_parser("demo", help="write the demo export (or a scaled copy) to a file")
    p.add_argument("--out", required=True, help="file to write")
    p.add_argument("--conversations", type=int, default=DEMO_CONVERSATIONS,
                   help=f"number of conversations (default {DEMO_CONVERSATIONS})")
    p.add_argument("--seed", type=int, default=DEMO_SEED)
    p.add_argument("--jsonl", action="store_true", help="write the training.jsonl variant")
    p = sub.add_parser("sandbox", help="the local sandbox Hub: start it over from the seeded story, or say where it is")
    p.add_argument("action", choices=["reset", "status"])
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; every failure becomes one line on stderr and an exit status."""
    args = build_parser().parse_args(argv)
    try:
        if args.command in HUB_COMMANDS and (args.sandbox or args.command == "sandbox" or _sandbox_env()):
            from services.cli import stores

            stores.use_sandbox()
        command = importlib.import_module(f"services.cli.{COMMANDS[args.command]}")
        return command.run(args)
    except Exception as exc:
        from services.cli.errors import exit_code

        code, line = exit_code(exc)
        print(line, file=sys.stderr)
        return code


def _sandbox_env() -> bool:
    return os.environ.get("STUDIO_SANDBOX", "").strip().lower() in {"1", "true", "yes", "on"}  # runtime.wanted


def exit_now(code: int) -> None:
    """Leave without the interpreter's teardown. pyarrow 26's C++ thread pools can abort a
    short-lived process while it is torn down ("terminate called without an active exception",
    status 134, a few runs in a hundred on a busy machine) after all the work is done and written.
    Everything the CLI writes is closed (and the history fsynced) before this point."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
