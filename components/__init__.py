"""Reusable Streamlit pieces. Each owns the session-state keys it uses."""
