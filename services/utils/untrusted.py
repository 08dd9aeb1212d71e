"""Text strangers wrote, made harmless for where the owner reads it: a spreadsheet, a terminal, a table.

A landing page's visitor chooses their name; the owner opens the leads CSV in a spreadsheet or a CRM
and reads `cli leads` in a terminal. A cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage
return is run as a formula by Excel, Sheets and LibreOffice (OWASP, "CSV Injection"): it is written
with a leading `'`, which spreadsheets show as text. Escape sequences and other control characters
would drive the terminal (move the cursor, rewrite lines, set the title): they are dropped. A table
cell shows text, not Markdown: a thread title's inline code is shown as the Hub shows it, without its
backticks, and HTML comments (hidden on the Hub) are not shown at all.
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

# OWASP's list, and the full-width forms some spreadsheets read the same way.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_ESCAPES = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|P[^\x1b]*(?:\x1b\\)?|[@-Z\\-_])"
                      r"|\x9b[0-?]*[ -/]*[@-~]")
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


_INLINE_CODE = re.compile(r"(`+)(.+?)\1", re.S)
_COMMENT = re.compile(r"<!--.*?(?:-->|$)", re.S)


def table_text(markdown: str) -> str:
    """A line of Markdown (a thread's title) as a table cell shows it: what the Hub renders, as text."""
    return _INLINE_CODE.sub(lambda m: m.group(2).strip(), _COMMENT.sub("", markdown)).strip()


def spreadsheet_cell(value: Any) -> Any:
    """A cell a spreadsheet shows as the text it is (only text cells can carry a formula)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_text(frame: pd.DataFrame) -> str:
    """The frame as CSV for a spreadsheet or a CRM, every text cell neutralised. Lines end in CRLF
    (RFC 4180), which also makes the writer quote a cell holding a lone carriage return."""
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(spreadsheet_cell)
    return safe.to_csv(index=False, lineterminator="\r\n")


def for_terminal(text: str) -> str:
    """Text for a terminal: escape sequences and control characters dropped (newlines and tabs kept)."""
    return _CONTROLS.sub("", _ESCAPES.sub("", text))
