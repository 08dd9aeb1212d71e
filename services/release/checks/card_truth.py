"""The card tells the truth: a license, configs that point at real files, and no number the data
does not give (the facts are computed again from the released files and compared)."""

from __future__ import annotations

import fnmatch

from huggingface_hub import DatasetCard

from services.dataset.schema import ConsultantProfile
from services.release.bundle import Bundle
from services.release.card.facts import CardFacts, FactsTally
from services.release.card.render import LICENSE_TEXTS, card_numbers
from services.release.card.whats_new import WhatsNew, whats_new
from services.release.checks.released import released_batches
from services.release.checks.report import CheckResult, Place, found, passed
from services.strategy.plans import Plan

NAME = "card truth"
CONFIG_NAMES = {"conversations", "training_pairs"}


def _config_problems(b: Bundle) -> list[Place]:
    configs = DatasetCard(b.card).data.to_dict().get("configs") or []
    problems = [Place(detail=f"config '{config['config_name']}' points at a missing file {data_file['path']}")
                for config in configs for data_file in config.get("data_files", [])
                if not any(fnmatch.fnmatchcase(path, data_file["path"]) for path in b.files)]
    if {c.get("config_name") for c in configs} != CONFIG_NAMES:
        problems.append(Place(detail="the card's configs are not conversations and training_pairs"))
    return problems


def _whats_new_numbers(b: Bundle, facts: CardFacts, problems: list[Place]) -> set[str]:
    """The numbers of the "What's new" section, recomputed from the previous release the manifest names
    and the facts of the files: a section that no longer matches them is a problem."""
    recorded = b.manifest.get("whats_new")
    if not recorded:
        return set()
    try:
        kept = WhatsNew.model_validate(recorded)
    except ValueError:
        problems.append(Place(detail="the manifest's \"What's new\" cannot be read"))
        return set()
    again = whats_new(kept.previous, facts, kept.answers)
    if again.model_dump(exclude={"answers"}) != kept.model_dump(exclude={"answers"}):
        problems.append(Place(detail="\"What's new\" differs from the previous release and the data files"))
    return kept.numbers()


def released_facts(b: Bundle, profile: ConsultantProfile | None, all_cells: int) -> CardFacts:
    """The facts computed again from the files as released, a row group at a time."""
    tally = FactsTally()
    for batch in released_batches(b, "conversations"):
        tally.add(batch)
    for batch in released_batches(b, "training_pairs", ["human_reviewed"]):
        tally.add_pairs(batch)
    return tally.facts(profile, all_cells)


def check_card(b: Bundle, plan: Plan, profile: ConsultantProfile | None, all_cells: int) -> CheckResult:
    """Blocks a card without a license, with broken configs, or stating a number the data does not give."""
    problems: list[Place] = []
    tier = plan.tier(b.tier)
    if not tier.license.strip():
        problems.append(Place(detail="no license set"))
    problems += _config_problems(b)
    try:
        facts = released_facts(b, profile, all_cells)
    except Exception as exc:  # whatever makes a data file unreadable is this check's finding
        problems.append(Place(detail=f"the data files do not load: {exc}"))
    else:
        if facts != b.facts:
            problems.append(Place(detail="the card's figures differ from the data files"))
        allowed = facts.numbers() | set(card_numbers(facts.label_text() + " " + LICENSE_TEXTS.get(tier.license, "")))
        allowed.add(str(b.manifest.get("citation_year")))
        allowed |= _whats_new_numbers(b, facts, problems)
        allowed |= set(card_numbers(" ".join(str(v) for v in (b.manifest.get("generator") or {}).values() if v)))
        problems += [Place(detail=f"the card states {number}, which no figure of the data gives")
                     for number in card_numbers(b.card) if number not in allowed]
    if problems:
        return found(NAME, "block", problems, f"{len(problems)} problems with the card")
    return passed(NAME, "every number on the card matches the data; license set; configs load")
