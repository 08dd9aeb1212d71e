"""Bundles: what `datasets` loads from them, the EQ zip, byte-identical builds, atomic writes."""

from __future__ import annotations

import hashlib
import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from services.release import bundle
from services.release.errors import ReleaseError
from services.strategy import presets, sampling
from tests.support.streamlit_server import ROOT


@pytest.fixture(scope="module")
def billboard(demo_dataset):
    plan = presets.preset_billboard()
    sel = sampling.select_plan(demo_dataset, plan)
    return plan, sel, bundle.build_plan(demo_dataset, plan, sel)


def test_datasets_loads_both_configs_from_the_folder(billboard, tmp_path, monkeypatch):
    import datasets  # heavy: imported only here (requirements-dev.txt installs it; missing is a failure)

    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    _, sel, built = billboard
    folder = built["preview"].write(tmp_path)
    cache = str(tmp_path / "cache")
    conversations = datasets.load_dataset(str(folder), "conversations", split="train", cache_dir=cache)
    pairs = datasets.load_dataset(str(folder), "training_pairs", split="train", cache_dir=cache)
    default = datasets.load_dataset(str(folder), split="train", cache_dir=cache)
    assert conversations.num_rows == default.num_rows == sel["preview"].conversations
    assert pairs.num_rows == sel["preview"].supervised_examples
    assert sorted(conversations["conversation_id"]) == sorted(sel["preview"].conversation_ids)
    assert conversations.features["messages"].feature["role"].dtype == "string"
    roles = [m["role"] for m in conversations[0]["messages"]]
    assert roles[0] == "system" and roles[-1] == "assistant"


def test_eq100_zip(billboard, tmp_path):
    _, _, built = billboard
    path = built["eq-100"].write(tmp_path)
    with zipfile.ZipFile(path) as archive:
        assert sorted(archive.namelist()) == ["LICENSE", "README.md", "conversations.jsonl", "release.json",
                                              "training_pairs.jsonl"]
        lines = archive.read("training_pairs.jsonl").decode().splitlines()
        assert len(lines) == 100
        assert all(json.loads(line)["target_response"] for line in lines)
        assert archive.read("LICENSE").startswith(b"License: cc-by-4.0")


def test_the_unzipped_eq100_loads_by_config_as_its_readme_says(billboard, tmp_path, monkeypatch):
    """Issue #12: the zip's README pointed at data/*.parquet while the zip holds JSON Lines at its root."""
    import datasets

    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    _, sel, built = billboard
    with zipfile.ZipFile(built["eq-100"].write(tmp_path / "zip")) as archive:
        archive.extractall(tmp_path / "eq-100")
    cache = str(tmp_path / "cache")
    pairs = datasets.load_dataset(str(tmp_path / "eq-100"), "training_pairs", split="train", cache_dir=cache)
    conversations = datasets.load_dataset(str(tmp_path / "eq-100"), "conversations", split="train", cache_dir=cache)
    assert pairs.num_rows == 100 and conversations.num_rows == sel["eq-100"].conversations


def test_released_rows_describe_their_own_messages(billboard, demo_dataset):
    """Issue #12: `turns` counted the source conversation, not the cut one the row holds."""
    _, _, built = billboard
    import pyarrow.json as pajson

    source = demo_dataset.conversation_table.set_index("conversation_id")
    rows = pajson.read_json(io.BytesIO(built["eq-100"].files["conversations.jsonl"])).to_pylist()
    cut = 0
    for row in rows:
        dialogue = [m for m in row["messages"] if m["role"] != "system"]
        assert row["turns"] == len(dialogue) and dialogue[-1]["role"] == "assistant"
        cut += row["turns"] < source.loc[row["conversation_id"], "turns"]
    assert cut  # the tier counted in examples does cut conversations short, and says so


def test_private_tiers_are_not_built(billboard):
    _, _, built = billboard
    assert set(built) == {"preview", "eq-100"}


def test_manifest_records_plan_seed_counts_and_hashes(billboard, demo_dataset):
    plan, sel, built = billboard
    b = built["preview"]
    manifest = json.loads(b.files["release.json"])
    assert manifest["seed"] == plan.seed and manifest["plan"]["name"] == "billboard"
    assert manifest["source"]["fingerprint"] == demo_dataset.fingerprint
    assert manifest["counts"] == {"conversations": 30, "supervised_examples": sel["preview"].supervised_examples,
                                  "messages": b.facts.messages}
    assert set(manifest["files"]) == set(b.files) - {"release.json"}
    for path, entry in manifest["files"].items():
        assert entry["sha256"] == hashlib.sha256(b.files[path]).hexdigest()


def test_built_twice_is_byte_identical(billboard, demo_dataset):
    plan, sel, built = billboard
    again = bundle.build_plan(demo_dataset, plan, sel)
    for name in built:
        assert again[name].files == built[name].files
        assert again[name].zip_bytes() == built[name].zip_bytes()


def _tree_hash(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_byte_identical_across_processes(tmp_path):
    outs = []
    for run in ("a", "b"):
        out = tmp_path / run
        subprocess.run([sys.executable, "-m", "services.cli", "bundle", "demo", "--preset", "billboard",
                        "--out", str(out)], cwd=ROOT, check=True, capture_output=True)
        outs.append(_tree_hash(out))
    assert outs[0] == outs[1] and "preview/assets/coverage.png" in outs[0]


def test_rewriting_a_bundle_replaces_it_whole(billboard, tmp_path):
    _, _, built = billboard
    target = built["preview"].write(tmp_path)
    (target / "stale.txt").write_text("left over from an older build")
    built["preview"].write(tmp_path)
    assert not (target / "stale.txt").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["preview"]  # no temporary folders left behind
    assert oct(target.stat().st_mode)[-3:] == "755"


def test_kept_back_tier_cannot_be_built(billboard, demo_dataset):
    plan, sel, _ = billboard
    with pytest.raises(ReleaseError, match="kept back"):
        bundle.build_bundle(demo_dataset, plan, sel["full"])


def test_zip_is_deterministic(billboard):
    _, _, built = billboard
    data = built["preview"].zip_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert all(info.date_time == bundle.ZIP_DATE for info in archive.infolist())


def test_a_kept_bundle_is_written_as_a_copy_and_stays_whole(demo_dataset, tmp_path):
    """The pages keep a bundle built once (its files staged on disk); writing it out must not move its files
    away, or the next check, preview or publish would find them gone."""
    plan = presets.preset_billboard()
    chosen = sampling.select_plan(demo_dataset, plan)
    (tmp_path / "staging").mkdir()
    built = bundle.build_bundle(demo_dataset, plan, chosen["preview"], staging=tmp_path / "staging")
    staged = [p for p in built.files.values() if isinstance(p, Path)]
    assert staged and all(p.is_file() for p in staged)
    first = built.write(tmp_path / "one", keep=True)
    second = built.write(tmp_path / "two", keep=True)
    assert all(p.is_file() for p in staged)
    for folder in (first, second):
        for path, source in built.files.items():
            data = source if isinstance(source, bytes) else Path(source).read_bytes()
            assert (folder / path).read_bytes() == data
    built.write(tmp_path / "three")  # the command line's way: moved, and the staging folder gone
    assert not any(p.exists() for p in staged)
