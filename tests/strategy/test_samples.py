"""Browsing samples: the filter's rules, pin states, and the link a marketer shares."""

from __future__ import annotations

import numpy as np
import pytest

from services.dataset.search import TextIndex
from services.strategy import presets, sampling
from services.strategy.plans import Selection
from services.strategy.samples import SampleFilter, pin_state, sample_mask, share_link


@pytest.fixture(scope="module")
def browse(demo_dataset):
    chosen = sampling.select_plan(demo_dataset, presets.preset_billboard())
    return demo_dataset.conversation_table, sampling.membership(demo_dataset, chosen)


def test_no_filter_keeps_everything(browse):
    table, member = browse
    assert sample_mask(table, member, SampleFilter()).all()


def test_each_field_narrows_and_they_combine(demo_dataset, browse):
    table, member = browse
    preview = sample_mask(table, member, SampleFilter(tier="preview"))
    assert preview.sum() == 30 and (member["preview"].to_numpy() == preview).all()
    persona = table["persona_name"].iloc[0]
    by_persona = sample_mask(table, member, SampleFilter(personas=(persona,)))
    assert by_persona.sum() == (table["persona_name"] == persona).sum()
    both = sample_mask(table, member, SampleFilter(tier="preview", personas=(persona,)))
    assert (both == (preview & by_persona)).all()
    good = sample_mask(table, member, SampleFilter(min_quality=4.0))
    assert (table.loc[good, "quality"] >= 4.0).all() and 0 < good.sum() < len(table)


def test_search_needs_every_word(demo_dataset, browse):
    table, member = browse
    index = TextIndex(demo_dataset)
    found = sample_mask(table, member, SampleFilter(query="Emergency FUND"), index)
    texts = ["\n".join(p.current_user_input + "\n" + (p.target_response or "") for p in c.training_pairs).lower()
             for c in demo_dataset.iter_conversations()]
    assert found.sum() == sum(all(w in t for w in ("emergency", "fund")) for t in texts)
    assert 0 < found.sum() < len(table)
    assert not sample_mask(table, member, SampleFilter(query="emergency zzzunheardof"), index).any()


def test_pin_states():
    sel = Selection(pin_in=["a"], pin_out=["b"])
    assert [pin_state(sel, cid) for cid in "abc"] == ["pinned in", "pinned out", "not pinned"]


@pytest.mark.parametrize(("page", "cid", "expected"), [
    ("http://localhost:8501/samples", "c-1", "http://localhost:8501/samples?conversation=c-1"),
    ("https://studio.example/samples?conversation=old&tab=2#top", "c-2",
     "https://studio.example/samples?conversation=c-2"),  # the old query and fragment are not shared
    ("http://h/samples", "a b&c=d", "http://h/samples?conversation=a+b%26c%3Dd"),  # an id is quoted
])
def test_share_link(page, cid, expected):
    assert share_link(page, cid) == expected


def test_a_mask_is_a_boolean_array_of_the_table_length(browse):
    table, member = browse
    mask = sample_mask(table, member, SampleFilter(arcs=("no such arc",)))
    assert mask.dtype == np.bool_ and len(mask) == len(table) and not mask.any()
