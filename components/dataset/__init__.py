"""Dataset components: the source picker, the loaded dataset and its caches, charts, findings, figures, a chat."""
