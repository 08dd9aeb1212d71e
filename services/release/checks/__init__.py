"""Pre-publish checks, one module per concern; `runner.check_plan` runs them all on every tier.

`report` holds the verdict types and the override; `released` reads the bundle back as released.
"""
