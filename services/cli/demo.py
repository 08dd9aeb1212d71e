"""`demo --out FILE [--conversations N] [--seed S] [--jsonl]`: write the demo export."""

from __future__ import annotations

import argparse
from pathlib import Path

from services.cli import EXIT_OK
from services.demo import cache as demo_cache


def run(args: argparse.Namespace) -> int:
    """Write the demo export (or a scaled copy) to a file."""
    path = demo_cache.write_demo(Path(args.out), args.conversations, args.seed, jsonl=args.jsonl)
    print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB, {args.conversations:,} conversations)")
    return EXIT_OK
