"""Lead Magnet Studio services: all logic, no Streamlit."""

__version__ = "0.1.0"
