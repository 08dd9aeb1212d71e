"""Supabase read benchmark (issue #3): 10,000 conversation rows through the gateway, paged and
concurrent, against one direct SQL SELECT of the same rows on the same database; and the Supabase
page's figures from the `conversation_groups` view (issue #23) against the same figures from every row.

    python benchmarks/bench_supabase.py [--conversations 10000] [--runs 7]

Both sides run against the local stack of real parts (pgserver PostgreSQL, the PostgREST 12 binary
with db-max-rows = 1000, the test gateway). The studio side is exactly what the app does: supabase-py,
`count="exact"` on the first page, the other pages concurrently, rows verified, JSON decoded into
Python dicts. The direct side fetches the same columns with psycopg into Python tuples. Prints each
median and the ratio, against the goal of 3×.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

GOAL_RATIO = 3.0
DIRECT_SQL = (
    "SELECT id, conversation_id, persona_key, emotional_arc_key, topic_key, persona_id, emotional_arc_id,"
    " training_topic_id, scaffolding_snapshot->>'persona_key', scaffolding_snapshot->>'emotional_arc_key',"
    " scaffolding_snapshot->>'training_topic_key', conversation_name, turn_count, tier, quality_score, status,"
    " enrichment_status, enriched_file_path, storage_bucket, created_at FROM conversations ORDER BY id"
)


def timed(fn, runs: int) -> tuple[float, object]:
    samples, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = fn()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()

    import psycopg

    from services.supabase import groups_view
    from services.supabase import source as supabase_source
    from services.supabase.client import connect
    from services.supabase.config import settings_from
    from services.supabase.rows import CONVERSATION_COLUMNS
    from services.supabase.tables import fetch_all
    from tests.support import postgrest_binary
    from tests.support.supabase_stack import PLATFORM_SKIP, supabase_stack

    if not postgrest_binary.supported():
        sys.exit(f"cannot run: {PLATFORM_SKIP}")
    started = time.perf_counter()
    with supabase_stack(n_conversations=args.conversations, enriched=0) as stack:
        print(f"stack up with {args.conversations:,} conversations in {time.perf_counter() - started:.1f} s "
              f"(PostgreSQL, PostgREST 12, gateway; db-max-rows 1000)")
        session = connect(settings_from({"url": stack.url, "key": stack.key()}, workers=args.workers))
        with psycopg.connect(stack.db_uri) as db:
            def direct() -> list:
                return db.execute(DIRECT_SQL).fetchall()

            def studio() -> list:
                return fetch_all(session, "conversations", CONVERSATION_COLUMNS)

            direct(), studio()  # warm-up: connections, plans, PostgREST's schema cache
            direct_s, rows_direct = timed(direct, args.runs)
            studio_s, rows_studio = timed(studio, args.runs)
            index_s, index = timed(lambda: supabase_source.read_conversation_index(session), args.runs)
            # The Supabase page's figures (issue #23): from the conversation_groups view, against every row.
            view_s, by_view = timed(lambda: groups_view.conversation_figures(session), args.runs)
            rows_s, by_rows = timed(lambda: groups_view.figures_from_groups(groups_view.groups_from_index(
                supabase_source.read_conversation_index(session))), args.runs)
        assert (by_view.total, by_view.with_content, by_view.approved) == (by_rows.total, by_rows.with_content,
                                                                           by_rows.approved)
        assert len(rows_direct) == len(rows_studio) == len(index) == args.conversations
        stack.gateway.clear()
        studio()
        pages = stack.gateway.count("/rest/v1/conversations")

    ratio = studio_s / direct_s
    print(f"direct SQL SELECT (psycopg)          {direct_s * 1000:8.1f} ms  {len(rows_direct):,} rows")
    print(f"studio through the gateway           {studio_s * 1000:8.1f} ms  {len(rows_studio):,} rows, "
          f"{pages} requests, {args.workers} at once")
    print(f"  + scaffolding and the index table  {index_s * 1000:8.1f} ms  (what the Supabase page reads)")
    print(f"the page's figures from the view     {view_s * 1000:8.1f} ms  ({by_view.source}: "
          f"{by_view.total:,} conversations; from every row {rows_s * 1000:.1f} ms: {rows_s / view_s:.1f}× longer)")
    verdict = "meets" if ratio <= GOAL_RATIO else "MISSES"
    print(f"ratio studio / direct: {ratio:.2f}×  ({verdict} the goal of ≤ {GOAL_RATIO:g}×; median of {args.runs})")


if __name__ == "__main__":
    main()
