"""The Hub's rules as the client meets them: its errors (status, message, `X-Error-Code`), its rate-limit
headers, its page sizes, the YAML a card's header must hold. Each cites the client code or the docs it
follows: a stand-in kinder than the Hub would hide the bugs users meet."""

from __future__ import annotations

import re

import yaml


class HubError(Exception):
    """An answer the Hub refuses with: a status, its message (the client shows it), headers, extra fields."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None, **extra: object) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}
        self.extra = extra


# A 429 carries the Hub's RateLimit headers (IETF draft ratelimit-headers; huggingface_hub's
# `parse_ratelimit_headers` docstring shows the Hub's form: `"api";r=0;t=55` and a 5-minute
# fixed window), not necessarily Retry-After. `t` is the seconds until the window resets.
def rate_limit_headers(reset_in: int = 0, quota: int = 500) -> dict[str, str]:
    """The headers of a 429."""
    return {"ratelimit": f'"api";r=0;t={reset_in}', "ratelimit-policy": f'"fixed window";"api";q={quota};w=300'}


# A missing repo is `RepoNotFound` in `X-Error-Code` (huggingface_hub's `hf_raise_for_status` maps it,
# and a 401 on a repo URL, to RepositoryNotFoundError).
REPO_NOT_FOUND = {"X-Error-Code": "RepoNotFound"}
DISCUSSION_PAGE_SIZE = 3  # threads per page of a discussion listing (the Hub's is 50; small pages test paging)
PAGE_SIZE = 2  # items per page of a listing (the Hub's pages are larger; small ones make every test page)


# The Hub's YAML rules the studio's cards meet (POST /api/validate-yaml answers 400 with
# `errors: [{message}]`, which huggingface_hub's `_validate_yaml` lists in its ValueError):
# `license` from the Hub's list (hub-docs `docs/hub/repositories-licenses.md`), `size_categories`
# from the Hub's values (the `datasets` library's `utils/resources/size_categories.json`, copied here so
# the sandbox runs without `datasets`; a test holds the two equal).
HUB_LICENSE_IDS = frozenset({
    "apache-2.0", "mit", "openrail", "bigscience-openrail-m", "creativeml-openrail-m", "bigscience-bloom-rail-1.0",
    "bigcode-openrail-m", "afl-3.0", "artistic-2.0", "bsl-1.0", "bsd", "bsd-2-clause", "bsd-3-clause",
    "bsd-3-clause-clear", "c-uda", "cc", "cc0-1.0", "cc-by-2.0", "cc-by-2.5", "cc-by-3.0", "cc-by-4.0",
    "cc-by-sa-3.0", "cc-by-sa-4.0", "cc-by-nc-2.0", "cc-by-nc-3.0", "cc-by-nc-4.0", "cc-by-nd-4.0",
    "cc-by-nc-nd-3.0", "cc-by-nc-nd-4.0", "cc-by-nc-sa-2.0", "cc-by-nc-sa-3.0", "cc-by-nc-sa-4.0",
    "cdla-sharing-1.0", "cdla-permissive-1.0", "cdla-permissive-2.0", "wtfpl", "ecl-2.0", "epl-1.0", "epl-2.0",
    "etalab-2.0", "eupl-1.1", "agpl-3.0", "gfdl", "gpl", "gpl-2.0", "gpl-3.0", "lgpl", "lgpl-2.1", "lgpl-3.0", "isc",
    "lppl-1.3c", "ms-pl", "mpl-2.0", "odc-by", "odbl", "openrail++", "osl-3.0", "postgresql", "ofl-1.1", "ncsa",
    "unlicense", "zlib", "pddl", "lgpl-lr", "deepfloyd-if-license", "llama2", "gemma", "unknown", "other",
})


HUB_SIZE_CATEGORIES = ("unknown", "n<1K", "1K<n<10K", "10K<n<100K", "100K<n<1M", "1M<n<10M", "10M<n<100M",
                       "100M<n<1B", "1B<n<10B", "10B<n<100B", "100B<n<1T", "n>1T")


def card_yaml_errors(content: str) -> list[str]:
    """What POST /api/validate-yaml would list against a card's header (none: it passes)."""
    match = re.match(r"\A---\n(.*?)\n---\n", content, re.S)
    meta = yaml.safe_load(match.group(1)) if match else {}
    sizes = set(HUB_SIZE_CATEGORIES) | {"other"}
    errors = []
    licenses = meta.get("license") or []
    for value in [licenses] if isinstance(licenses, str) else licenses:
        if value not in HUB_LICENSE_IDS:
            errors.append(f'"license" must be one of [{", ".join(sorted(HUB_LICENSE_IDS))}]')
    for value in meta.get("size_categories") or []:
        if value not in sizes:
            errors.append(f'"size_categories[0]" must be one of [{", ".join(sorted(sizes))}]')
    return errors
