"""Who is on the owner's side and which handles are bots: from secrets (`[feedback]`) or the environment.

`team_handles`: Hub accounts whose comments answer a thread (beside the signed-in account);
`bot_handles`: accounts whose threads are automated and left out (the Hub's `parquet-converter`
always is). In the environment: `STUDIO_TEAM_HANDLES` and `STUDIO_BOT_HANDLES`, comma-separated.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, Field

PARQUET_BOT = "parquet-converter"  # opens pull requests on dataset repos whose files it converts


class FeedbackSettings(BaseModel):
    team_handles: list[str] = Field(default_factory=list)
    bot_handles: list[str] = Field(default_factory=list)

    def bots(self) -> set[str]:
        """Every handle whose threads are automated, lower-cased."""
        return {PARQUET_BOT, *(h.strip().lower().removeprefix("@") for h in self.bot_handles if h.strip())}

    def team(self, signed_in: str | None) -> set[str]:
        """Every handle on the owner's side, lower-cased."""
        handles = [*self.team_handles, *([signed_in] if signed_in else [])]
        return {h.strip().lower().removeprefix("@") for h in handles if h.strip()}


def _listed(value: Any) -> list[str]:
    if isinstance(value, str):
        return [v for v in (part.strip() for part in value.split(",")) if v]
    if isinstance(value, list | tuple):
        return [str(v).strip() for v in value if str(v).strip()]
    return []


def feedback_settings(secrets: Mapping[str, Any] | None = None,
                      environ: Mapping[str, str] | None = None) -> FeedbackSettings:
    """From `[feedback]` in secrets, else the environment."""
    section = (secrets or {}).get("feedback") or {}
    env = os.environ if environ is None else environ
    return FeedbackSettings(
        team_handles=_listed(section.get("team_handles") or env.get("STUDIO_TEAM_HANDLES", "")),
        bot_handles=_listed(section.get("bot_handles") or env.get("STUDIO_BOT_HANDLES", "")))
