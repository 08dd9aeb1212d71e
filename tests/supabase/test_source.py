"""Supabase as a source: training files with their consistency, all conversations, the CLI."""

from __future__ import annotations

import json
import shutil

import psycopg
import pytest

from services import cli
from services.dataset.loader import load_dataset
from services.demo import generator as demo
from services.supabase import source as supabase_source
from services.supabase.client import connect
from services.supabase.config import settings_from
from services.supabase.errors import SupabaseError
from tests.support.supabase_seed import names_only


def test_training_files_are_listed_newest_first_with_their_figures(supabase, supabase_session):
    files = supabase_source.list_training_files(supabase_session)
    assert [f.name for f in files] == ["Q4 Release", "Pilot Set", "Drifted Export", "Lost Export"]
    release = files[0]
    assert release.conversation_count == 242
    assert release.total_training_pairs == supabase.facts.files["release"].pairs
    assert release.label().startswith(f"Q4 Release — 242 conversations · {release.total_training_pairs:,} pairs · "
                                      "quality ")
    assert "active · 2025-12-04" in release.label()


def test_find_by_id_name_or_name_in_any_case(supabase, supabase_session):
    files = supabase_source.list_training_files(supabase_session)
    pilot = supabase.facts.files["pilot"]
    for ident in (pilot.id, "Pilot Set", "pilot set"):
        assert supabase_source.find_training_file(files, ident).id == pilot.id
    with pytest.raises(SupabaseError, match="no training file is named or has the id `nope`; there are: `Q4 Release`"):
        supabase_source.find_training_file(files, "nope")


def test_a_training_file_loads_like_the_file_and_agrees_with_its_row(supabase, supabase_session):
    dataset, checks = supabase_source.load_training_file(supabase_session, "Q4 Release")
    original = supabase.gateway.storage_root / "training-files" / supabase.facts.files["release"].id / "training.json"
    direct = load_dataset(original)
    assert len(dataset) == 242 == len(direct)
    assert dataset.fingerprint == direct.fingerprint
    assert dataset.name == "Q4 Release (Supabase)"
    assert all(c.ok for c in checks), [c for c in checks if not c.ok]
    assert not dataset.report.by_code("supabase_metadata_mismatch")


def test_a_drifted_row_shows_every_disagreement(supabase, supabase_session):
    drifted = supabase.facts.files["drifted"]
    dataset, checks = supabase_source.load_training_file(supabase_session, "Drifted Export")
    by_what = {c.what: c for c in checks}
    assert (by_what["conversations"].recorded, by_what["conversations"].found) == ("32", "30")
    assert (by_what["training pairs"].recorded, by_what["training pairs"].found) == (
        f"{drifted.pairs + 5:,}", f"{drifted.pairs:,}")
    personas = by_what["personas distribution"]
    said_key, said = personas.recorded.rsplit(" ", 1)
    held_key, held = personas.found.rsplit(" ", 1)
    assert not personas.ok and said_key == held_key and int(said) == int(held) + 2  # the seed's drift
    assert by_what["emotional arcs distribution"].ok and by_what["training topics distribution"].ok
    members = by_what["member conversations"]
    assert not members.ok
    assert members.found.startswith("30 in the JSON; 2 listed are not in it (")
    assert members.found.endswith(f"; 1 in it are not listed ({drifted.conversation_ids[0]})")
    findings = dataset.report.by_code("supabase_metadata_mismatch")
    assert len(findings) == 4
    assert {f.where for f in findings} == {c.where for c in checks if not c.ok}


def test_a_lost_json_is_a_clear_error(supabase_session):
    with pytest.raises(SupabaseError) as err:
        supabase_source.load_training_file(supabase_session, "Lost Export")
    assert err.value.finding.code == "missing_object"


def test_anon_key_is_told_it_has_no_permission(supabase):
    anon = connect(settings_from({"url": supabase.url, "key": supabase.key("anon")}))
    for read in (supabase_source.list_training_files, supabase_source.read_conversation_index):
        with pytest.raises(SupabaseError) as err:
            read(anon)
        assert err.value.finding.code == "no_permission"
        assert "role `anon`" in str(err.value) and "row level security" in str(err.value)


def test_the_conversation_index_resolves_keys_and_names(supabase, supabase_session):
    index = supabase_source.read_conversation_index(supabase_session)
    assert len(index) == supabase.facts.conversations
    export = demo.generate(supabase.facts.conversations)
    truth = {c["conversation_metadata"]["conversation_id"]: c["conversation_metadata"]["scaffolding"]
             for c in export["conversations"]}
    with psycopg.connect(supabase.db_uri) as db:
        null_keys = db.execute("SELECT count(*) FROM conversations WHERE persona_key IS NULL").fetchone()[0]
        names_only = {str(c) for (c,) in db.execute(
            "SELECT conversation_id FROM conversations WHERE persona_id IS NULL AND persona_key IS NULL"
            " AND scaffolding_snapshot ? 'persona_name' AND NOT scaffolding_snapshot ? 'persona_key'")}
    assert null_keys > 800, "the seed keeps a third of the keys only in scaffolding_snapshot"
    assert len(names_only) > 200, "and one row in eleven with only names in its snapshot"
    for column, key in (("persona_key", "persona_key"), ("emotional_arc_key", "emotional_arc_key"),
                        ("training_topic_key", "training_topic_key")):
        assert dict(zip(index["conversation_id"], index[column], strict=True)) == \
            {cid: s[key] for cid, s in truth.items()}, column
    assert dict(zip(index["conversation_id"], index["persona"], strict=True)) == \
        {cid: s["persona_name"] for cid, s in truth.items()}
    recorded = index.set_index("conversation_id")["recorded_persona_key"]
    assert recorded[sorted(names_only)].isna().all(), "a key found by name is not the row's own record"
    assert set(supabase_source.loadable(index)["conversation_id"]) == set(supabase.facts.enriched_ids)


def test_enriched_files_without_keys_get_them_from_the_row_or_the_pairs(supabase, supabase_session):
    """Rows with NULL key columns (keys in the snapshot) and rows whose snapshot holds only names, with
    early-shape enriched files: every conversation loads, with its real keys, and the report says how."""
    index = supabase_source.read_conversation_index(supabase_session)
    early = {cid for i, cid in enumerate(supabase.facts.enriched_ids) if names_only(i)}
    loadable = supabase_source.loadable(index)
    chosen = loadable[loadable["conversation_id"].isin(supabase.facts.enriched_ids[:24])]
    assert len(chosen) == 24
    dataset = supabase_source.load_conversations(supabase_session, chosen)
    truth = dict(zip(chosen["conversation_id"], chosen["persona_key"], strict=True))
    assert dict(zip(dataset.columns.conversation_id, dataset.columns.persona_key, strict=True)) == truth
    n_early = len(early & set(chosen["conversation_id"]))
    assert n_early == 2  # seed rows 5 and 16
    (recovered,) = dataset.report.by_code("keys_recovered")
    assert recovered.message.startswith(f"keys recovered from training pairs for {n_early} of 24 conversations")
    assert {p.persona for p in dataset.key_provenance} == {"scaffolding", "pairs"}


def test_all_conversations_load_from_their_enriched_files(supabase, supabase_session):
    index = supabase_source.read_conversation_index(supabase_session)
    dataset = supabase_source.load_conversations(supabase_session, index)
    assert set(dataset.columns.conversation_id) == set(supabase.facts.enriched_ids)
    assert dataset.format == "enriched"
    assert supabase.gateway.count("/storage/v1/object/conversation-files/") == len(supabase.facts.enriched_ids)


def test_a_missing_enriched_file_costs_only_its_conversation(supabase, supabase_session, tmp_path):
    index = supabase_source.read_conversation_index(supabase_session)
    some = supabase_source.loadable(index).head(5)
    victim = some.iloc[2]
    stored = supabase.gateway.storage_root / "conversation-files" / victim["enriched_file_path"]
    kept = tmp_path / "kept.json"
    shutil.move(stored, kept)
    try:
        dataset = supabase_source.load_conversations(supabase_session, some)
    finally:
        shutil.move(kept, stored)
    assert len(dataset) == 4
    assert dataset.report.dropped_conversations == [victim["conversation_id"]]
    dropped = dataset.report.by_code("conversation_dropped")
    assert victim["conversation_id"] in dropped[0].where and "object not found" in dropped[0].message


def test_a_preview_fetches_one_file(supabase, supabase_session):
    index = supabase_source.read_conversation_index(supabase_session)
    row = supabase_source.loadable(index).iloc[7]
    one = supabase_source.preview_conversation(supabase_session, row)
    assert [c.conversation_metadata.conversation_id for c in one.iter_conversations()] == [row["conversation_id"]]
    assert supabase.gateway.count("/storage/v1/object/") == 1


def test_parse_uri():
    assert supabase_source.parse_uri("supabase://training-files/Q4 Release").ident == "Q4 Release"
    assert supabase_source.parse_uri("supabase://conversations").kind == "conversations"
    with pytest.raises(SupabaseError, match="expected supabase://training-files/"):
        supabase_source.parse_uri("supabase://tables/x")


# --- command line ----------------------------------------------------------------------------
def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_stats_of_a_training_file(supabase, monkeypatch, capsys):
    monkeypatch.setenv("SUPABASE_URL", supabase.url)
    monkeypatch.setenv("SUPABASE_KEY", supabase.key())
    code, out, _ = run_cli(capsys, "stats", "supabase://training-files/Drifted Export", "--json")
    assert code == 0
    stats = json.loads(out)
    assert stats["conversations"] == 30
    assert stats["training_pairs"] == supabase.facts.files["drifted"].pairs
    assert "supabase_metadata_mismatch" in {i["code"] for i in stats["issues"]}


def test_cli_stats_of_all_conversations(supabase, monkeypatch, capsys):
    monkeypatch.setenv("SUPABASE_URL", supabase.url)
    monkeypatch.setenv("SUPABASE_KEY", supabase.key())
    code, out, _ = run_cli(capsys, "stats", "supabase://conversations", "--json")
    assert code == 0
    assert json.loads(out)["conversations"] == len(supabase.facts.enriched_ids)


def test_cli_errors_are_one_line_without_the_key(supabase, monkeypatch, capsys):
    monkeypatch.delenv("SUPABASE_URL", raising=False)
    monkeypatch.delenv("SUPABASE_KEY", raising=False)
    code, _, err = run_cli(capsys, "stats", "supabase://training-files/Q4 Release")
    assert code == 2 and err.strip() == ("error: supabase://training-files/Q4 Release needs SUPABASE_URL and "
                                         "SUPABASE_KEY in the environment")
    anon = supabase.key("anon")
    monkeypatch.setenv("SUPABASE_URL", supabase.url)
    monkeypatch.setenv("SUPABASE_KEY", anon)
    code, _, err = run_cli(capsys, "stats", "supabase://training-files/Q4 Release")
    assert code == 2 and "row level security" in err and anon not in err and len(err.strip().splitlines()) == 1
    monkeypatch.setenv("SUPABASE_KEY", supabase.key())
    code, _, err = run_cli(capsys, "stats", "supabase://training-files/Lost Export")
    assert code == 2 and "object not found" in err


def test_cli_service_failure_exits_1(supabase, monkeypatch, capsys):
    from tests.support.streamlit_server import free_port
    monkeypatch.setenv("SUPABASE_URL", f"http://127.0.0.1:{free_port()}")
    monkeypatch.setenv("SUPABASE_KEY", supabase.key())
    code, _, err = run_cli(capsys, "stats", "supabase://conversations")
    assert code == 1 and "cannot connect" in err


def test_the_scaffolding_tables_read_with_their_ids_for_the_next_batch(supabase, supabase_session):
    """Issue #21: the next batch plans over Supabase's scaffolding tables (ids, tiers) when configured."""
    from services.batch.planner import BatchRequest, plan_batch
    from services.batch.scaffolding_source import resolve_scaffolding
    from services.demo import catalog as cat

    scaffolding, where = resolve_scaffolding(None, supabase_session, demo_fallback=False)
    assert where == "Supabase's scaffolding tables" and scaffolding is not None
    assert sorted(p.persona_key for p in scaffolding.personas) == sorted(p.key for p in cat.PERSONAS)
    assert len(scaffolding.emotional_arcs) == len(cat.ARCS) and len(scaffolding.training_topics) == len(cat.TOPICS)
    assert {a.arc_key for a in scaffolding.emotional_arcs if a.tier == "edge_case"} == {
        "crisis_to_referral", "hostility_to_boundary", "overwhelm_to_triage"}
    assert scaffolding.has_ids and scaffolding.prompt_templates == []  # the seed keeps no templates
    names = scaffolding.names()
    assert names.key_for("persona", "Jennifer Martinez - The Anxious Planner") == "anxious_planner"
    plan = plan_batch(None, scaffolding, [], BatchRequest(total=6))
    assert plan.body is not None and len(plan.body.parameterSets) == 6 and plan.unsendable is None
