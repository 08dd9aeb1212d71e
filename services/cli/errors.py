"""Every failure's exit status, in one table: one row per package's error base.

A class whose module was never imported cannot have been raised, so its module is not imported
to check (the `stats` command stays free of the Hub and Supabase clients).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from services.cli import EXIT_BAD_INPUT, EXIT_FAILED

PUBLISH_EXIT = {"blocked": EXIT_FAILED, "moved": EXIT_FAILED, "conflict": EXIT_FAILED, "bad_token": EXIT_BAD_INPUT,
                "no_write": EXIT_BAD_INPUT, "not_found": EXIT_BAD_INPUT, "not_configured": EXIT_BAD_INPUT,
                "bad_repo_id": EXIT_BAD_INPUT, "invalid_card": EXIT_BAD_INPUT, "empty": EXIT_BAD_INPUT,
                "too_long": EXIT_BAD_INPUT, "no_landing_registry": EXIT_BAD_INPUT}
_SERVICE_FAILURES = frozenset({"timeout", "unreachable", "network", "server_error"})


def _supabase_exit(exc: Any) -> int:
    """The data may be fine when the service or the network failed: that is a failure, not bad input."""
    return EXIT_FAILED if exc.finding.code in _SERVICE_FAILURES else EXIT_BAD_INPUT


# (module, error base, its exit status), most specific first: a SupabaseError is also a LoadError.
ERRORS: tuple[tuple[str, str, Callable[[Any], int]], ...] = (
    ("services.hub.errors", "HubError", lambda exc: PUBLISH_EXIT.get(exc.code, EXIT_FAILED)),
    ("services.release.errors", "ReleaseError", lambda exc: EXIT_BAD_INPUT),
    ("services.supabase.errors", "SupabaseError", _supabase_exit),
    ("services.dataset.report", "LoadError", lambda exc: EXIT_BAD_INPUT),
    ("services.strategy.errors", "StrategyError", lambda exc: EXIT_BAD_INPUT),
    ("services.errors", "StudioError", lambda exc: EXIT_FAILED),
)


def exit_code(exc: Exception) -> tuple[int, str]:
    """The exit status and the one line to print for a failure (the only place that decides)."""
    for module_name, class_name, code in ERRORS:
        module = sys.modules.get(module_name)
        if module is not None and isinstance(exc, getattr(module, class_name)):
            return code(exc), f"error: {exc}"
    if isinstance(exc, (ValueError, OSError)):
        return EXIT_BAD_INPUT, f"error: {exc}"
    # The CLI promises one line on any failure, never a traceback.
    return EXIT_FAILED, f"error: unexpected failure ({type(exc).__name__}): {exc}"
