"""Who is using the dashboard and what they may do (`services.hub.access`): Streamlit's OpenID Connect
sign-in with roles, or the publishing password, or nobody; the sidebar's account and Log out; the
whole dashboard behind the sign-in when the deployment asks for it.

Owns the `access.*` session keys and the `sign_in` query parameter the sign-in's return sets
(`components.sign_in_routes`). Pages call `gate(action)` where a guarded action is offered: it
renders what the action needs (a sign-in, the password, or why this account may not) and returns
who acts, or None. `actor_for(action)` asks the same without rendering; `locked_words(action)` says
in one line what would unlock it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import streamlit as st

from components.hub import sandbox
from components.secrets import app_secrets
from services.hub.access import (
    ACTION_WORDS,
    HOW_TO_ENABLE,
    AccessPolicy,
    Action,
    Role,
    may,
    needs,
    password_ok,
    policy_from,
    role_of,
)
from services.hub.sign_in import Provider, config_problem, provider_problem, providers

UNLOCKED_KEY = "access.unlocked"
PASSWORD_KEY = "access.password"
FAILED_KEY = "access.failed"
RETURN_PARAM = "sign_in"  # set by the sign-in's return: "failed" or "unavailable"
FAILED_WAIT = 1.0  # seconds after a wrong password: guessing stays slow
PROVIDER_TTL = 30  # seconds a provider's answer (up or down) is trusted
SANDBOX_ACTOR = "sandbox owner (local)"
PASSWORD_ACTOR = "password holder"
RETURN_WORDS = {
    "failed": "**Sign-in did not complete**: the provider refused it or it was cancelled. Nothing was changed; "
              "you can try again.",
    "unavailable": "**Sign-in is unavailable right now**: the sign-in provider did not answer. Reading and "
                   "previewing still work; try again in a minute.",
}


def policy() -> AccessPolicy:
    """The secrets' policy (login with roles, a password, or nobody)."""
    return policy_from(app_secrets())


@dataclass(frozen=True)
class Account:
    """A signed-in user: their address, their role, or why they have none."""

    email: str | None
    role: Role | None
    refusal: str | None


def signed_in() -> Account | None:
    """The signed-in user (login mode), or None."""
    current = policy()
    if current.mode != "login" or not st.user.is_logged_in:
        return None
    email = st.user.get("email")
    role, why = role_of(current, str(email) if email else None, st.user.get("email_verified"))
    return Account(str(email) if email else None, role, why)


def actor_for(action: Action) -> str | None:
    """Who may do `action` in this session, without rendering anything; None when nobody here may."""
    if sandbox.active():
        return SANDBOX_ACTOR
    current = policy()
    if current.mode == "login":
        account = signed_in()
        return account.email if account is not None and may(account.role, action) else None
    if current.mode == "password" and st.session_state.get(UNLOCKED_KEY):
        return PASSWORD_ACTOR
    return None


def locked_words(action: Action) -> str:
    """One line saying what would let this session do `action`."""
    current = policy()
    if current.mode == "login":
        account = signed_in()
        if account is None:
            return f"Sign in as {needs(action)} to {ACTION_WORDS[action]}."
        words = ACTION_WORDS[action]
        return f"{words[0].upper()}{words[1:]} needs the {needs(action)} role; you are signed in as " \
               f"{account.email} ({account.role or 'no role'})."
    if current.mode == "password":
        return f"Unlock with the publishing password to {ACTION_WORDS[action]}."
    return f"Nobody may {ACTION_WORDS[action]} yet: the dashboard is read-only."


# --- sign-in -----------------------------------------------------------------------------------------
@st.cache_data(ttl=PROVIDER_TTL, show_spinner=False)
def _provider_problem(name: str | None, metadata_url: str) -> str | None:
    return provider_problem(Provider(name, metadata_url))


def _auth() -> dict:
    auth = app_secrets().get("auth")
    return auth if isinstance(auth, dict) else {}


def sign_in_prompt(purpose: str, key: str, compact: bool = False) -> None:
    """What a sign-in needs, in words: a configuration that cannot work, a provider that is down, or
    the Log in button (one per provider). `compact`: a caption rather than a box (the sidebar)."""
    auth = _auth()
    if problem := config_problem(auth):
        st.error(f"**Sign-in is configured but cannot work**: {problem}. Reading and previewing still work.",
                 icon=":material/no_accounts:")
        return
    configured = providers(auth)
    for provider in configured:
        if down := _provider_problem(provider.name, provider.metadata_url):
            st.warning(f"**Sign-in is unavailable right now**: {down}. Reading and previewing still work; try "
                       "again in a minute.", icon=":material/cloud_off:")
            st.button("Try again", key=f"{key}.retry", icon=":material/refresh:", on_click=_provider_problem.clear)
            return
    if compact:
        st.caption(f":material/login: {purpose}")
    else:
        st.info(purpose, icon=":material/login:")
    for provider in configured:
        label = "Log in" if provider.name is None or len(configured) == 1 else f"Log in with {provider.name}"
        st.button(label, key=f"{key}.login.{provider.name or 'default'}", icon=":material/login:",
                  on_click=st.login, args=(provider.name,) if provider.name else ())


def _check_password() -> None:
    given = st.session_state.get(PASSWORD_KEY, "")
    st.session_state[PASSWORD_KEY] = ""  # never kept in the session
    if password_ok(policy(), given):
        st.session_state[UNLOCKED_KEY] = True
    else:
        time.sleep(FAILED_WAIT)
        st.session_state[UNLOCKED_KEY] = False
        st.session_state[FAILED_KEY] = True


def _password_gate(action: Action) -> str | None:
    if st.session_state.get(UNLOCKED_KEY):
        c1, c2 = st.columns([4, 1], vertical_alignment="center")
        c1.caption(":material/lock_open: Unlocked with the publishing password for this session: you act as the "
                   "owner.")
        if c2.button("Lock", key=f"access.lock.{action}"):
            st.session_state[UNLOCKED_KEY] = False
            st.rerun()
        return PASSWORD_ACTOR
    st.caption(f":material/lock: {locked_words(action)}")
    with st.form(f"access.form.{action}", border=True):
        st.text_input("Publishing password", type="password", key=PASSWORD_KEY)
        st.form_submit_button("Unlock publishing", icon=":material/lock_open:", on_click=_check_password)
    if st.session_state.pop(FAILED_KEY, False):
        st.error("Wrong password.")
    return None


def gate(action: Action) -> str | None:
    """Render what `action` needs here; return who acts when this session may do it. In the sandbox the
    local owner needs no guard: it protects the real Hub and the real leads, and nothing here is either."""
    if sandbox.active():
        st.caption(":material/science: In the sandbox the local owner acts without a sign-in or password: that "
                   "guard protects the real Hub and the real leads, and nothing here leaves this machine.")
        return SANDBOX_ACTOR
    current = policy()
    if current.mode == "none":
        st.info(HOW_TO_ENABLE, icon=":material/lock:")
        return None
    if current.mode == "password":
        return _password_gate(action)
    account = signed_in()
    if account is None:
        sign_in_prompt(f"Sign in to {ACTION_WORDS[action]}: it needs the {needs(action)} role.", f"access.{action}")
        return None
    if account.role is None:
        st.error(f"**Signed in, but not allowed**: {account.refusal}", icon=":material/person_off:")
        return None
    if not may(account.role, action):
        st.info(f":material/badge: {locked_words(action)}")
        return None
    st.caption(f":material/verified_user: Signed in as **{account.email}** ({account.role})")
    return account.email


# --- every page: the account in the sidebar, the sign-in's return, the whole dashboard if asked ----------
def sidebar_account() -> None:
    """Who is signed in, their role, and Log out — for anyone signed in, on every page; Log in for the
    others where the dashboard signs people in."""
    if policy().mode != "login":
        return
    account = signed_in()
    with st.sidebar:
        if account is None:
            sign_in_prompt("Not signed in: reading and previewing are open; the owner and marketing roles sign "
                           "in here.", "access.sidebar", compact=True)
            return
        st.caption(f":material/account_circle: Signed in as **{account.email or 'an account without email'}** · "
                   f"{account.role or 'no role'}")
        st.button("Log out", key="access.logout", icon=":material/logout:", on_click=st.logout)


def return_notice() -> None:
    """What the sign-in's return says (it failed, or the provider was down), once, on the page it left."""
    said = st.query_params.get(RETURN_PARAM)
    if said is None:
        return
    del st.query_params[RETURN_PARAM]
    if said == "unavailable":
        _provider_problem.clear()  # ask the provider again rather than trust an older "it answers"
    if said in RETURN_WORDS:
        st.warning(RETURN_WORDS[said], icon=":material/no_accounts:")


def dashboard_open() -> bool:
    """Whether this visitor may see the pages: always, unless `[access] require_login` asks for a signed-in
    user with a role (then the sign-in is shown instead)."""
    current = policy()
    if current.mode != "login" or not current.require_login:
        return True
    account = signed_in()
    if account is not None and account.role is not None:
        return True
    st.title("Lead Magnet Studio")
    if account is None:
        sign_in_prompt("This dashboard is for the team: sign in to open it.", "access.dashboard")
    else:
        st.error(f"**Signed in, but not allowed**: {account.refusal}", icon=":material/person_off:")
    return False
