"""Who may do what: roles from the secrets, only verified addresses, the password as the owner, or nobody."""

from __future__ import annotations

import pytest

from services.hub.access import (
    ROLE_ACTIONS,
    may,
    needs,
    password_ok,
    policy_from,
    role_of,
    verified,
)

AUTH = {"redirect_uri": "x"}


def test_login_mode_reads_owners_and_marketing_and_keeps_allowed_emails_as_owners():
    policy = policy_from({"auth": AUTH, "publishing": {"allowed_emails": ["Owner@Brightrun.ai "]},
                          "access": {"owners": ["boss@brightrun.ai"], "require_login": True,
                                     "marketing": ["Mark@Brightrun.ai", "boss@brightrun.ai"]}}, environ={})
    assert policy.mode == "login" and policy.require_login
    assert policy.owners == ["boss@brightrun.ai", "owner@brightrun.ai"]
    assert policy.marketing == ["mark@brightrun.ai"]  # an owner listed twice is an owner
    assert role_of(policy, "OWNER@brightrun.ai", True) == ("owner", None)
    assert role_of(policy, "mark@brightrun.ai", "true") == ("marketing", None)  # some providers send a string
    assert not password_ok(policy, "anything")


@pytest.mark.parametrize(("email", "claim", "words"), [
    ("owner@brightrun.ai", None, "has not verified owner@brightrun.ai"),  # a provider that does not say
    ("owner@brightrun.ai", False, "has not verified"),
    ("owner@brightrun.ai", "false", "has not verified"),
    ("intern@brightrun.ai", True, "intern@brightrun.ai has no role here"),
    (None, True, "gave no email address"),
])
def test_no_role_without_a_verified_listed_address(email, claim, words):
    policy = policy_from({"auth": AUTH, "access": {"owners": ["owner@brightrun.ai"]}}, environ={})
    role, why = role_of(policy, email, claim)
    assert role is None and words in why


def test_what_each_role_may_do():
    assert all(may("owner", action) for action in ("read_leads", "publish", "reply", "decide_access"))
    assert may("marketing", "read_leads")
    assert not any(may("marketing", action) for action in ("publish", "reply", "decide_access"))
    assert not may(None, "read_leads")
    assert needs("read_leads") == "owner or marketing" and needs("publish") == "owner"
    assert set(ROLE_ACTIONS) == {"owner", "marketing"}
    assert verified(True) and verified(" TRUE ") and not verified(1) and not verified("yes")


def test_password_mode_from_secrets_or_environment():
    policy = policy_from({"publishing": {"password": "correct horse"}}, environ={})
    assert policy.mode == "password"
    assert password_ok(policy, "correct horse")
    assert not password_ok(policy, "correct hors") and not password_ok(policy, "")
    assert role_of(policy, "a@b", True)[0] is None
    assert "correct horse" not in repr(policy) and "correct horse" not in policy.model_dump_json()
    env = policy_from({}, environ={"STUDIO_PUBLISH_PASSWORD": "from env"})
    assert env.mode == "password" and password_ok(env, "from env")


def test_nothing_configured_means_nobody_acts():
    policy = policy_from({}, environ={})
    assert policy.mode == "none"
    assert not password_ok(policy, "") and role_of(policy, "owner@brightrun.ai", True)[0] is None
