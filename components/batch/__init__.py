"""The Next batch page's pieces: the knobs, the scaffolding and feedback inputs, the coverage heatmaps."""
