"""The Publish page's rules: the options as typed, the gate, the verdict of the checks, the button."""

from __future__ import annotations

import pytest

from services.hub.errors import HubError
from services.hub.publish import PublishOptions
from services.hub.readiness import (
    BAD_OPTIONS,
    blocked_why,
    checks_verdict,
    default_message,
    gating_warning,
    identity_problem,
    planned_gate,
    publish_options,
    release_identity,
    with_landing_check,
)
from services.release.checks.report import CheckResult, Override, TierReport
from services.strategy import presets


def _report(*statuses: str, overridden: bool = False) -> TierReport:
    checks = [CheckResult(name=f"c{i}", status=s, summary="") for i, s in enumerate(statuses)]  # type: ignore[arg-type]
    overrides = [Override(tier="t", checks=[c.name for c in checks if c.status == "block"],
                          confirmation="publish t anyway")] if overridden else []
    return TierReport(tier="t", checks=checks, overrides=overrides)


def test_options_as_typed_are_trimmed():
    options = publish_options("  brightrun/eq  ", True, "manual", " Release v1 ")
    assert options == PublishOptions(repo_id="brightrun/eq", private=True, gated="manual", commit_message="Release v1")


def test_an_empty_commit_message_is_said_in_one_sentence():
    assert publish_options("org/name", False, "off", "   ") == BAD_OPTIONS


@pytest.mark.parametrize(("repo", "words"), [
    ("no-slash", "is not ORG/NAME"), ("a/b/c", "is not ORG/NAME"), ("org/-x", "cannot start or end with '-'"),
    ("org/éq", "ASCII letters"), ("org/eq--x", "Cannot have -- or .."), ("org/x.git", "cannot end by '.git'"),
    ("org/" + "a" * 97, "maximum length is 96"),
])
def test_a_repo_id_the_hub_would_refuse_is_refused_before_any_call(repo, words):
    """Issue #12: these passed the studio's check and failed inside the client (huggingface_hub's rules)."""
    said = publish_options(repo, False, "off", "m")
    assert isinstance(said, str) and said.startswith("The repo cannot be published there: ") and words in said
    with pytest.raises(ValueError, match="repo_id"):
        PublishOptions(repo_id=repo, commit_message="m")


def test_the_plan_decides_the_gate_and_ungating_warns():
    hybrid = presets.preset_hybrid().tiers[0]
    public = presets.preset_giveaway().tiers[0]
    assert (planned_gate(hybrid), planned_gate(public)) == ("auto", "off")
    assert "without the access form" in (gating_warning(hybrid, "off") or "")
    assert gating_warning(hybrid, "manual") is None and gating_warning(public, "off") is None


def test_the_default_message_states_the_figures():
    assert default_message("preview", 1234, 5678) == "Release preview: 1,234 conversations, 5,678 supervised examples"


def test_the_release_identity_follows_the_manifest():
    a, b = release_identity("o/r", b'{"files": 1}'), release_identity("o/r", b'{"files": 2}')
    assert a != b and a.startswith("o/r:") and release_identity("o/x", b'{"files": 1}') != a


def test_the_verdict_of_the_checks():
    assert checks_verdict("t", _report("pass", "block")).level == "blocked"
    assert checks_verdict("t", _report("block", overridden=True)).level == "overridden"
    passed = checks_verdict("t", _report("pass", "warn"))
    assert passed.level == "passed" and passed.text.endswith("(with warnings).")


def test_the_first_reason_the_owner_must_fix_switches_the_button_off():
    blocked, clean = _report("block"), _report("pass")
    assert blocked_why(blocked, can_write=False, unlocked=False) == "the checks block this tier"
    assert blocked_why(clean, can_write=False, unlocked=False) == "the token cannot write there"
    assert blocked_why(clean, can_write=True, unlocked=False).startswith("publishing needs the owner")
    assert blocked_why(clean, can_write=True, unlocked=True) is None
    assert blocked_why(_report("block", overridden=True), can_write=True, unlocked=True) is None


@pytest.mark.parametrize(("code", "start"), [
    ("bad_token", "**The Hub token does not work.**"), ("no_write", "**The Hub token does not work.**"),
    ("network", "**The Hub cannot be reached right now"), ("timeout", "**The Hub cannot be reached right now"),
    ("server_error", "**The Hub cannot be reached right now"), ("hub_error", "**The Hub did not say"),
])
def test_a_failed_connection_is_never_called_a_bad_token(code, start):
    """Issue #12: the Publish page said "The Hub token does not work" when the Hub was unreachable."""
    said = identity_problem(HubError(code, "what happened", "checking the token"))
    assert said.startswith(start) and said.endswith("checking the token: what happened")


def test_a_landing_page_with_a_placeholder_privacy_link_blocks_the_publish_and_says_where_to_fix_it(demo_dataset):
    from services.release import bundle
    from services.strategy import sampling
    from services.strategy.links import HUB_URL

    plan = presets.preset_billboard().model_copy(update={"privacy_url": "https://example.com/privacy"})
    built = bundle.build_bundle(demo_dataset, plan, sampling.select_plan(demo_dataset, plan)["eq-100"],
                                with_image=False, hub_url=HUB_URL)
    page = '<a href="https://example.com/privacy">privacy</a> <form action="https://abc.supabase.co/rest/v1/leads">'
    report = with_landing_check(TierReport(tier="eq-100", checks=[]), built, page, "abc.supabase.co")
    assert [c.name for c in report.blocking] == ["landing page links"]  # the Supabase host counts as live
    assert blocked_why(report, True, True) == "the checks block this tier"
    verdict = checks_verdict("eq-100", report)
    assert verdict.level == "blocked" and "privacy notice, on the Strategy page" in verdict.text
    assert "https://example.com/privacy" in verdict.text
    fixed = with_landing_check(TierReport(tier="eq-100", checks=[]), built,
                               '<a href="https://brightrun.ai/privacy">privacy</a>', "abc.supabase.co")
    assert not fixed.blocked
