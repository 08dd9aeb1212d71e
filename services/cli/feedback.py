"""`feedback [--repo-id ORG/NAME] [--json]`: what people said about every released repo, or exactly one.

Every discussion (all pages) with its comments, the likers, the gate form's answers and the landing
Space's feedback form (Supabase, service role), with themes. Unanswered threads first, oldest first.
`--json` prints one object on stdout; notes and warnings go to stderr. Exit 0 when everything was
read, 1 when a repo or a source could not be (what was read is still printed).
"""

from __future__ import annotations

import argparse
import sys

from services.cli import EXIT_FAILED, EXIT_OK, stores
from services.feedback.inbox import NO_SUPABASE, read_inbox
from services.feedback.models import FeedbackRead, Thread
from services.feedback.settings import feedback_settings
from services.feedback.themes import ThemeIndex, excerpt
from services.hub import api as hub_api
from services.hub.history import published_repos
from services.supabase.client import SupabaseSession
from services.utils.untrusted import for_terminal


def theme_index(args: argparse.Namespace, session: SupabaseSession | None) -> tuple[ThemeIndex, str]:
    """The names themes look for: the data's (`--source`) and the scaffolding's (a file, Supabase, the demo)."""
    from services.batch.scaffolding_source import counted, resolve_scaffolding
    from services.feedback.themes import named_index

    ds = None
    if args.source:
        from services.cli.source import load

        ds = load(args.source, args.scaffolding)
    scaffolding, where = resolve_scaffolding(args.scaffolding, session, demo_fallback=True)
    return named_index(ds, scaffolding, counted(scaffolding, where, ds) if ds is not None else where)


def _said(text: str, limit: int) -> str:
    """What someone wrote, as one line a terminal only shows (no control sequences)."""
    return excerpt(for_terminal(text), limit)


def _print_thread(t: Thread) -> None:
    state = "answered" if t.answered else f"UNANSWERED {t.waiting()}"
    kind = "PR" if t.is_pull_request else "discussion"
    print(f"  [{state}] {t.repo_id} #{t.num} ({kind}, {t.status}) {_said(t.title, 80)} — {_said(t.author, 60)}, "
          f"{t.created_at:%Y-%m-%d}" + (f"  themes: {', '.join(t.themes)}" if t.themes else ""))
    print(f"      {t.url}")
    for c in t.comments:
        text = "(hidden comment)" if c.hidden else _said(c.text, 140)
        print(f"      {c.created_at:%Y-%m-%d} {_said(c.author, 60)}{' (team)' if c.owner_side else ''}: {text}")


def print_text(read: FeedbackRead) -> None:
    """The inbox for a terminal: threads unanswered first, then each repo's likers, form answers, themes."""
    threads = read.threads()
    unanswered = sum(not t.answered for t in threads)
    print(f"{len(threads):,} thread(s), {unanswered:,} unanswered, from {len(read.repos):,} repo(s)"
          + (f"; {read.automated():,} automated thread(s) left out" if read.automated() else ""))
    for t in threads:
        _print_thread(t)
    for r in read.repos:
        if r.error is None or r.likes is not None:
            print(f"{r.repo_id} ({r.repo_type}): {r.likes or 0:,} like(s)"
                  + (f" — {_said(', '.join(r.likers), 400)}" if r.likers else ""))
    if read.form_answers:
        print(f"{len(read.form_answers):,} form answer(s):")
        for a in read.form_answers:
            print(f"  {a.created_at:%Y-%m-%d} {a.source} {a.repo_id}: {_said(a.text, 120)}"
                  + (f"  themes: {', '.join(a.themes)}" if a.themes else ""))
    if read.themes:
        print("themes: " + ", ".join(f"{t.theme} ({t.count})" for t in read.themes))


def run(args: argparse.Namespace) -> int:
    """Read the inbox and print it; say what could not be read."""
    settings = stores.hub()
    records = stores.records()
    repos = published_repos(records.history.read())
    index, names_from = theme_index(args, None if stores.sandbox() else stores.supabase_session())
    read = read_inbox(hub_api.client(settings), settings, repos, records.answers, feedback_settings(), index,
                      args.repo_id, records.likers)
    if not repos and args.repo_id is None:
        read.notes.append("no repo has been published (the release history holds none): no thread was read")
    if args.json:
        print(read.model_dump_json(indent=2, exclude={"repos": {"__all__": {"threads": {"__all__": {"matches"}}}},
                                                      "form_answers": {"__all__": {"matches"}}}))
    else:
        print_text(read)
    print(f"note: themes look for {names_from}", file=sys.stderr)
    for note in read.notes:
        print(f"note: {note}", file=sys.stderr)
    errors = [f"{r.repo_id}: {r.error}" for r in read.repos if r.error]
    for problem in [*errors, *read.problems]:
        print(f"warning: {problem}", file=sys.stderr)
    return EXIT_FAILED if errors or read.problems else EXIT_OK


__all__ = ["NO_SUPABASE", "print_text", "run"]
