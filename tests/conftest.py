"""Shared fixtures: tiny exports built by the tests themselves, and the demo dataset."""

from __future__ import annotations

from pathlib import Path

import pytest

from services import demo
from services.loader import LoadedDataset, load_dataset
from tests.support.exports import export_bytes, make_conversation

ARTIFACTS = Path(__file__).parent / "artifacts"


@pytest.fixture(scope="session")
def demo_export() -> dict:
    return demo.generate()


@pytest.fixture(scope="session")
def demo_dataset() -> LoadedDataset:
    return load_dataset(demo.demo_bytes(), "demo dataset")


@pytest.fixture
def small_export() -> dict:
    """Two conversations whose every figure is easy to count by hand (see exports.py)."""
    return {
        "training_file_metadata": {"total_conversations": 2, "total_training_pairs": 7,
                                   "scaffolding_distribution": {
                                       "personas": {"anxious_planner": 1, "pragmatic_optimist": 1},
                                       "emotional_arcs": {"shame_to_acceptance": 1, "crisis_to_referral": 1},
                                       "training_topics": {"emergency_fund": 2}}},
        "consultant_profile": {"name": "Elena Morales, CFP"},
        "conversations": [
            make_conversation("c-1", "anxious_planner", "shame_to_acceptance", "emergency_fund", turns=4,
                              quality=3.0, intensities=[0.8, 0.6, 0.4, 0.2]),
            make_conversation("c-2", "pragmatic_optimist", "crisis_to_referral", "emergency_fund", turns=3,
                              quality=4.0, intensities=[0.9, 0.7, 0.5]),
        ],
    }


@pytest.fixture
def write_export(tmp_path: Path):
    def write(export: dict | bytes, name: str = "training.json") -> Path:
        path = tmp_path / name
        path.write_bytes(export if isinstance(export, bytes) else export_bytes(export))
        return path
    return write


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
