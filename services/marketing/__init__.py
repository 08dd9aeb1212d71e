"""What marketing forwards and shares: the decision brief, and a kit per conversation.

- `brief.build_brief(...) -> str`: one self-contained HTML file (charts embedded as PNG) the
  owner can forward: the data in brief, the strategies compared, the recommendation with its
  reasons and risk, the chosen plan, the card's first paragraph, the checks' status.
- `kit`: a conversation as released — a share image (PNG, portrait, readable on a phone), a
  plain-text excerpt, the link to its row in the Hub's dataset viewer; `featured`: the best
  conversations to feature, by quality, keeping the release's arc mix.

Everything here reads the tier's released rows, so no text outside the released tier is shared.

Layer rule: imports `services.dataset`, `services.strategy`, `services.release`, `services.utils`
and `services.errors`.
"""
