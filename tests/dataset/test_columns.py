"""The single pass over pairs: its columns, and the views into the file it releases."""

from __future__ import annotations

import copy

import msgspec
import numpy as np

from services.dataset import columns, schema
from tests.support.exports import export_bytes


def _decoded(export: dict) -> list[schema.Conversation]:
    return msgspec.json.decode(export_bytes(export), type=schema.TrainingFile).conversations


def test_columns_follow_the_pairs_in_file_order(small_export):
    cols = columns.extract(_decoded(small_export))
    assert len(cols) == 7
    assert cols.conversation.tolist() == [0, 0, 0, 0, 1, 1, 1]
    assert cols.turn.tolist() == [1, 2, 3, 4, 1, 2, 3]
    assert cols.answered.tolist() == [False, True, False, True, False, True, False]
    assert cols.repeats_user.tolist() == cols.answered.tolist()  # the fixture repeats every answered message
    assert cols.foreign_id.all()  # every pair says "educational"
    assert [cols.emotions[c] for c in cols.emotion] == ["emotion1", "emotion2", "emotion3", "emotion4",
                                                        "emotion1", "emotion2", "emotion3"]
    assert np.allclose(cols.intensity, [0.8, 0.6, 0.4, 0.2, 0.9, 0.7, 0.5])


def test_missing_values_become_nan_and_minus_one(small_export):
    export = copy.deepcopy(small_export)
    pair = export["conversations"][0]["training_pairs"][0]
    del pair["emotional_context"], pair["training_metadata"]
    cols = columns.extract(_decoded(export))
    assert cols.emotion[0] == -1
    assert np.isnan(cols.intensity[0]) and np.isnan(cols.quality[0]) and np.isnan(cols.empathy[0])


def test_pairs_release_their_views_and_conversations_keep_owned_copies(small_export):
    conversations = _decoded(small_export)
    columns.extract(conversations)
    for conv in conversations:
        assert conv.system_prompt == "You are an emotionally intelligent financial planning chatbot."
        assert isinstance(conv.context, msgspec.Raw)
        assert all(p.conversation_history == [] and p.system_prompt is None and p.conversation_metadata is None
                   for p in conv.training_pairs)


def test_a_system_prompt_that_is_not_text_is_counted(small_export):
    export = copy.deepcopy(small_export)
    export["conversations"][1]["training_pairs"][0]["system_prompt"] = {"oops": 1}
    cols = columns.extract(_decoded(export))
    assert cols.bad_system_prompts == 1


def test_the_pairs_keys_are_gathered_and_hold_no_view_into_the_file(small_export):
    export = copy.deepcopy(small_export)
    export["conversations"][0]["training_pairs"][2]["conversation_metadata"]["persona_archetype"] = "someone_else"
    cols = columns.extract(_decoded(export))
    first = cols.pair_keys[0]
    persona = export["conversations"][0]["conversation_metadata"]["scaffolding"]["persona_key"]
    assert first.keys["persona"] == {persona: 1, "someone_else": 3}  # each key with the first turn carrying it
    assert all(k._last is None for k in cols.pair_keys)  # released: the loader may unmap the file
