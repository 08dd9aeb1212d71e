"""Who may publish: login with an allowed email, or the password, or nobody."""

from __future__ import annotations

from services.hub.access import email_allowed, password_ok, policy_from


def test_login_mode_allows_only_listed_emails():
    policy = policy_from({"auth": {"redirect_uri": "x"}, "publishing": {"allowed_emails": ["Owner@Brightrun.ai "]}},
                         environ={})
    assert policy.mode == "login"
    assert email_allowed(policy, "owner@brightrun.ai") and email_allowed(policy, "OWNER@brightrun.ai")
    assert not email_allowed(policy, "intern@brightrun.ai") and not email_allowed(policy, None)
    assert not password_ok(policy, "anything")


def test_password_mode_from_secrets_or_environment():
    policy = policy_from({"publishing": {"password": "correct horse"}}, environ={})
    assert policy.mode == "password"
    assert password_ok(policy, "correct horse")
    assert not password_ok(policy, "correct hors") and not password_ok(policy, "") and not email_allowed(policy, "a@b")
    assert "correct horse" not in repr(policy) and "correct horse" not in policy.model_dump_json()
    env = policy_from({}, environ={"STUDIO_PUBLISH_PASSWORD": "from env"})
    assert env.mode == "password" and password_ok(env, "from env")


def test_nothing_configured_means_nobody_publishes():
    policy = policy_from({}, environ={})
    assert policy.mode == "none"
    assert not password_ok(policy, "") and not email_allowed(policy, "owner@brightrun.ai")
