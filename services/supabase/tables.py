"""Read whole tables through PostgREST: paged, concurrent, and verified complete.

Supabase answers at most `db-max-rows` (1,000) rows per request and says nothing when it cuts
an answer short. So every read asks for `count="exact"` on its first page, learns the server's
real page size from that page, fetches the other pages concurrently with `.range()`, orders by a
unique column so pages neither overlap nor skip, and checks that the rows received equal the
count. A partial result raises instead of being shown as complete.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from postgrest.types import CountMethod

from services.supabase.client import SupabaseSession, call
from services.supabase.errors import SupabaseError

Filter = Callable[[Any], Any]  # applies .eq(...) etc. to a request builder


def fetch_all(session: SupabaseSession, table: str, columns: str, order: str = "id",
              filters: Sequence[Filter] = ()) -> list[dict[str, Any]]:
    """Every row of `table` visible to the key (with `filters` applied), in `order`."""
    settings = session.settings
    what = f"table `{table}`"

    def page(start: int, size: int, count: bool) -> Any:
        def run() -> Any:
            query = session.client.table(table).select(columns, count=CountMethod.exact if count else None)
            for apply in filters:
                query = apply(query)
            return query.order(order).range(start, start + size - 1).execute()
        return call(session, what, run)

    first = page(0, settings.page_size, count=True)
    total = first.count
    rows: list[dict[str, Any]] = list(first.data)
    if total is None:
        raise SupabaseError("no_count", "the server did not say how many rows there are, so a complete read "
                                        "cannot be verified", f"Supabase {settings.host}, {what}")
    if len(rows) < total:
        step = len(rows) or settings.page_size  # the server's cap, if lower than ours
        starts = range(len(rows), total, step)
        with ThreadPoolExecutor(max_workers=settings.workers, thread_name_prefix="supabase-page") as pool:
            for part in pool.map(lambda s: page(s, step, count=False).data, starts):
                rows.extend(part)
    distinct = len({row.get(order) for row in rows}) if rows and order in rows[0] else len(rows)
    if len(rows) != total or distinct != total:
        raise SupabaseError(
            "incomplete", f"received {len(rows):,} rows but the table holds {total:,}; it changed while being "
                          "read or the server cut pages short. Nothing was loaded; try again.",
            f"Supabase {settings.host}, {what}")
    return rows


def fetch_all_saying(session: SupabaseSession, table: str, columns: str, instead: Mapping[str, SupabaseError],
                     order: str = "id") -> list[dict[str, Any]]:
    """`fetch_all`, with each failure whose code `instead` names raised as the error it maps to: the
    caller's own words for what that failure means there (a key that may not read leads, a project
    without a migration)."""
    try:
        return fetch_all(session, table, columns, order=order)
    except SupabaseError as exc:
        if exc.finding.code in instead:
            raise instead[exc.finding.code] from None
        raise
