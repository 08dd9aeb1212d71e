"""The dataset card: `facts` (computed numbers), `render` (words and template), `image` (PNG chart)."""
