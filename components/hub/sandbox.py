"""Which Hub the studio talks to — the real one, or the local sandbox — and the sidebar's word on it.

Owns the `hub.sandbox` key (the sidebar's toggle). The sandbox is on by default when no Hub token
is configured (or `STUDIO_SANDBOX=1`), so every page shows what it does out of the box; an owner
with a token may switch to it to rehearse, and back. Each world keeps its own records
(`services.records`): switching never mixes them.
"""

from __future__ import annotations

import streamlit as st

from components.secrets import app_secrets
from services.hub.config import HubConfigError, hub_endpoint, hub_settings
from services.sandbox import runtime
from services.sandbox.runtime import BANNER, Sandbox

USE_KEY = "hub.sandbox"
CONFIRM_KEY = "hub.sandbox.confirm"  # the reset was asked for: the sidebar asks to confirm it


def _has_token() -> bool:
    try:
        hub_settings(app_secrets())
    except HubConfigError:  # no token, or a malformed setting
        return False
    return True


def default_on() -> bool:
    """The sandbox unless a token is configured (or `STUDIO_SANDBOX=1` asks for it anyway)."""
    return runtime.wanted() or not _has_token()


def active() -> bool:
    """Whether this session works against the sandbox."""
    if USE_KEY not in st.session_state:
        st.session_state[USE_KEY] = default_on()
    return bool(st.session_state[USE_KEY])


def in_use() -> Sandbox:
    """The sandbox, ready for reads and writes (started, and seeded on its first run, when the server's
    lifespan has not done it; a page that needs it waits for the story with a spinner)."""
    sandbox = runtime.in_this_process()
    if sandbox is not None and sandbox.ready.is_set():
        return sandbox
    with st.spinner("Setting up the sandbox (the first time: two releases and three weeks of traction)…"):
        return runtime.ready_sandbox()


def address() -> str:
    """The sandbox Hub's address, at once (cards link their siblings there): the story is seeded in the
    background meanwhile if nobody has started it."""
    sandbox = runtime.answering()
    if not sandbox.ready.is_set() and not sandbox.seeding:
        runtime.start_in_background()
    return sandbox.url


def _reset() -> None:
    st.session_state[CONFIRM_KEY] = False
    with st.spinner("Resetting the sandbox…"):
        in_use().reset()
    st.cache_data.clear()  # every page's reads of the old sandbox
    st.session_state.pop("publish.dry_run", None)
    st.session_state.pop("publish.result", None)
    st.toast("The sandbox starts over: the seeded story is back.", icon=":material/restart_alt:")


def sidebar_panel() -> None:
    """Which Hub is in use, the toggle between the two, and the sandbox's reset."""
    with st.sidebar:
        st.subheader("Hub")
        on = active()
        token = _has_token()
        st.toggle("Sandbox", key=USE_KEY, help="A local Hub on 127.0.0.1 with a seeded story: publish, gate and "
                  "read traction without sending anything anywhere. Its records are kept apart from the real "
                  "ones." + ("" if token else " Add a Hub token to publish for real (docs/sandbox.md says how)."))
        if on:
            address()  # answering at once; its story seeded in the background if nobody has started it
            sandbox = runtime.answering()
            if not sandbox.ready.is_set():
                st.caption(":material/science: **Sandbox Hub**: setting up its story (the first run only)…")
            else:
                st.caption(f":material/science: **Sandbox Hub** at {sandbox.url} · records in "
                           f"`{sandbox.folder.name}/`")
                _reset_control()
        elif token:  # the configured Hub's address, read here: the client's module builds on this one
            st.caption(f":material/cloud: **{hub_endpoint(app_secrets())}** with the configured token")
        else:
            st.caption(":material/cloud_off: No Hub: no token is configured, so nothing can be published. "
                       "Turn the sandbox on to rehearse.")


def _reset_control() -> None:
    """A reset asks once, in place, and the question goes away with the answer (a popover would stay
    open over the page after the reset)."""
    if not st.session_state.get(CONFIRM_KEY):
        st.button("Reset sandbox", icon=":material/restart_alt:", key="hub.sandbox.ask",
                  on_click=lambda: st.session_state.update({CONFIRM_KEY: True}))
        return
    st.caption("Remove every rehearsal and start over from the seeded story?")
    left, right = st.columns(2)
    left.button("Reset", type="primary", key="hub.sandbox.reset", on_click=_reset)
    right.button("Cancel", key="hub.sandbox.cancel", on_click=lambda: st.session_state.update({CONFIRM_KEY: False}))


def banner() -> None:
    """Above every page while the sandbox is on: nobody mistakes a rehearsal for a release. (A coloured
    line, not an alert: a page's own warnings stay its first.)"""
    if active():
        sandbox = runtime.answering()
        where = f" ({sandbox.url})"
        note = f" {sandbox.note}." if sandbox.note else ""
        st.markdown(f":orange-background[:material/science: **{BANNER}.**] Publishing, leads, traction and feedback "
                    f"here are the local sandbox's{where}: a seeded, fictional story to rehearse on.{note}")
