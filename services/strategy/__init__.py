"""Release strategy: which conversations go to which tier, on which channel.

- `plans`: `Plan` and `Tier` (pydantic), parsed from YAML or JSON; `presets`: the three
  strategies (full giveaway, billboard funnel, hybrid gated).
- `sampling.select_plan(ds, plan)`: seeded, stratified selection per tier, honouring relations
  (subset, disjoint) and pins.
- `compare`: the strategies side by side, for the owner's choice.
- `errors.StrategyError`: the package's error base.

Layer rule: imports `services.dataset`, `services.utils` and `services.errors`.
"""
