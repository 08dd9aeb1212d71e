"""An append-only table of pydantic records in Supabase: the shared twin of `utils.jsonl.JsonlLog`."""

from __future__ import annotations

import json
from typing import Generic, TypeVar

from postgrest import ReturnMethod
from pydantic import BaseModel

from services.supabase.client import SupabaseSession, call
from services.supabase.tables import fetch_all

M = TypeVar("M", bound=BaseModel)


class TableLog(Generic[M]):
    """Records of one model in one table (see supabase/migrations/ for each table's grants)."""

    def __init__(self, session: SupabaseSession, table: str, model: type[M]) -> None:
        self.session = session
        self.table = table
        self.model = model
        self.where = f"Supabase table `{table}` ({session.settings.host})"

    def append(self, record: M) -> None:
        """Insert one record (without asking it back)."""
        row = json.loads(record.model_dump_json())
        call(self.session, f"table `{self.table}`",
             lambda: self.session.client.table(self.table).insert(row, returning=ReturnMethod.minimal).execute())

    def read(self) -> list[M]:
        """Every record the key may read."""
        return [self.model.model_validate(r) for r in fetch_all(self.session, self.table, "*")]
