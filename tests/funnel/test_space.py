"""The landing Space built from a download tier's zip alone: its files, its config, what it refuses."""

from __future__ import annotations

import pytest
import yaml
from pydantic import SecretStr

from services.funnel import space
from services.release import bundle
from services.release.errors import ReleaseError
from services.strategy import presets, sampling
from tests.support import jwt

CAPTURE = space.LeadCapture(supabase_url="https://leads.brightrun.ai",
                            publishable_key=SecretStr(jwt.api_key("anon", "s" * 32)))


def _zip(ds, privacy: str | None = "https://brightrun.ai/privacy", tier: str = "eq-100") -> bytes:
    plan = presets.preset_billboard().model_copy(update={"privacy_url": privacy})
    return bundle.build_bundle(ds, plan, sampling.select_plan(ds, plan)[tier], with_image=False).zip_bytes()


def test_the_space_holds_the_page_its_static_config_and_the_zip(demo_dataset):
    data = _zip(demo_dataset)
    files = space.space_files(data, "brightrun/eq", "https://huggingface.co", CAPTURE)
    assert set(files) == {"index.html", "README.md", "eq-100.zip"} and files["eq-100.zip"] == data
    config = yaml.safe_load(files["README.md"].decode().split("---")[1])
    assert (config["sdk"], config["app_file"], config["license"]) == ("static", "index.html", "cc-by-4.0")
    page = files["index.html"].decode()
    assert "https://huggingface.co/spaces/brightrun/eq/resolve/main/eq-100.zip" in page
    assert 'href="https://brightrun.ai/privacy"' in page
    assert space.space_files(data, "brightrun/eq", "https://huggingface.co", CAPTURE) == files  # deterministic


def test_a_plan_without_a_privacy_notice_gets_no_landing_page(demo_dataset):
    with pytest.raises(ReleaseError, match="privacy notice"):
        space.space_files(_zip(demo_dataset, privacy=None), "brightrun/eq", "https://huggingface.co", CAPTURE)


def test_only_a_download_tier_s_zip_becomes_a_space(demo_dataset):
    preview = bundle.build_bundle(demo_dataset, presets.preset_billboard(),
                                  sampling.select_plan(demo_dataset, presets.preset_billboard())["preview"],
                                  with_image=False).zip_bytes()
    with pytest.raises(ReleaseError, match="not a download tier"):
        space.space_files(preview, "brightrun/eq", "https://huggingface.co", CAPTURE)
    with pytest.raises(ReleaseError, match="not a download tier's zip"):
        space.space_files(b"PK nothing", "brightrun/eq", "https://huggingface.co", CAPTURE)
