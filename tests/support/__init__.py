"""Test support: real servers started by fixtures (Streamlit today; PostgREST and a Hub later)."""
