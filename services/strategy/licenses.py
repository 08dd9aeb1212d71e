"""The licenses the Hub accepts in a card's `license:` field, and what `other` needs.

A card with any other value is refused by the Hub's YAML validation (a 400 listing the errors),
after the repo was created. So a plan may only name one of these; the list is the Hub's own, from
its documentation (huggingface/hub-docs, `docs/hub/repositories-licenses.md`, region "licenses").
With `other`, the Hub asks for the license's name in `license_name` and its text in a LICENSE file
(same page); the studio also links it with `license_link` when the plan gives one.
"""

from __future__ import annotations

HUB_LICENSES = (
    "apache-2.0", "mit", "openrail", "bigscience-openrail-m", "creativeml-openrail-m", "bigscience-bloom-rail-1.0",
    "bigcode-openrail-m", "afl-3.0", "artistic-2.0", "bsl-1.0", "bsd", "bsd-2-clause", "bsd-3-clause",
    "bsd-3-clause-clear", "c-uda", "cc", "cc0-1.0", "cc-by-2.0", "cc-by-2.5", "cc-by-3.0", "cc-by-4.0",
    "cc-by-sa-3.0", "cc-by-sa-4.0", "cc-by-nc-2.0", "cc-by-nc-3.0", "cc-by-nc-4.0", "cc-by-nd-4.0", "cc-by-nc-nd-3.0",
    "cc-by-nc-nd-4.0", "cc-by-nc-sa-2.0", "cc-by-nc-sa-3.0", "cc-by-nc-sa-4.0", "cdla-sharing-1.0",
    "cdla-permissive-1.0", "cdla-permissive-2.0", "wtfpl", "ecl-2.0", "epl-1.0", "epl-2.0", "etalab-2.0", "eupl-1.1",
    "agpl-3.0", "gfdl", "gpl", "gpl-2.0", "gpl-3.0", "lgpl", "lgpl-2.1", "lgpl-3.0", "isc", "lppl-1.3c", "ms-pl",
    "mpl-2.0", "odc-by", "odbl", "openrail++", "osl-3.0", "postgresql", "ofl-1.1", "ncsa", "unlicense", "zlib",
    "pddl", "lgpl-lr", "deepfloyd-if-license", "llama2", "gemma", "unknown", "other",
)
# The ones that fit a dataset sold or given away as training data, offered first by the editor.
SUGGESTED = ("cc-by-4.0", "cc-by-nc-4.0", "cc-by-sa-4.0", "cc-by-nc-sa-4.0", "cc0-1.0", "odc-by", "apache-2.0",
             "mit", "other")


def license_problem(license_id: str, license_name: str | None) -> str | None:
    """What the Hub would refuse about a tier's license, in words; None when it accepts it."""
    if license_id not in HUB_LICENSES:
        return (f"license '{license_id}' is not one the Hub accepts; use one of: {', '.join(SUGGESTED)} "
                "(or another identifier from the Hub's license list), or 'other' with a license_name")
    if license_id == "other" and not (license_name or "").strip():
        return "license 'other' needs a license_name (the Hub shows it, and the LICENSE file holds the text)"
    return None
