"""Reusable Streamlit pieces, grouped like `services/`: each group draws what its service computes.

- `dataset`   the source picker, the loaded dataset, charts, findings, headline figures, a chat.
- `strategy`  the plan being edited, and the tier editor.
- `release`   the cached builds of the current plan, their checks and overrides.
- `hub`       the Hub client and identity, the publish gate.
- `supabase`  the `st.connection`, the source picker's Supabase part, the consistency panel.
- `warm_up`   the server's lifespan hook: the first page's work done before the first visitor.

Each component owns the session-state keys it uses (named `<component>.<key>`); pages compose
components and services and keep no logic of their own.
"""
