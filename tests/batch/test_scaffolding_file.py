"""A scaffolding file is read strictly: every broken one is refused in words naming the file and row."""

from __future__ import annotations

import json

import pytest

from services.dataset.report import LoadError
from services.dataset.scaffolding import parse_scaffolding
from services.demo.scaffolding_rows import scaffolding_document


def _bytes(doc) -> bytes:
    return json.dumps(doc).encode()


def test_the_demo_scaffolding_reads_and_names_keys():
    s = parse_scaffolding(_bytes(scaffolding_document()), "s.json")
    assert (len(s.personas), len(s.emotional_arcs), len(s.training_topics), len(s.prompt_templates)) == (3, 10, 17, 10)
    names = s.names()
    assert names.key_for("persona", "Jennifer Martinez - The Anxious Planner") == "anxious_planner"
    assert names.key_for("arc", "shame → ACCEPTANCE") == "shame_to_acceptance"
    assert s.has_ids


@pytest.mark.parametrize(("mutate", "message"), [
    (lambda d: b"{not json", "s.json, line 1"),
    (lambda d: _bytes([1, 2]), "expected an object"),
    (lambda d: _bytes({**d, "extra": []}), "unknown table `extra`"),
    (lambda d: _bytes({**d, "personas": {"a": 1}}), "`personas` must be a list"),
    (lambda d: _bytes({**d, "personas": [{"id": d["personas"][0]["id"], "name": "X"}]}),
     "s.json: `personas` row 1: object missing required field `persona_key`"),
    (lambda d: _bytes({**d, "emotional_arcs": [*d["emotional_arcs"], dict(d["emotional_arcs"][0])]}),
     "`emotional_arcs` row 11 (`couple_conflict_to_alignment`): `arc_key` `couple_conflict_to_alignment` "
     "appears twice"),
    (lambda d: _bytes({**d, "training_topics": [{**d["training_topics"][0], "id": "not-a-uuid"}]}),
     "`id` 'not-a-uuid' is not a UUID"),
    (lambda d: _bytes({**d, "emotional_arcs": [{**d["emotional_arcs"][0], "tier": "odd"}]}),
     "`emotional_arcs` row 1 (`couple_conflict_to_alignment`): invalid enum value 'odd' (field `tier`)"),
    (lambda d: _bytes({**d, "personas": [{**d["personas"][0], "persona_key": " "}]}), "`persona_key` is empty"),
])
def test_broken_files_are_refused_in_words(mutate, message):
    with pytest.raises(LoadError) as err:
        parse_scaffolding(mutate(scaffolding_document()), "s.json")
    assert message in str(err.value)


def test_a_scaffoldings_counts_are_said_beside_what_the_data_covers(demo_dataset):
    """The demo's scaffolding lists 10 arcs; its data has conversations for 7: both are said, never mixed."""
    from services.batch.scaffolding_source import counted, demo_scaffolding

    said = counted(demo_scaffolding(), "the demo scaffolding", demo_dataset)
    assert said == ("the demo scaffolding (3 personas, 3 with conversations; 10 arcs, 7 with conversations; "
                    "17 topics, 17 with conversations; with ids)")
    assert counted(None, "the data alone", demo_dataset) == "the data alone"
