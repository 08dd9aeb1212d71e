"""A conversation, ready to share: a phone-sized image, a plain-text excerpt, its row on the Hub.

The kit is cut from the tier's released rows (the `conversations` config as built), never from
the loaded dataset: a conversation outside the tier cannot be shared, and a cut conversation is
shared as released.
"""

from __future__ import annotations

import textwrap
from typing import Any
from urllib.parse import urlencode

from pydantic import BaseModel

from services.release import read_back
from services.release.errors import ReleaseError
from services.release.tier_data import TierData

WIDTH, HEIGHT = 1080, 1350  # portrait 4:5, the size social feeds show whole on a phone
MARGIN = 72
BODY_SIZE, BODY_CHARS = 34, 54  # px, and characters per line at that size (a safe average width)
MAX_LINES = 7  # per message on the image; longer ones end with "…"
ROLES = {"user": "Client", "assistant": "Advisor"}
HUB = "https://huggingface.co"


class Excerpt(BaseModel):
    """What a share shows: who, which arc, the opening turns, from which dataset."""

    conversation_id: str
    dataset: str
    persona: str
    arc: str
    topic: str
    messages: list[tuple[str, str]]  # (role, text), the opening turns as released


def excerpt_of(row: dict[str, Any], dataset: str, turns: int = 3) -> Excerpt:
    """The opening `turns` messages of a released conversation row (system prompt left out)."""
    dialogue = [(m["role"], m["content"]) for m in row["messages"] if m["role"] != "system"]
    if not dialogue:
        raise ReleaseError(f"conversation {row['conversation_id']} has no message to share")
    return Excerpt(conversation_id=row["conversation_id"], dataset=dataset, persona=row["persona_name"],
                   arc=row["arc_name"], topic=row["topic_name"], messages=dialogue[:turns])


def released_row(data: TierData, conversation_id: str) -> tuple[int, dict[str, Any]]:
    """The row of a conversation in the released table, and its position (the viewer's row number), read
    from the tier's files a batch at a time; ReleaseError if the tier does not hold it."""
    found = read_back.released_row(data.tier.channel, data.data_files, data.conversation_ids, conversation_id)
    if found is None:
        raise ReleaseError(f"conversation {conversation_id} is not in the released tier: it cannot be shared")
    return found


def excerpt_text(ex: Excerpt) -> str:
    """The excerpt as plain text to paste into a post or a message."""
    lines = [f"{ex.persona} · {ex.arc} · {ex.topic}", ""]
    lines += [f"{ROLES.get(role, role)}: {text.strip()}" for role, text in ex.messages]
    return "\n\n".join(["\n".join(lines[:2]).strip(), *lines[2:], f"— from {ex.dataset}"]) + "\n"


def viewer_link(repo_id: str, row: int, config: str = "conversations", split: str = "train",
                endpoint: str = HUB) -> str:
    """The Hub dataset viewer's link to one row (`/viewer/{config}/{split}?row={n}`)."""
    return f"{endpoint.rstrip('/')}/datasets/{repo_id}/viewer/{config}/{split}?{urlencode({'row': row})}"


def _wrap(text: str, limit: int = MAX_LINES) -> list[str]:
    lines = textwrap.wrap(" ".join(text.split()), BODY_CHARS) or [""]
    return lines if len(lines) <= limit else [*lines[:limit - 1], lines[limit - 1].rstrip(" .,;") + " …"]


def share_lines(ex: Excerpt) -> list[dict[str, Any]]:
    """Every line of the image with its place and style: what the image says, and nothing else."""
    out: list[dict[str, Any]] = []
    y = MARGIN + 40

    def line(text: str, size: int, weight: str = "normal", color: str = "#1d2b36") -> None:
        nonlocal y
        out.append({"x": MARGIN, "y": y, "text": text, "size": size, "weight": weight, "color": color})
        y += int(size * 1.35)

    line(ex.dataset, 30, "bold", "#2f6f9f")
    line(f"{ex.persona} · {ex.arc}", 42, "bold")
    y += 24
    for role, text in ex.messages:
        if y > HEIGHT - MARGIN - 3 * BODY_SIZE:
            break
        line(ROLES.get(role, role), 30, "bold", "#2f6f9f" if role == "assistant" else "#8a5a00")
        room = max(1, (HEIGHT - MARGIN - 80 - y) // int(BODY_SIZE * 1.35))
        for part in _wrap(text, min(MAX_LINES, room)):
            line(part, BODY_SIZE)
        y += 22
    out.append({"x": MARGIN, "y": HEIGHT - MARGIN, "text": f"{ex.topic} · synthetic training conversation",
                "size": 26, "weight": "normal", "color": "#5b6b78"})
    return out


def share_spec(ex: Excerpt) -> dict[str, Any]:
    """The image as a Vega-Lite spec: text marks at fixed pixels on a plain background."""
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "width": WIDTH, "height": HEIGHT, "autosize": {"type": "none"}, "padding": 0,
        "background": "#f6f8fa", "config": {"view": {"stroke": None}},
        "data": {"values": share_lines(ex)},
        "mark": {"type": "text", "align": "left", "baseline": "alphabetic", "font": "sans-serif"},
        "encoding": {
            "x": {"field": "x", "type": "quantitative", "scale": None, "axis": None},
            "y": {"field": "y", "type": "quantitative", "scale": None, "axis": None},
            "text": {"field": "text"}, "size": {"field": "size", "type": "quantitative", "scale": None,
                                                "legend": None},
            "color": {"field": "color", "type": "nominal", "scale": None, "legend": None},
            "fontWeight": {"field": "weight", "type": "nominal", "scale": None, "legend": None},
        },
    }


def share_png(ex: Excerpt) -> bytes:
    """The share image as PNG bytes (vl-convert: no browser)."""
    import json

    import vl_convert as vlc

    return vlc.vegalite_to_png(json.dumps(share_spec(ex)), scale=1)
