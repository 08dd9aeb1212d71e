"""Supabase settings: where they come from, how they fail, and that the key never shows."""

from __future__ import annotations

import pytest

from services.supabase.config import key_role, settings_from, settings_from_env
from services.supabase.errors import SupabaseConfigError
from tests.support import jwt

KEY = jwt.api_key("service_role", "s3cret-for-tests-at-least-32-bytes-long")


def test_settings_from_a_secrets_section():
    s = settings_from({"url": "https://abc.supabase.co/", "key": KEY})
    assert s.url == "https://abc.supabase.co"
    assert s.host == "abc.supabase.co"
    assert s.role == "service_role"
    assert s.key.get_secret_value() == KEY


def test_the_key_is_hidden_in_every_rendering():
    s = settings_from({"url": "https://abc.supabase.co", "key": KEY})
    for text in (str(s), repr(s), s.model_dump_json(), str(s.model_dump())):
        assert KEY not in text
    assert s.redact(f"server said: Bearer {KEY}") == "server said: Bearer [key]"


def test_bad_settings_name_the_field_not_the_value():
    with pytest.raises(SupabaseConfigError) as err:
        settings_from({"url": "abc.supabase.co", "key": KEY})
    assert "`url`" in str(err.value) and "http(s) URL" in str(err.value)
    assert KEY not in str(err.value)
    with pytest.raises(SupabaseConfigError, match="`key`"):
        settings_from({"url": "https://abc.supabase.co"})


def test_environment():
    assert settings_from_env({}) is None
    s = settings_from_env({"SUPABASE_URL": "http://localhost:54321", "SUPABASE_KEY": KEY}, retries=0)
    assert s is not None and s.host == "localhost:54321" and s.retries == 0
    with pytest.raises(SupabaseConfigError, match="SUPABASE_KEY is not set"):
        settings_from_env({"SUPABASE_URL": "http://localhost:54321"})


@pytest.mark.parametrize(("key", "role"), [
    (jwt.api_key("anon", "x" * 32), "anon"),
    (jwt.api_key("authenticated", "x" * 32), "authenticated"),
    ("sb_secret_abcdef", "service_role"),
    ("sb_publishable_abcdef", "anon"),
    ("not-a-jwt", None),
    ("a.b.c", None),
])
def test_key_role(key, role):
    assert key_role(key) == role
