"""The Parquet files are shaped for the Hub's viewer and `datasets`: files of at most 500 MB and row
groups of at most 100 MB (uncompressed), each with its page index (`services.release.parquet`), and
few enough files for the one commit a release is (the Hub advises about 100 files per commit).
A file that breaks them is blocked, with the figures: the viewer would refuse it or convert it
itself, and `datasets` would read a whole oversized row group at once."""

from __future__ import annotations

from services.release.bundle import Bundle
from services.release.checks.report import CheckResult, Place, found, passed
from services.release.convert import CONFIG_SCHEMAS
from services.release.parquet import DEFAULT_LIMITS, ParquetLimits, config_paths, shape_problems, size

NAME = "parquet shape"
CONFIGS = list(CONFIG_SCHEMAS)


def check_shape(b: Bundle, limits: ParquetLimits = DEFAULT_LIMITS) -> CheckResult | None:
    """None for a download tier (JSON Lines in a zip); else pass, or block with every file's figures."""
    if b.channel == "download":
        return None
    problems = shape_problems(b.files, CONFIGS, limits)
    if len(b.files) > limits.commit_files:  # the release is one atomic commit, and the Hub advises ≤ 100 files
        return found(NAME, "block", [Place(detail=f"{len(b.files)} files (at most {limits.commit_files})")],
                     f"{len(b.files)} files cannot go out as one commit of at most {limits.commit_files}: "
                     "raise the shard size, or release fewer configs")
    if problems:
        return found(NAME, "block", [Place(detail=f"{p.path}: {p.detail}") for p in problems],
                     f"{len(problems)} Parquet file(s) the viewer and `datasets` would read badly")
    files = sum(len(config_paths(c, b.files)) for c in CONFIGS)
    return passed(NAME, f"{files} Parquet file(s), row groups of at most {size(limits.row_group_bytes)} and files "
                        f"of at most {size(limits.file_bytes)} uncompressed, page index on")
