"""The Supabase package's failures. A Supabase read is a way of loading the dataset, so its base
is the loader's `LoadError`: the page and the CLI show both the same way, as one located line."""

from __future__ import annotations

from services.dataset.report import LoadError


class SupabaseError(LoadError):
    """A Supabase read failed: `str()` is the one line the page and the CLI show."""

    def tried(self, attempts: int) -> SupabaseError:
        """The same failure, saying how often it was tried."""
        f = self.finding
        return type(self)(f.code, f"{f.message} (tried {attempts} times)", f.where)


class SupabaseConfigError(SupabaseError):
    """The settings are missing or malformed (said in words, never with the key)."""

    def __init__(self, message: str, code: str = "bad_settings") -> None:
        super().__init__(code, message, "")


class SupabaseNotConfiguredError(SupabaseConfigError):
    """No Supabase settings at all: not an error, the studio simply has no Supabase source."""

    def __init__(self) -> None:
        super().__init__("Supabase is not configured", "not_configured")
