"""Browsing samples: which conversations a filter keeps, a conversation's pin state, a link to share.

The Samples page draws the widgets; the rules live here so they are tested without a browser and
stay fast at 10,000 conversations (numpy masks over the conversation table, one text index).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlencode, urlsplit, urlunsplit

import numpy as np
import pandas as pd

from services.dataset.search import TextIndex
from services.strategy.plans import Selection

QUERY_PARAM = "conversation"  # the shared link's query parameter
PinState = Literal["pinned in", "pinned out", "not pinned"]


@dataclass(frozen=True)
class SampleFilter:
    """What the owner narrowed the table to; an empty field keeps everything."""

    tier: str | None = None  # None: every conversation
    personas: tuple[str, ...] = ()  # display names, as the table shows them
    arcs: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    min_quality: float = 0.0  # conversations without a score count as 0
    query: str = ""  # every word must appear in a user message or a response


def sample_mask(table: pd.DataFrame, member: pd.DataFrame, chosen: SampleFilter,
                index: TextIndex | None = None) -> np.ndarray:
    """Per row of the conversation table: does `chosen` keep it? (`member`: tier → bool column)."""
    mask = np.ones(len(table), dtype=bool)
    if chosen.tier is not None:
        mask &= member[chosen.tier].to_numpy()
    for column, values in (("persona_name", chosen.personas), ("arc_name", chosen.arcs),
                           ("topic_name", chosen.topics)):
        if values:
            mask &= table[column].isin(values).to_numpy()
    if chosen.min_quality:
        mask &= (table["quality"].fillna(0) >= chosen.min_quality).to_numpy()
    if chosen.query.strip() and index is not None:
        mask &= np.array(index.matches(chosen.query), dtype=bool)
    return mask


def pin_state(selection: Selection, conversation_id: str) -> PinState:
    """Whether the owner forced a conversation into a tier, out of it, or left it to the sampler."""
    if conversation_id in selection.pin_in:
        return "pinned in"
    if conversation_id in selection.pin_out:
        return "pinned out"
    return "not pinned"


def share_link(page_url: str, conversation_id: str) -> str:
    """The page's address with only the conversation in its query, quoted (ids are free text)."""
    parts = urlsplit(page_url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode({QUERY_PARAM: conversation_id}), ""))
