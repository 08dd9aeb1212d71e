"""Storage reads: a training file streamed to disk, small files fetched together, failures named."""

from __future__ import annotations

import pytest

from services.supabase import storage as supabase_storage
from services.supabase.client import connect
from services.supabase.config import settings_from
from services.supabase.errors import SupabaseError
from tests.support.supabase_gateway import Fault


def release_path(stack) -> str:
    return f"{stack.facts.files['release'].id}/training.json"


def test_download_streams_to_the_destination_with_progress(supabase, supabase_session, tmp_path):
    calls: list[tuple[int, int | None]] = []
    dest = supabase_storage.download_to(supabase_session, "training-files", release_path(supabase),
                                        tmp_path / "t.json", lambda done, total: calls.append((done, total)))
    original = (supabase.gateway.storage_root / "training-files" / release_path(supabase)).read_bytes()
    assert dest.read_bytes() == original
    assert len(calls) > 1, "a multi-MB file reports progress more than once"
    assert calls[-1] == (len(original), len(original))
    assert [p.name for p in tmp_path.iterdir()] == ["t.json"]


def test_a_broken_transfer_leaves_nothing_behind(supabase, supabase_session, tmp_path):
    supabase.gateway.inject(Fault(prefix="/storage/v1/object/training-files", cut_after=100_000, times=10))
    with pytest.raises(SupabaseError) as err:
        supabase_storage.download_to(supabase_session, "training-files", release_path(supabase),
                                     tmp_path / "t.json")
    assert err.value.finding.code == "network"
    assert list(tmp_path.iterdir()) == []


def test_a_broken_transfer_is_retried(supabase, supabase_session, tmp_path):
    supabase.gateway.inject(Fault(prefix="/storage/v1/object/training-files", cut_after=100_000))
    dest = supabase_storage.download_to(supabase_session, "training-files", release_path(supabase),
                                        tmp_path / "t.json")
    original = supabase.gateway.storage_root / "training-files" / release_path(supabase)
    assert dest.read_bytes() == original.read_bytes()


def test_a_missing_object_fails_clearly(supabase, supabase_session, tmp_path):
    with pytest.raises(SupabaseError) as err:
        supabase_storage.download_to(supabase_session, "training-files", "nope/training.json", tmp_path / "t.json")
    assert err.value.finding.code == "missing_object"
    assert "`training-files/nope/training.json`" in str(err.value)
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(SupabaseError, match="object not found"):
        supabase_storage.fetch(supabase_session, "conversation-files", "nope/enriched.json")


def test_private_buckets_refuse_the_anon_key(supabase, tmp_path):
    anon = connect(settings_from({"url": supabase.url, "key": supabase.key("anon")}, retries=0))
    with pytest.raises(SupabaseError) as err:
        supabase_storage.download_to(anon, "training-files", release_path(supabase), tmp_path / "t.json")
    assert err.value.finding.code == "no_permission"
    assert supabase.key("anon") not in str(err.value)


def test_fetch_many_keeps_order_and_isolates_failures(supabase, supabase_session):
    user_dir = next((supabase.gateway.storage_root / "conversation-files").iterdir())
    paths = [f"{user_dir.name}/{cid}/enriched.json" for cid in supabase.facts.enriched_ids[:6]]
    objects = [("conversation-files", p) for p in paths[:3]] + [("conversation-files", "gone.json")] + \
              [("conversation-files", p) for p in paths[3:]]
    seen: list[int] = []
    results = supabase_storage.fetch_many(supabase_session, objects, lambda done, total: seen.append(done))
    assert isinstance(results[3], SupabaseError) and results[3].finding.code == "missing_object"
    for (bucket, path), result in zip(objects, results, strict=True):
        if path != "gone.json":
            assert result == (supabase.gateway.storage_root / bucket / path).read_bytes()
    assert seen == list(range(1, 8))
