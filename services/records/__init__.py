"""Where the studio keeps what it did and what it read: release history, traction snapshots, access
decisions, liker sightings, landing leads and form answers.

Two sets never mix: the real one (Supabase's tables when configured, else files under `releases/`)
and the sandbox's (files under `.sandbox/`). A page or command asks for one `Records` and uses only it.

Layer rule: may import `hub`, `funnel`, `feedback`, `supabase` and `utils`; never Streamlit.
"""
