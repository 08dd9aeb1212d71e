"""`sandbox reset|status`: start the local sandbox over from its seeded story, or say where it is."""

from __future__ import annotations

import argparse

from services.cli import EXIT_OK, stores


def run(args: argparse.Namespace) -> int:
    """Reset (every rehearsal removed, the story seeded again) or print the sandbox's address and folder."""
    box = stores.use_sandbox()
    if args.action == "reset":
        box.reset()
        print(f"the sandbox starts over from its seeded story: {box.url} (records in {box.folder})")
        return EXIT_OK
    records = box.records
    print(f"sandbox Hub: {box.url}" + (" (served by another process)" if box.hub is None else ""))
    print(f"records: {box.folder}")
    print(f"releases recorded: {len(records.history.read())}; landing leads: {len(box.lead_log.read())}")
    if box.note:
        print(f"note: {box.note}")
    return EXIT_OK
