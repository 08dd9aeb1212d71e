"""Marketing components: the share kit and featured list (`kit_panel`), the decision brief (`brief`)."""
