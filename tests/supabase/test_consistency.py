"""A training_files row against the JSON it points to (no database needed)."""

from __future__ import annotations

from services.dataset.loader import load_dataset
from services.supabase import consistency
from services.supabase.rows import TrainingFileRow
from tests.support.exports import export_bytes


def row(**fields) -> TrainingFileRow:
    base = {"id": "f-1", "name": "Small", "json_file_path": "f-1/training.json", "conversation_count": 2,
            "total_training_pairs": 7,
            "scaffolding_distribution": {"personas": {"anxious_planner": 1, "pragmatic_optimist": 1},
                                         "emotional_arcs": {"shame_to_acceptance": 1, "crisis_to_referral": 1},
                                         "training_topics": {"emergency_fund": 2}}}
    return TrainingFileRow.model_validate({**base, **fields})


def test_a_truthful_row_passes_every_check(small_export):
    ds = load_dataset(export_bytes(small_export), "small.json")
    checks = consistency.compare(row(), ["c-1", "c-2"], ds)
    assert [c.what for c in checks] == ["conversations", "training pairs", "personas distribution",
                                        "emotional arcs distribution", "training topics distribution",
                                        "member conversations"]
    assert all(c.ok for c in checks)
    assert checks[4].recorded == checks[4].found == "1 keys, 2 conversations"
    assert consistency.findings(checks) == []


def test_each_disagreement_is_a_finding(small_export):
    ds = load_dataset(export_bytes(small_export), "small.json")
    lying = row(conversation_count=3, total_training_pairs=9,
                scaffolding_distribution={"personas": {"anxious_planner": 2}, "emotional_arcs": None})
    checks = {c.what: c for c in consistency.compare(lying, ["c-1", "c-9"], ds)}
    assert (checks["conversations"].recorded, checks["conversations"].found) == ("3", "2")
    assert (checks["training pairs"].recorded, checks["training pairs"].found) == ("9", "7")
    personas = checks["personas distribution"]
    assert (personas.recorded, personas.found) == ("anxious_planner 2, pragmatic_optimist 0",
                                                   "anxious_planner 1, pragmatic_optimist 1")
    arcs = checks["emotional arcs distribution"]  # NULL in the row: nothing recorded
    assert (arcs.recorded, arcs.found) == ("crisis_to_referral 0, shame_to_acceptance 0",
                                           "crisis_to_referral 1, shame_to_acceptance 1")
    assert checks["member conversations"].found == ("2 in the JSON; 1 listed are not in it (c-9); "
                                                    "1 in it are not listed (c-2)")
    findings = consistency.findings(list(checks.values()))
    assert {f.code for f in findings} == {"supabase_metadata_mismatch"}
    assert len(findings) == 6  # the topics too: the row records none of the 2 found
