"""Funnel components: the lead ledger's filters and the decisions on pending access requests (`ledger_panel`)."""
