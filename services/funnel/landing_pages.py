"""The landing pages the studio published: the only places a public form submission may name.

Publishing a landing Space records its Space id, tier, consent wordings' versions and the roles
its select offers; the database's form functions (supabase/migrations/20261207010000_public_forms.sql) accept a
submission only for a page recorded here and not retired, so a made-up `space_id` or `tier` stores
nothing and feeds no count. Written with the service role (Supabase's `landing_pages` table) or, in
the sandbox, to a JSON-lines file its form endpoints read.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from postgrest import ReturnMethod
from pydantic import BaseModel, Field

from services.hub.errors import HubError
from services.strategy.consent import CONSENT_VERSION, FEEDBACK_CONSENT_VERSION, ROLES
from services.supabase.client import SupabaseSession, call
from services.supabase.errors import SupabaseError
from services.supabase.tables import fetch_all_saying
from services.utils.jsonl import JsonlLog

TABLE = "landing_pages"
COLUMNS = "space_id, tier, consent_version, feedback_consent_version, roles, published_at, retired_at"
NO_WRITE = ("the Supabase key may not record landing pages: the `landing_pages` table is written with the service "
            "role only (set the studio's Supabase key to the service-role key), and a page it does not record "
            "refuses every visitor")
NO_REGISTRY = ("a landing Space needs the studio connected to Supabase with the service-role key: its form's "
               "submissions are accepted only for landing pages the studio recorded there (SUPABASE_URL and "
               "SUPABASE_KEY, or [connections.supabase])")
STEP = "recording the landing page"


def _refused() -> SupabaseError:
    return SupabaseError("no_permission", NO_WRITE, TABLE)


class LandingPage(BaseModel):
    """One published landing page, as the form functions check a submission against it."""

    space_id: str
    tier: str
    consent_version: str = CONSENT_VERSION
    feedback_consent_version: str = FEEDBACK_CONSENT_VERSION
    roles: list[str] = Field(default_factory=lambda: list(ROLES))
    published_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    retired_at: datetime | None = None

    @property
    def open(self) -> bool:
        """Whether the page still takes submissions."""
        return self.retired_at is None


class LandingPageStore(Protocol):
    """Where the studio records its landing pages."""

    where: str

    def pages(self) -> list[LandingPage]:
        """Every page recorded, retired ones included."""

    def record(self, page: LandingPage) -> None:
        """Record a page as published (again: a republished page is open again)."""

    def retire(self, space_id: str, when: datetime | None = None) -> bool:
        """Stop a page taking submissions; False when no open page has that id."""


def page_of(store: LandingPageStore, space_id: str) -> LandingPage | None:
    """The page recorded for `space_id`, open or retired; None when none is."""
    return next((p for p in store.pages() if p.space_id == space_id), None)


class SupabaseLandingPages:
    """The `landing_pages` table (the service role only)."""

    def __init__(self, session: SupabaseSession) -> None:
        self.session = session
        self.where = f"Supabase table `{TABLE}` ({session.settings.host})"

    def pages(self) -> list[LandingPage]:
        """Every page recorded."""
        rows = fetch_all_saying(self.session, TABLE, COLUMNS, {"no_permission": _refused()}, order="space_id")
        return sorted((LandingPage.model_validate(r) for r in rows), key=lambda p: p.published_at)

    def _write(self, action: Callable[[], object]) -> None:
        try:
            call(self.session, f"table `{TABLE}`", action)
        except SupabaseError as exc:
            raise (_refused() if exc.finding.code == "no_permission" else exc) from None

    def record(self, page: LandingPage) -> None:
        """Upsert the page, open."""
        row = page.model_dump(mode="json") | {"retired_at": None}
        self._write(lambda: self.session.client.table(TABLE).upsert(
            row, on_conflict="space_id", returning=ReturnMethod.minimal).execute())

    def retire(self, space_id: str, when: datetime | None = None) -> bool:
        """Set `retired_at` on the open page of that id."""
        page = page_of(self, space_id)
        if page is None or not page.open:
            return False
        stamp = (when or datetime.now(UTC)).isoformat()
        self._write(lambda: self.session.client.table(TABLE).update(
            {"retired_at": stamp}, returning=ReturnMethod.minimal).eq("space_id", space_id).execute())
        return True


class JsonlLandingPages(JsonlLog[LandingPage]):
    """Landing pages kept in a local file (the sandbox's): the latest line about a page is its state."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, LandingPage)

    def pages(self) -> list[LandingPage]:
        """Every page, in its latest state."""
        latest = {page.space_id: page for page in self.read()}
        return sorted(latest.values(), key=lambda p: p.published_at)

    def record(self, page: LandingPage) -> None:
        """Append the page, open."""
        self.append(page.model_copy(update={"retired_at": None}))

    def retire(self, space_id: str, when: datetime | None = None) -> bool:
        """Append the page's retired state."""
        page = page_of(self, space_id)
        if page is None or not page.open:
            return False
        self.append(page.model_copy(update={"retired_at": when or datetime.now(UTC)}))
        return True


@dataclass
class LandingRegistration:
    """A landing Space's page recorded before the Space goes out, so its form works from the first
    visitor (`hub.flow.Precondition`); a first publish that fails leaves the page retired, not open."""

    store: LandingPageStore | None
    page: LandingPage
    _before: LandingPage | None = None

    def prepare(self) -> None:
        """Record the page, or raise HubError saying why a landing Space cannot go out."""
        if self.store is None:
            raise HubError("no_landing_registry", NO_REGISTRY, STEP)
        try:
            self._before = page_of(self.store, self.page.space_id)
            self.store.record(self.page)
        except (SupabaseError, OSError) as exc:
            raise HubError("landing_registry", str(exc), STEP) from None

    def undo(self) -> None:
        """Close the page again when it was not open before this publish."""
        if self.store is None or (self._before is not None and self._before.open):
            return
        # If even that fails, the Space did not go out: an open page nobody can find takes nothing.
        with contextlib.suppress(SupabaseError, OSError):
            self.store.retire(self.page.space_id)
