"""The strategy package's failures: a plan that does not parse or validate, a tier that cannot be drawn."""

from __future__ import annotations

from services.errors import StudioError


class StrategyError(StudioError):
    """A plan or a selection cannot be used as given; `str()` says where and why."""
