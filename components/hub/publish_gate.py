"""The guard in front of the Publish button: a login with an allowed email, or the password.

Owns the `publish_gate.*` keys. Returns who is publishing, or None (and says why on the page).
"""

from __future__ import annotations

import time

import streamlit as st
from streamlit.errors import StreamlitSecretNotFoundError

from components.hub import sandbox
from services.hub.access import HOW_TO_ENABLE, AccessPolicy, email_allowed, password_ok, policy_from

UNLOCKED_KEY = "publish_gate.unlocked"
PASSWORD_KEY = "publish_gate.password"
FAILED_WAIT = 1.0  # seconds after a wrong password: guessing stays slow
SANDBOX_ACTOR = "sandbox owner (local)"


def _secrets() -> dict:
    try:
        return st.secrets.to_dict()
    except StreamlitSecretNotFoundError:
        return {}


def policy() -> AccessPolicy:
    return policy_from(_secrets())


def _check_password() -> None:
    given = st.session_state.get(PASSWORD_KEY, "")
    st.session_state[PASSWORD_KEY] = ""  # never kept in the session
    if password_ok(policy(), given):
        st.session_state[UNLOCKED_KEY] = True
    else:
        time.sleep(FAILED_WAIT)
        st.session_state[UNLOCKED_KEY] = False
        st.session_state["publish_gate.failed"] = True


def publisher() -> str | None:
    """Render the guard; return the publisher's name when publishing is allowed. In the sandbox the
    local owner needs no guard: it protects the real Hub, and nothing here leaves the machine."""
    if sandbox.active():
        st.caption(":material/science: In the sandbox the local owner publishes without the login or password: "
                   "that guard protects the real Hub, and nothing here leaves this machine.")
        return SANDBOX_ACTOR
    current = policy()
    if current.mode == "none":
        st.info(HOW_TO_ENABLE, icon=":material/lock:")
        return None
    if current.mode == "login":
        if not st.user.is_logged_in:
            st.info("Log in to publish. Reading and previewing need no login.", icon=":material/lock:")
            st.button("Log in", icon=":material/login:", on_click=st.login, key="publish_gate.login")
            return None
        email = st.user.get("email")
        if not email_allowed(current, email):
            st.error(f"{email or 'This account'} is not allowed to publish (not in `[publishing] allowed_emails`).")
            st.button("Log out", on_click=st.logout, key="publish_gate.logout")
            return None
        st.caption(f":material/verified_user: Signed in as **{email}**")
        return str(email)
    if st.session_state.get(UNLOCKED_KEY):
        c1, c2 = st.columns([4, 1], vertical_alignment="center")
        c1.caption(":material/lock_open: Publishing unlocked with the password for this session.")
        if c2.button("Lock", key="publish_gate.lock"):
            st.session_state[UNLOCKED_KEY] = False
            st.rerun()
        return "password holder"
    with st.form("publish_gate.form", border=True):
        st.text_input("Publishing password", type="password", key=PASSWORD_KEY)
        st.form_submit_button("Unlock publishing", icon=":material/lock_open:", on_click=_check_password)
    if st.session_state.pop("publish_gate.failed", False):
        st.error("Wrong password.")
    return None
