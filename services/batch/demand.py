"""What feedback asks for, per persona, arc or topic key: from feedback's typed themes.

Live themes come from `services.feedback.inbox`; a file is what `cli feedback --json` wrote (its
`themes` list is read; the rest is ignored). A broken file is refused in words naming it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from pydantic import BaseModel, ValidationError

from services.dataset.keys import Dimension
from services.dataset.report import LoadError
from services.dataset.scaffolding import Scaffolding
from services.feedback.models import ThemeCount

Asked = dict[tuple[Dimension, str], int]  # (dimension, key) → threads and answers asking for it


class _FeedbackFile(BaseModel):
    themes: list[ThemeCount]


def read_feedback_file(path: str | Path) -> list[ThemeCount]:
    """The themes of a `feedback --json` file on disk (see `parse_feedback_file`)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise LoadError("unreadable", f"cannot read the file: {exc.strerror or exc}", str(path)) from None
    return parse_feedback_file(data, path.name)


def parse_feedback_file(data: bytes, name: str) -> list[ThemeCount]:
    """The themes of what `feedback --json` wrote, as bytes (a file read, or one uploaded on the page),
    as `parse_scaffolding` takes a scaffolding; refused in words naming `name`."""
    try:
        document = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise LoadError("not_json", f"not valid JSON: {exc}", name) from None
    try:
        return _FeedbackFile.model_validate(document).themes
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise LoadError("wrong_shape", f"expected `cli feedback --json` output: {first['msg']} (at `{where}`)",
                        name) from None


def asked_for(themes: Iterable[ThemeCount], scaffolding: Scaffolding) -> Asked:
    """The persona, arc and topic themes that name an active key of the scaffolding."""
    active: dict[Dimension, set[str]] = {
        "persona": {p.persona_key for p in scaffolding.active_personas},
        "arc": {a.arc_key for a in scaffolding.active_arcs},
        "topic": {t.topic_key for t in scaffolding.active_topics}}
    out: Asked = {}
    for theme in themes:
        kind = theme.kind
        if kind != "lexicon" and theme.theme in active[kind] and theme.count > 0:
            out[(kind, theme.theme)] = out.get((kind, theme.theme), 0) + theme.count
    return out
