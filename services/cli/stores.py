"""Which Hub a command talks to and where it keeps and reads its records: the sandbox with
`--sandbox` (or STUDIO_SANDBOX=1); else the configured Hub, and Supabase when SUPABASE_URL /
SUPABASE_KEY are set, else the local files (the same choice the app makes from its secrets)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from services.hub.config import HubSettings, hub_endpoint, hub_settings
from services.records.stores import Records, real_records
from services.sandbox.runtime import Sandbox, ready_sandbox
from services.supabase.client import SupabaseSession, connect
from services.supabase.config import settings_from_env

if TYPE_CHECKING:
    from services.funnel.space import LeadCapture  # the landing Space's modules load only when asked for

_SANDBOX: list[Sandbox] = []  # the sandbox this run works against, once `use_sandbox` is called


def use_sandbox() -> Sandbox:
    """From now on, every command's Hub and records are the sandbox's (started when not running)."""
    if not _SANDBOX:
        _SANDBOX.append(ready_sandbox())
    return _SANDBOX[0]


def sandbox() -> Sandbox | None:
    """The sandbox this run works against, if any."""
    return _SANDBOX[0] if _SANDBOX else None


def supabase_session() -> SupabaseSession | None:
    """A session when Supabase is configured in the environment, else None."""
    settings = settings_from_env()
    return connect(settings) if settings else None


def records() -> Records:
    """The sandbox's records, or the real ones (Supabase's tables, or the local files)."""
    box = sandbox()
    return box.records if box else real_records(supabase_session())


def hub() -> HubSettings:
    """The sandbox's Hub, or the configured one (HubConfigError when there is no token)."""
    box = sandbox()
    return box.settings() if box else hub_settings()


def endpoint() -> str:
    """The Hub releases go to (cards link their siblings there), token or not."""
    box = sandbox()
    return box.url if box else hub_endpoint()


def lead_capture() -> LeadCapture | None:
    """Where a landing page's form posts: the sandbox, or SUPABASE_URL with its publishable key."""
    box = sandbox()
    from services.funnel.space import lead_capture_from

    return box.lead_capture() if box else lead_capture_from()
