"""The sign-in's configuration and provider, checked before anyone clicks: each problem a sentence."""

from __future__ import annotations

import pytest

from services.hub.sign_in import Provider, config_problem, provider_problem, providers
from tests.support.oidc_provider import oidc_provider
from tests.support.streamlit_server import free_port

GOOD = {"redirect_uri": "http://127.0.0.1:8501/oauth2callback", "cookie_secret": "s", "client_id": "c",
        "client_secret": "x", "server_metadata_url": "https://login.example/.well-known/openid-configuration"}


@pytest.mark.parametrize(("auth", "words"), [
    ({k: v for k, v in GOOD.items() if k != "redirect_uri"}, "lacks `redirect_uri`"),
    ({k: v for k, v in GOOD.items() if k != "cookie_secret"}, "lacks `cookie_secret`"),
    ({"redirect_uri": "r", "cookie_secret": "s"}, "names no provider"),
    ({k: v for k, v in GOOD.items() if k != "client_secret"}, "`[auth]` lacks `client_secret`"),
    ({"redirect_uri": "r", "cookie_secret": "s", "google": {"client_id": "c", "server_metadata_url": "u"}},
     "`[auth.google]` lacks `client_secret`"),
    ({"redirect_uri": "r", "cookie_secret": "s", "my_idp": {"client_id": "c", "client_secret": "x",
                                                            "server_metadata_url": "u"}}, "underscore"),
])
def test_a_configuration_that_cannot_work_is_said(auth, words):
    assert words in (config_problem(auth) or "")


def test_a_working_configuration_names_its_providers():
    assert config_problem(GOOD) is None
    named = {"redirect_uri": "r", "cookie_secret": "s",
             "google": {"client_id": "c", "client_secret": "x", "server_metadata_url": "https://g/.well-known"}}
    assert providers(named) == [Provider("google", "https://g/.well-known")]
    assert [p.name for p in providers(GOOD)] == [None]


def test_a_provider_that_answers_and_one_that_does_not():
    with oidc_provider({}) as provider:
        assert provider_problem(Provider(None, provider.metadata_url)) is None
        assert "HTTP 404" in provider_problem(Provider(None, f"{provider.url}/nothing-here"))
    nobody = f"http://127.0.0.1:{free_port()}/.well-known/openid-configuration"
    assert "cannot be reached" in provider_problem(Provider(None, nobody), timeout=2)
