"""Strategy components: the plan being edited (`plan_state`) and the widgets that edit it (`tier_editor`)."""
