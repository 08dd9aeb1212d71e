"""Pre-publish checks: seeded personal data, leakage, duplicates, a lying card, overrides."""

from __future__ import annotations

import copy
import json

import numpy as np
import pytest

from services.dataset.loader import load_dataset
from services.release import bundle
from services.release.checks import runner as checks
from services.release.checks.links import check_links
from services.release.checks.report import CheckResult, override
from services.release.errors import OverrideError
from services.strategy import presets, sampling
from services.strategy.sampling import TierSelection
from tests.support.exports import export_bytes, make_conversation


def _report(ds, plan, selections=None, name=None):
    selections = selections or sampling.select_plan(ds, plan)
    built = bundle.build_plan(ds, plan, selections, with_image=False)
    reports = checks.check_plan(ds, plan, selections, built)
    name = name or next(iter(built))
    return reports[name], built[name]


PRIVACY = "https://brightrun.ai/privacy"


def _by_name(report) -> dict[str, CheckResult]:
    return {c.name: c for c in report.checks}


@pytest.mark.parametrize("preset", list(presets.PRESETS))
def test_clean_demo_tiers_pass(demo_dataset, preset):
    plan = presets.PRESETS[preset]().model_copy(update={"privacy_url": PRIVACY})
    sel = sampling.select_plan(demo_dataset, plan)
    built = bundle.build_plan(demo_dataset, plan, sel, with_image=False)
    for report in checks.check_plan(demo_dataset, plan, sel, built).values():
        assert report.status == "pass", [(c.name, c.summary) for c in report.checks if c.status != "pass"]
        assert not report.blocked


def _dataset_with(text: str):
    export = {"training_file_metadata": {}, "conversations": [
        make_conversation("c-1", "anxious_planner", "shame_to_acceptance", "emergency_fund", 4),
        make_conversation("c-2", "pragmatic_optimist", "confusion_to_clarity", "emergency_fund", 4)]}
    pair = export["conversations"][1]["training_pairs"][3]
    pair["target_response"] = f"Sure. {text} Talk soon."
    return load_dataset(export_bytes(export), "pii.json")


def test_fake_email_and_card_number_block_with_their_place():
    ds = _dataset_with("Write to jane.doe@example.com or pay with 4111 1111 1111 1111.")
    report, _ = _report(ds, presets.preset_giveaway())
    results = _by_name(report)
    assert report.blocked
    email = results["personal data: email address"]
    assert email.status == "block" and email.count == 1
    place = email.places[0]
    assert (place.conversation_id, place.turn, place.detail) == ("c-2", 4, "jane.doe@example.com")
    assert "jane.doe@example.com" in place.excerpt
    assert results["personal data: card number"].places[0].detail == "4111 1111 1111 1111"


@pytest.mark.parametrize(("text", "kind"), [
    ("My SSN is 123-45-6789.", "US social security number"),
    ("IBAN GB82 WEST 1234 5698 7654 32 please.", "IBAN"),
    ("Call (555) 123-4567 tonight.", "phone number"),
    ("Call +1 555 123 4567 tonight.", "phone number"),
    ("Ring me on +44 20 7946 0958 from London.", "phone number"),  # any country's format (phonenumbers)
    ("Ruf mich an: +49 30 901820.", "phone number"),
    ("I live at 221 Baker Street now.", "street address"),
])
def test_each_kind_of_personal_data_blocks(text, kind):
    report, _ = _report(_dataset_with(text), presets.preset_giveaway())
    assert _by_name(report)[f"personal data: {kind}"].status == "block"


@pytest.mark.parametrize("text", [
    "Card 4111 1111 1111 1112 fails the Luhn check.", "A $300,000 loan at 3.25% and $2,600 a year.",
    "Call or text 988 any time.", "It was 2025-12-03.", "SSN 000-12-3456 is not valid.",
    "IBAN GB82 WEST 1234 5698 7654 31 has a bad checksum.", "Ratio 1.2.3.4 and 10 000 dollars.",
    "SSN 078-05-1120 is the famous wallet-card number, never issued.",  # python-stdnum knows it
    "Between 2019 and 2024 we saved 1200 000 in total.",  # a possible local number, but an amount
])
def test_numbers_that_are_not_personal_data_pass(text):
    report, _ = _report(_dataset_with(text), presets.preset_giveaway())
    flagged = [c.name for c in report.checks if c.name.startswith("personal data") and c.status != "pass"]
    assert flagged == []


def test_a_url_is_a_warning():
    report, _ = _report(_dataset_with("See https://example.org/guide for more."), presets.preset_giveaway())
    assert _by_name(report)["personal data: URL"].status == "warn"
    assert not report.blocked


def test_a_leaked_conversation_blocks_the_public_tier(demo_dataset):
    plan = presets.preset_billboard()
    sel = sampling.select_plan(demo_dataset, plan)
    leaked_index = sel["eq-100"].indices[0]
    preview = sel["preview"]
    indices = np.sort(np.append(preview.indices, leaked_index))
    sel["preview"] = TierSelection(tier="preview", indices=indices,
                                   conversation_ids=tuple(demo_dataset.conversation_table["conversation_id"]
                                                          .to_numpy()[indices]),
                                   supervised_examples=0)
    report, _ = _report(demo_dataset, plan, sel, "preview")
    leak = _by_name(report)["leakage"]
    assert leak.status == "block" and leak.count == 1
    assert leak.places[0].conversation_id == sel["eq-100"].conversation_ids[0]
    assert "reserved for 'eq-100' (download)" in leak.places[0].detail


def test_pinned_out_but_present_is_a_leak(demo_dataset):
    plan = presets.preset_giveaway()
    cid = demo_dataset.columns.conversation_id[0]
    sel = sampling.select_plan(demo_dataset, plan)
    plan.tiers[0].selection.pin_out = [cid]  # the plan changed after the selection was made
    report, _ = _report(demo_dataset, plan, sel)
    assert _by_name(report)["leakage"].status == "block"


def test_duplicates_warn():
    export = {"training_file_metadata": {}, "conversations": [
        make_conversation("c-1", "anxious_planner", "shame_to_acceptance", "emergency_fund", 4)]}
    twin = copy.deepcopy(export["conversations"][0])
    twin["conversation_metadata"]["conversation_id"] = "c-9"
    export["conversations"].append(twin)
    report, _ = _report(load_dataset(export_bytes(export), "dup.json"), presets.preset_giveaway())
    dup = _by_name(report)["duplicates"]
    assert dup.status == "warn" and dup.places[0].detail == "identical to c-9"


def _with_copies(*copies: tuple[str, bool]) -> dict:
    """c-1 (long answers), c-2 (unrelated), and copies of c-1: (id, edited) — an edited copy has a few
    words of its last answer changed."""
    export = {"training_file_metadata": {}, "conversations": [
        make_conversation("c-1", "anxious_planner", "shame_to_acceptance", "emergency_fund", 6),
        make_conversation("c-2", "pragmatic_optimist", "confusion_to_clarity", "retirement", 6)]}
    for pair in export["conversations"][0]["training_pairs"]:
        if pair["target_response"]:
            pair["target_response"] += (f" At turn {pair['turn_number']} we look at the emergency fund together and "
                                        "choose the next small step you can take this week without strain.")
    for cid, edited in copies:
        copied = copy.deepcopy(export["conversations"][0])
        copied["conversation_metadata"]["conversation_id"] = cid
        if edited:
            last = copied["training_pairs"][-1]
            last["target_response"] = last["target_response"].replace("next small step", "first small move")
        export["conversations"].append(copied)
    return export


def test_an_edited_copy_is_a_near_duplicate_named_with_its_similarity():
    """Locality-sensitive hashing finds a copy with a few words changed; an unrelated conversation is not named."""
    export = _with_copies(("c-9", True))
    report, _ = _report(load_dataset(export_bytes(export), "edited.json"), presets.preset_giveaway())
    dup = _by_name(report)["duplicates"]
    assert dup.status == "warn" and dup.count == 1
    place = dup.places[0]
    assert place.conversation_id == "c-1"
    similarity = float(place.detail.removeprefix("near-identical to c-9: similarity "))
    assert 0.8 <= similarity < 1


def test_a_card_that_lies_is_blocked(demo_dataset):
    plan = presets.preset_giveaway()
    sel = sampling.select_plan(demo_dataset, plan)
    b = bundle.build_plan(demo_dataset, plan, sel, with_image=False)["full"]
    b.card = b.card.replace("**At a glance:** 242", "**At a glance:** 2,420")
    table = demo_dataset.conversation_table
    report = checks.check_tier(b, plan, sel, demo_dataset.consultant_profile,
                               len(set(zip(table["persona_key"], table["arc_key"], strict=True))))
    truth = _by_name(report)["card truth"]
    assert truth.status == "block" and "the card states 2,420" in truth.places[0].detail


def test_a_number_typed_into_the_words_is_caught(demo_dataset):
    from services.release.card.render import CardText

    plan = presets.preset_giveaway()
    sel = sampling.select_plan(demo_dataset, plan)
    b = bundle.build_bundle(demo_dataset, plan, sel["full"], CardText(summary="Over 5,000 conversations!"),
                            with_image=False)
    table = demo_dataset.conversation_table
    report = checks.check_tier(b, plan, sel, demo_dataset.consultant_profile,
                               len(set(zip(table["persona_key"], table["arc_key"], strict=True))))
    assert _by_name(report)["card truth"].status == "block"


def test_override_needs_the_exact_phrase_and_is_recorded():
    report, b = _report(_dataset_with("jane.doe@example.com"), presets.preset_giveaway())
    assert report.blocked
    with pytest.raises(OverrideError, match="publish full anyway"):
        override(report, "yes please")
    report.overrides.append(override(report, "publish full anyway", by="owner", reason="test address"))
    assert not report.blocked
    checks.attach_report(b, report)
    manifest = json.loads(b.files["release.json"])
    assert manifest["check_overrides"][0]["checks"] == ["personal data: email address"]
    assert manifest["check_overrides"][0]["reason"] == "test address"


def test_a_gated_tier_without_a_privacy_notice_is_blocked_by_its_access_form(demo_dataset):
    report, _ = _report(demo_dataset, presets.preset_hybrid())
    form = _by_name(report)["access form"]
    assert form.status == "block" and "privacy notice" in form.places[0].detail
    assert report.blocked


def test_a_card_linking_a_placeholder_or_local_host_is_blocked(demo_dataset):
    plan = presets.preset_billboard()
    plan.tier("preview").calls_to_action.landing_page_url = "https://example.com/eq-100"
    plan.tier("preview").calls_to_action.generate_url = "http://localhost:8501/generate"
    report, _ = _report(demo_dataset, plan, name="preview")
    result = _by_name(report)["links"]
    assert result.status == "block" and report.blocked
    assert [p.excerpt.split("?")[0] for p in result.places] == ["https://example.com/eq-100",
                                                                "http://localhost:8501/generate"]


def test_links_to_the_hub_the_release_goes_to_pass_even_on_a_local_test_hub(demo_dataset):
    plan = presets.preset_billboard()
    sel = sampling.select_plan(demo_dataset, plan)
    b = bundle.build_bundle(demo_dataset, plan, sel["preview"], with_image=False, hub_url="http://127.0.0.1:5")
    assert "http://127.0.0.1:5/spaces/brightrun/financial-eq-billboard-eq-100" in b.card
    assert check_links(b).status == "pass"


def test_recovered_keys_are_said_by_the_labels_check_without_blocking():
    """Issue #20: an early export's keys came from its pairs; the checks say so, and pass."""
    from services.dataset.loader import load_dataset
    from services.release.checks.labels import check_labels
    from tests.support.exports import early_export, export_bytes

    ds = load_dataset(export_bytes(early_export()), "early.json")
    result = check_labels(ds, ds.columns.conversation_id)
    assert result.status == "pass"
    assert result.summary == "keys recovered from training pairs for 3 of 3 conversations"
    early = early_export()
    conv = early["conversations"][1]
    conv["conversation_metadata"]["scaffolding"] = {}
    for pair in conv["training_pairs"]:
        pair["conversation_metadata"] = {}
    ds = load_dataset(export_bytes(early), "early.json")
    result = check_labels(ds, ["e-2"])
    assert result.status == "warn" and result.places[0].conversation_id == "e-2"
    assert check_labels(ds, ["e-1"]).status == "pass"  # only the released conversations count


# --- checks that stream (issue #23, part 3): the same findings a batch at a time, bounded places ---------
def _one_row_batches(table):
    return lambda: (table.slice(i, 1) for i in range(table.num_rows))


def _conversations(rows: list[tuple[str, list[tuple[str, str]]]]):
    import pyarrow as pa

    from services.release.convert import MESSAGE

    return pa.table({"conversation_id": [cid for cid, _ in rows],
                     "messages": pa.array([[{"role": r, "content": c} for r, c in messages] for _, messages in rows],
                                          pa.list_(MESSAGE))})


def test_duplicates_are_found_the_same_across_batches():
    from services.release.checks.duplicates import check_duplicates
    from services.release.read_back import released_table

    export = _with_copies(("c-5", False), ("c-9", True))
    _, b = _report(load_dataset(export_bytes(export), "dups.json"), presets.preset_giveaway())
    table = released_table(b.channel, b.files, "conversations")
    whole, streamed = check_duplicates(table), check_duplicates(_one_row_batches(table))
    assert streamed == whole and whole.count == 2
    assert [p.detail.split(":")[0] for p in whole.places] == ["identical to c-5", "near-identical to c-9"]


def test_candidates_made_a_few_at_a_time_give_the_same_near_duplicates(monkeypatch):
    """Issue #31: the band groups' pairs are made and measured a step at a time (a templated export proposes
    tens of millions). Steps of one pair find what one step for all finds; and the measure reads each
    conversation's grams back from the spill, in one pass over the rows."""
    from services.release.checks import duplicates

    sentence = "my partner and I want to retire early but we carry debt from school and a mortgage on the house"
    words = sentence.split()
    rows = []
    for i in range(40):  # near-copies: one word changed, at a place that moves with i
        edited = list(words)
        edited[i % len(words)] = f"word{i}"
        rows.append((f"c-{i:02d}", [("user", " ".join(edited)), ("assistant", "Let us look at the numbers.")]))
    rows.append(("other", [("user", "How do index funds work?"), ("assistant", "They follow a market index.")]))
    table = _conversations(rows)
    reads = []
    batches = lambda: reads.append(1) or (table.slice(i, 7) for i in range(0, table.num_rows, 7))  # noqa: E731
    whole = duplicates.check_duplicates(batches)
    assert len(reads) == 1  # one pass over the rows, the exact measure included
    monkeypatch.setattr(duplicates, "PAIRS_PER_STEP", 1)
    stepped = duplicates.check_duplicates(batches)
    assert stepped == whole and whole.count >= 5
    assert all("near-identical" in p.detail and "other" not in p.detail for p in whole.places)


def test_identical_means_the_same_normalised_messages_not_the_same_words():
    from services.release.checks.duplicates import check_duplicates

    table = _conversations([
        ("a", [("user", "Can I retire early"), ("assistant", "Yes, with a plan.")]),
        ("b", [("user", "can I retire early?"), ("assistant", "yes with a plan")]),  # the same, normalised
        ("c", [("user", "Can I retire"), ("assistant", "early yes with a plan")]),  # the same words, split elsewhere
    ])
    result = check_duplicates(table)
    assert [(p.conversation_id, p.detail) for p in result.places if p.detail.startswith("identical")] == [
        ("a", "identical to b")]


def test_personal_data_is_placed_the_same_a_row_at_a_time():
    from services.release.checks.pii import check_personal_data
    from services.release.read_back import released_table

    _, b = _report(_dataset_with("Write to jane.doe@example.com soon."), presets.preset_giveaway())
    table = released_table(b.channel, b.files, "conversations")
    streamed = {r.name: r for r in check_personal_data(_one_row_batches(table)(), b.card)}
    email = streamed["personal data: email address"]
    assert (email.places[0].conversation_id, email.places[0].turn) == ("c-2", 4)  # after c-1, in its own batch
    whole = {r.name: r for r in check_personal_data(table, b.card)}
    assert email.places == whole["personal data: email address"].places


def test_a_check_that_finds_many_counts_them_all_and_keeps_the_first_fifty():
    from services.release.checks.pii import check_personal_data
    from services.release.checks.report import MAX_PLACES

    table = _conversations([(f"c-{i:03d}", [("user", f"Reach me at client{i}@example.com"), ("assistant", "Noted.")])
                            for i in range(120)])
    email = {r.name: r for r in check_personal_data(_one_row_batches(table)(), "")}["personal data: email address"]
    assert email.status == "block" and email.count == 120 and len(email.places) == MAX_PLACES
    assert email.summary == "120 email addresses found"
    assert [p.conversation_id for p in email.places] == [f"c-{i:03d}" for i in range(MAX_PLACES)]


def test_signatures_grow_in_one_array_whatever_the_batches():
    import numpy as np

    from services.release.checks.duplicates import BINS, _Signatures

    grown, sized = _Signatures(None), _Signatures(3000)
    batches = [np.full((n, BINS), n, dtype=np.uint64) for n in (1000, 1, 2000)]
    for batch in batches:
        grown.add(batch)
        sized.add(batch)
    assert (grown.table() == np.concatenate(batches)).all() and (sized.table() == grown.table()).all()
