"""`reply ORG/NAME NUM --text TEXT [--repo-type dataset|space]`: answer a thread on the Hub, once.

Exit 0 when the reply landed, 1 when the Hub refused or failed (a locked thread, a rate limit), 2
for bad input or credentials (an empty reply, a read-only token).
"""

from __future__ import annotations

import argparse

from services.cli import EXIT_OK, stores
from services.feedback.reply import reply
from services.hub import api as hub_api


def run(args: argparse.Namespace) -> int:
    """Post the reply and say where it is."""
    settings = stores.hub()
    api = hub_api.client(settings)
    me = hub_api.whoami(api, settings).name
    comment = reply(api, settings, args.repo_id, args.num, args.text, args.repo_type, me)
    from services.strategy.links import repo_url

    url = f"{repo_url(settings.endpoint, args.repo_type, args.repo_id)}/discussions/{args.num}"
    print(("replied: " if comment is not None else "replied (the Hub's answer was lost; the reply is there): ") + url)
    return EXIT_OK
