"""The next generation batch: from coverage gaps and feedback to the platform's batch body.

- `cell_counts`: how many conversations each persona × arc × topic cell of the scaffolding holds.
- `demand`: what feedback asks for, as (dimension, key) counts, from feedback's typed themes (live,
  or the file `cli feedback --json` writes).
- `choice`: the deterministic, explainable choice of cells, each with its reasons.
- `scaffolding_source`: which scaffolding to plan over (a file, Supabase's tables, the demo's), decided
  in one place, and what it counts beside the data.
- `body`: the body of the platform's `POST /api/conversations/generate-batch` (a pydantic mirror of
  its schema), the summary (pairs, cost, time) and the `curl` line. The studio never calls the platform.
- `planner`: one call from the inputs to the batch (its choice, body, bytes and summary), and the
  defaults the page and the command line start from.

Layer rule: imports `dataset`, `demo`, `feedback` (its models only), `supabase` and `utils`; never Streamlit.
"""
