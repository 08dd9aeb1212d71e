"""Samples: browse any tier's conversations, open one as a chat, pin it, share a link to it."""

import streamlit as st

from components.dataset.cache import dataset_key
from components.dataset.chat_view import chat_view, quality_aside
from components.dataset.source import current_dataset
from components.marketing.kit_panel import featured_list, share_kit
from components.release.builds import released_tiers
from components.strategy.plan_state import current_plan, feature, pin, selections
from services.dataset.chat import to_messages
from services.dataset.loader import LoadedDataset
from services.dataset.search import TextIndex
from services.strategy.samples import QUERY_PARAM, SampleFilter, pin_state, sample_mask, share_link
from services.strategy.sampling import membership, tier_labels

TIER_KEY = "samples.tier"
TABLE_KEY = "samples.table"
ALL = "all conversations"


@st.cache_resource(max_entries=2, show_spinner="Indexing the text for search…")
def _text_index(dataset_key: str, _ds: LoadedDataset) -> TextIndex:  # _ds: not hashed, keyed by dataset_key
    return TextIndex(_ds)


st.title("Samples")
ds = current_dataset()
plan = current_plan()
chosen = selections(ds, plan)
member = membership(ds, chosen)
table = ds.conversation_table.assign(tiers=tier_labels(member))

with st.sidebar:
    st.subheader("Filter samples")
    tier_choice = st.selectbox("Tier", [ALL, *chosen], key=TIER_KEY)
    personas = st.multiselect("Persona", sorted(table["persona_name"].unique()), key="samples.personas")
    arcs = st.multiselect("Emotional arc", sorted(table["arc_name"].unique()), key="samples.arcs")
    topics = st.multiselect("Topic", sorted(table["topic_name"].unique()), key="samples.topics")
    min_quality = st.slider("Minimum quality", 0.0, 5.0, 0.0, 0.1, key="samples.min_quality")
    query = st.text_input("Search the text", key="samples.query", placeholder="e.g. emergency fund")

chosen_filter = SampleFilter(tier=None if tier_choice == ALL else tier_choice, personas=tuple(personas),
                             arcs=tuple(arcs), topics=tuple(topics), min_quality=min_quality, query=query)
index = _text_index(dataset_key(ds), ds) if query.strip() else None
shown = table[sample_mask(table, member, chosen_filter, index)]

released = released_tiers(plan, chosen)
if released:
    feature_tier = tier_choice if tier_choice in released else released[0]
    with st.expander(f"Best conversations to feature in '{feature_tier}' (by quality, in the tier's arc mix)"):
        featured_list(ds, plan, chosen, feature_tier, st.query_params.get(QUERY_PARAM, ""))

st.caption(f"{len(shown):,} of {len(table):,} conversations"
           + ("" if tier_choice == ALL else f" in tier **{tier_choice}**") + ". Select a row to open it.")
event = st.dataframe(
    shown[["conversation_id", "persona_name", "arc_name", "topic_name", "turns", "supervised_examples", "quality",
           "tiers"]],
    hide_index=True, width="stretch", height=280, on_select="rerun", selection_mode="single-row", key=TABLE_KEY,
    column_config={  # every column in view at 1280 px: the id's start is enough to tell rows apart
        "conversation_id": st.column_config.TextColumn("Conversation", width="small",
                                                       help="Its id: open it for the whole id and a link"),
        "persona_name": "Persona", "arc_name": "Arc", "topic_name": "Topic",
        "turns": st.column_config.NumberColumn("Turns", width="small"),
        "supervised_examples": st.column_config.NumberColumn("Examples", width="small"),
        "quality": st.column_config.NumberColumn("Quality", format="%.2f", width="small"), "tiers": "In tiers"})

rows = event.selection.rows if event is not None else []
if rows:
    st.query_params[QUERY_PARAM] = shown.iloc[rows[0]]["conversation_id"]
opened = st.query_params.get(QUERY_PARAM)

if not opened:
    st.info("Open a conversation from the table, or with a shared link.", icon=":material/forum:")
    st.stop()
conv = ds.conversation(opened)
if conv is None:
    st.error(f"The shared link names conversation `{opened}`, which is not in the loaded dataset "
             f"({ds.name}). Load the dataset it came from, or pick another conversation.")
    st.stop()

row = table.set_index("conversation_id").loc[opened]
st.divider()
st.subheader(f"{row['persona_name']} · {row['arc_name']}")
st.code(share_link(getattr(st.context, "url", "") or "", opened), language=None)
st.caption("Share this link: it opens this conversation directly.")

left, right = st.columns([5, 2])
with left:
    messages = to_messages(conv, keep_trailing_user=True)
    chat_view(messages, trailing_dropped=bool(row["ends_on_user"]))
with right:
    quality_aside(row)
    st.markdown("**In tiers:** " + (row["tiers"] or "none"))
    tier = st.selectbox("Tier to change", list(chosen), key="samples.action_tier")
    sel = plan.tier(tier).selection
    state = pin_state(sel, opened)
    st.caption(f"In '{tier}': {state}.")
    c1, c2, c3 = st.columns(3)
    if c1.button("Pin in", key="samples.pin_in", disabled=opened in sel.pin_in, width="stretch"):
        pin(tier, opened, "in")
        st.rerun()
    if c2.button("Pin out", key="samples.pin_out", disabled=opened in sel.pin_out, width="stretch"):
        pin(tier, opened, "out")
        st.rerun()
    if c3.button("Unpin", key="samples.unpin", disabled=state == "not pinned", width="stretch"):
        pin(tier, opened, "clear")
        st.rerun()
    featured = plan.tier(tier).featured_conversation == opened
    if st.button("Featured on the card" if featured else "Feature on the card", key="samples.feature",
                 icon=":material/star:", disabled=featured, width="stretch"):
        feature(tier, opened)
        st.rerun()
    st.markdown("**Share it**")
    share_kit(ds, plan, chosen, opened)
