"""Release components: the current plan's builds, cached per dataset and plan, with their checks (`builds`)."""
