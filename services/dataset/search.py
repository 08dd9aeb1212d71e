"""Text search over conversations (user messages and assistant responses)."""

from __future__ import annotations

from services.dataset.loader import LoadedDataset


class TextIndex:
    """One lower-cased text per conversation, built once per dataset, searched with `in`."""

    def __init__(self, ds: LoadedDataset) -> None:
        self.texts = [
            "\n".join(p.current_user_input + "\n" + (p.target_response or "") for p in c.training_pairs).lower()
            for c in ds.conversations
        ]

    def matches(self, query: str) -> list[bool]:
        """Per conversation: does it contain every word of the query (case-insensitive)?"""
        words = query.lower().split()
        if not words:
            return [True] * len(self.texts)
        return [all(w in text for w in words) for text in self.texts]
