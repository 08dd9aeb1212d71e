"""The root of every failure the studio explains in words.

Each sub-package has one base class under `StudioError` (`LoadError`, `StrategyError`,
`ReleaseError`, `HubError`, `SupabaseError`); `str()` of any of them is one line for the page or
the CLI, never holding a secret. The CLI maps each base to its exit status in one table
(`services.cli.errors`).
"""

from __future__ import annotations


class StudioError(Exception):
    """A failure the studio can say in words: `str()` is the message to show."""
