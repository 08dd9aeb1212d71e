"""One conversation rendered as a chat: system prompt folded away, emotions as small labels."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from services.dataset.chat import ChatMessage

AVATARS = {"user": ":material/person:", "assistant": ":material/support_agent:"}


def chat_view(messages: list[ChatMessage], trailing_dropped: bool) -> None:
    system = [m for m in messages if m.role == "system"]
    if system:
        with st.expander("System prompt", icon=":material/settings:"):
            st.write(system[0].content)
    for m in messages:
        if m.role == "system":
            continue
        with st.chat_message(m.role, avatar=AVATARS[m.role]):
            label = f"turn {m.turn}"
            if m.role == "user" and m.emotion:
                label += f" · client feels **{m.emotion.replace('_', ' ')}**"
                if m.intensity is not None:
                    label += f" ({m.intensity:.2f})"
            st.caption(label)
            st.markdown(m.content)
    if trailing_dropped:
        st.caption(":material/info: The source ends on an unanswered user message; the release drops it.")


def quality_aside(row: pd.Series) -> None:
    """Scores and scaffolding of the conversation, beside the chat."""
    st.metric("Quality", "—" if pd.isna(row["quality"]) else f"{row['quality']:.2f} / 5", border=True)
    scores = pd.DataFrame({"criterion": ["empathy", "clarity", "appropriateness", "brand voice"],
                           "score": [row["empathy"], row["clarity"], row["appropriateness"], row["brand_voice"]]})
    st.dataframe(scores, hide_index=True, width="stretch",
                 column_config={"score": st.column_config.NumberColumn("Score", format="%.2f")})
    st.markdown(f"**Persona** {row['persona_name']}  \n**Arc** {row['arc_name']}  \n**Topic** {row['topic_name']}  \n"
                f"**Tier** {row['tier'].replace('_', ' ')} · {row['turns']} turns · "
                f"{row['supervised_examples']} supervised examples")
    if not pd.isna(row["start_intensity"]):
        st.caption(f"Emotion: {row['start_emotion']} ({row['start_intensity']:.2f}) → "
                   f"{row['end_emotion']} ({row['end_intensity']:.2f})")
