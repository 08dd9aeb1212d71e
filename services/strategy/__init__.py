"""Release strategy: which conversations go to which tier, on which channel.

- `plans`: `Plan` and `Tier` (pydantic), parsed from YAML or JSON; `presets`: the three
  strategies (full giveaway, billboard funnel, hybrid gated).
- `sampling.select_plan(ds, plan)`: seeded, stratified selection per tier, honouring relations
  (subset, disjoint) and pins.
- `compare`: the strategies side by side, for the owner's choice.
- `links`: where each released tier lives on the Hub, the call to action, and links nobody can
  open; `consent`: the lead forms' wordings and their version; `gate_form`: the Hub's access form.
- `errors.StrategyError`: the package's error base.

Layer rule: imports `services.dataset`, `services.utils` and `services.errors`.
"""
