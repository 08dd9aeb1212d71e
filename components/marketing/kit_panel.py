"""The marketing kit on the Samples page: share image, excerpt, viewer link, and who to feature.

Owns the `kit.*` session-state keys. Everything is cut from the tier's released rows; the image
is rendered once per (dataset, plan, tier, conversation) and kept.
"""

from __future__ import annotations

import streamlit as st

from components.dataset.cache import dataset_key
from components.hub.client import release_records
from components.release.builds import card_text, featured_rows, released_row, released_tiers
from services.dataset.loader import LoadedDataset
from services.errors import StudioError
from services.hub.history import latest_published
from services.marketing import kit
from services.release.errors import ReleaseError
from services.strategy.plans import Plan
from services.strategy.sampling import TierSelection

TIER_KEY = "kit.tier"
BUILD_KEY = "kit.build"  # the tiers the user asked to build (a set)
BUILD_AT_ONCE = 5_000  # conversations: a larger tier's files are written when asked, not on opening the page


def _built_when_asked(chosen: dict[str, TierSelection], tier: str, where: str) -> bool:
    """Whether the tier's files may be built now: a small tier at once; a large one (minutes, at hundreds of
    thousands of conversations) once asked, here or anywhere on the page, and from then on."""
    asked: set[str] = st.session_state.setdefault(BUILD_KEY, set())
    n = chosen[tier].conversations
    if n <= BUILD_AT_ONCE or tier in asked:
        return True
    st.caption(f"'{tier}' holds {n:,} conversations: its files are written (a few minutes at this size) "
               "before anything is cut from them.")
    if st.button(f"Build '{tier}'", key=f"{BUILD_KEY}.{where}.{tier}", icon=":material/build:"):
        asked.add(tier)
        return True
    return False


@st.cache_data(max_entries=32, show_spinner="Drawing the share image…")
def _share_png(key: str, excerpt_json: str) -> bytes:
    return kit.share_png(kit.Excerpt.model_validate_json(excerpt_json))


def _viewer(tier: str, row: int) -> str | None:
    try:
        record = latest_published(release_records(), tier)
    except StudioError:  # the record is unreachable: the link is a convenience, not the kit
        return None
    if record is None:
        return None
    endpoint = record.url.split("/datasets/")[0] if record.url and "/datasets/" in record.url else kit.HUB
    return kit.viewer_link(record.repo_id, row, endpoint=endpoint)


def share_kit(ds: LoadedDataset, plan: Plan, chosen: dict[str, TierSelection], conversation_id: str) -> None:
    """The kit of one conversation, from a released tier that holds it."""
    tiers = [t for t in released_tiers(plan, chosen) if conversation_id in chosen[t].conversation_ids]
    if not tiers:
        st.caption("This conversation is in no released tier of the plan: there is nothing to share.")
        return
    tier = st.selectbox("Share from tier", tiers, key=TIER_KEY)
    if not _built_when_asked(chosen, tier, "kit"):
        return
    try:
        index, row = released_row(ds, plan, chosen, tier, conversation_id)
        excerpt = kit.excerpt_of(row, card_text(tier).title)
    except ReleaseError as exc:
        st.caption(f"{exc}.")
        return
    png = _share_png(dataset_key(ds), excerpt.model_dump_json())
    st.image(png, caption="Share image (1080 × 1350)", width=240)
    c1, c2 = st.columns(2)
    c1.download_button("Image", png, file_name=f"{conversation_id}.png", mime="image/png",
                       icon=":material/image:", key="kit.png", on_click="ignore", width="stretch")
    text = kit.excerpt_text(excerpt)
    c2.download_button("Excerpt", text, file_name=f"{conversation_id}.txt", mime="text/plain",
                       icon=":material/notes:", key="kit.text", on_click="ignore", width="stretch")
    with st.expander("Excerpt to paste"):
        st.code(text, language=None, wrap_lines=True)
    link = _viewer(tier, index)
    if link:
        st.markdown(f"[This row in the Hub's dataset viewer]({link})")
    else:
        st.caption(f"Once '{tier}' is published, the link to this row in the Hub's dataset viewer appears here.")


def featured_list(ds: LoadedDataset, plan: Plan, chosen: dict[str, TierSelection], tier: str,
                  open_conversation: str) -> None:
    """The tier's best conversations to feature, each one click from its kit."""
    if not _built_when_asked(chosen, tier, "featured"):
        return
    for r in featured_rows(ds, plan, chosen, tier):
        cid = r["conversation_id"]
        quality = "not scored" if r["quality"] is None else f"{r['quality']:.2f}"
        label = f"{r['persona_name']} · {r['arc_name']} · quality {quality}"
        if st.button(label, key=f"kit.featured.{cid}", icon=":material/star:", width="stretch",
                     disabled=cid == open_conversation):
            st.query_params["conversation"] = cid
            st.rerun()
