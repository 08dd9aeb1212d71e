"""`python -m services.cli`: see `services.cli`."""

from services.cli import exit_now, main

exit_now(main())
