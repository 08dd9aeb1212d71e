"""Side by side: what a `training_files` row says, and what its JSON holds."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from services.supabase.consistency import ConsistencyCheck


def consistency_panel(checks: list[ConsistencyCheck]) -> None:
    if not checks:
        return
    wrong = [c for c in checks if not c.ok]
    if wrong:
        st.warning(f"The database row and the JSON disagree on {len(wrong)} of {len(checks)} points. The release "
                   "card is computed from the JSON; these differences are also in the validation report.",
                   icon=":material/difference:")
    else:
        st.success("The database row and the JSON agree on every point checked.", icon=":material/check_circle:")
    table = pd.DataFrame([{"agrees": c.ok, "what": c.what, "database says": c.recorded,
                           "JSON holds": c.found, "where": c.where} for c in checks])
    st.dataframe(table, hide_index=True, width="stretch",
                 column_config={"agrees": st.column_config.CheckboxColumn(width="small"),
                                "database says": st.column_config.TextColumn(width="large"),
                                "JSON holds": st.column_config.TextColumn(width="large")})
