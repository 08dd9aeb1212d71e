"""The inbox on the page: filters, each thread with its comments, a link to it, and the reply.

Owns the `feedback.*` keys. People's words are shown as text (`st.text`), never as HTML or markdown:
a title or comment holding `<img onerror=…>`, `<script>` or a markdown image stays inert. A reply is
the owner's own markdown: it is previewed, then sent after a confirmation, behind the publish guard.
"""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from components.access import locked_words
from services.feedback.models import FeedbackRead, Thread
from services.hub.config import HubSettings

REPO_KEY, THEME_KEY, STATUS_KEY, ANSWERED_KEY = ("feedback.repos", "feedback.themes", "feedback.status",
                                                 "feedback.answered")
LAST_REPLY_KEY = "feedback.last_reply"
ANSWERED = {"Unanswered": False, "Answered": True}
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$])")


def plain(text: str) -> str:
    """Text for a label that Streamlit reads as markdown: every markdown character escaped."""
    return _MARKDOWN.sub(r"\\\1", " ".join(text.split()))


def filtered(read: FeedbackRead, names: dict[str, str] | None = None) -> list[Thread]:
    """The filters, then the threads they keep (unanswered first, oldest first). Themes are offered by
    name (`names`: key → name), chosen by key."""
    threads = read.threads()
    named = names or {}
    c1, c2, c3, c4 = st.columns(4)
    repos = c1.multiselect("Repo", sorted({t.repo_id for t in threads}), key=REPO_KEY)
    themes = c2.multiselect("Theme", sorted({th for t in threads for th in t.themes}, key=lambda k: named.get(k, k)),
                            key=THEME_KEY, format_func=lambda k: named.get(k, k))
    status = c3.multiselect("Status", sorted({t.status for t in threads}), key=STATUS_KEY)
    answered = c4.segmented_control("Answered", list(ANSWERED), key=ANSWERED_KEY)
    return [t for t in threads if (not repos or t.repo_id in repos) and (not themes or set(themes) & set(t.themes))
            and (not status or t.status in status) and (answered is None or t.answered == ANSWERED[answered])]


def table(threads: list[Thread]) -> pd.DataFrame:
    """The threads as rows (for the CSV and a glance)."""
    return pd.DataFrame([{"answered": t.answered, "repo": t.repo_id, "num": t.num, "title": t.title,
                          "author": t.author, "opened": t.created_at, "status": t.status,
                          "themes": ", ".join(t.themes), "comments": len(t.comments), "url": t.url}
                         for t in threads],
                        columns=["answered", "repo", "num", "title", "author", "opened", "status", "themes",
                                 "comments", "url"])


def thread_view(t: Thread, index: int, actor: str | None, reply_to: ReplyAction | None,
                names: dict[str, str] | None = None) -> None:
    """One thread: state, themes with their words, every comment as text, the link, the reply."""
    state = "answered" if t.answered else f"unanswered · {t.waiting()} old"
    kind = "pull request" if t.is_pull_request else "discussion"
    with st.expander(f"{'Answered' if t.answered else 'Unanswered'} · {plain(t.repo_id)} #{t.num} · "
                     f"{plain(t.title)}", expanded=not t.answered and index < 3,
                     icon=":material/task_alt:" if t.answered else ":material/mark_chat_unread:"):
        st.caption(f"{kind} · {t.status} · {state} · opened by {plain(t.author)} on {t.created_at:%Y-%m-%d}")
        for match in t.matches:
            st.caption(f":material/sell: **{plain((names or {}).get(match.theme, match.theme))}** — matched: "
                       f"{plain(', '.join(match.words))}")
        for comment in t.comments:
            with st.container(border=True):
                who = plain(comment.author) + (" (team)" if comment.owner_side else "")
                st.caption(f"{who} · {comment.created_at:%Y-%m-%d %H:%M}" + (" · edited" if comment.edited else ""))
                if comment.hidden:
                    st.caption(":material/visibility_off: A hidden comment: its text is not shown.")
                else:
                    st.text(comment.text)
        st.link_button("Open on the Hub", t.url, icon=":material/open_in_new:")
        if reply_to is not None:
            reply_form(t, index, actor, reply_to)


class ReplyAction:
    """What the page does to send a reply (the Hub client and who signs it), kept out of the widgets."""

    def __init__(self, settings: HubSettings, send) -> None:
        self.settings = settings
        self.send = send  # (thread, text) -> str | None: an error in words, or None when it landed


def reply_form(t: Thread, index: int, actor: str | None, action: ReplyAction) -> None:
    """Write, preview, confirm, send: only for the owner."""
    if actor is None:
        st.caption(f":material/lock: {locked_words('reply')}")
        return
    key = f"feedback.reply.{t.repo_id}.{t.num}"
    # One form: the words, where they go, and one click to send them (no step waits for Ctrl+Enter).
    with st.form(f"{key}.form", border=False):
        text = st.text_area("Your reply (markdown)", key=f"{key}.text", max_chars=5000)
        confirm = st.checkbox(f"Post this reply on {t.repo_id} #{t.num}, as the company's Hub account",
                              key=f"{key}.confirm")
        sent = st.form_submit_button("Send the reply", key=f"{key}.send", type="primary", icon=":material/send:")
    if not sent:
        return
    if not text.strip():
        st.warning("Write the reply first: nothing was posted.", icon=":material/edit:")
    elif not confirm:
        st.warning("Tick the box to say where it goes (it posts as the company): nothing was posted.",
                   icon=":material/check_box_outline_blank:")
        st.caption("Preview, as the Hub will show it:")
        with st.container(border=True):
            st.markdown(text)  # the owner's own words
    elif error := action.send(t, text):
        st.error(f"**The reply was not posted.** {error}", icon=":material/error:")
    else:
        st.session_state[LAST_REPLY_KEY] = f"{t.repo_id} #{t.num}"
        for suffix in (".text", ".confirm"):
            st.session_state.pop(key + suffix, None)
        st.rerun()


def last_reply() -> None:
    """Say, once, which thread the last reply went to (after the rerun that read it answered)."""
    where = st.session_state.pop(LAST_REPLY_KEY, None)
    if where:
        st.success(f"Replied on {where}: the thread now reads answered.", icon=":material/check:")
