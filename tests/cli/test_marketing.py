"""`brief` and `share` on the command line: the files they write, and bad input in one line."""

from __future__ import annotations

from tests.cli.test_cli import run_cli


def test_brief_writes_the_html_with_the_recommendation(tmp_path):
    out = tmp_path / "brief.html"
    result = run_cli("brief", "demo", "--preset", "billboard", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("recommended: Hybrid (gated)")
    html = out.read_text()
    assert "<strong>Hybrid (gated)</strong>" in html and "The chosen plan: billboard" in html
    assert not list(tmp_path.glob(".*.part"))  # written whole


def test_brief_takes_the_owners_goals(tmp_path):
    result = run_cli("brief", "demo", "--preset", "billboard", "--out", str(tmp_path / "b.html"),
                     "--goal", "kept_for_sale=5")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("recommended: Billboard (3-tier funnel)")
    bad = run_cli("brief", "demo", "--preset", "billboard", "--out", str(tmp_path / "b.html"), "--goal", "fun=3")
    assert bad.returncode == 2 and bad.stderr.startswith("error: --goal fun=3: give NAME=N")


def test_share_writes_an_image_and_an_excerpt_per_featured_conversation(tmp_path):
    result = run_cli("share", "demo", "--preset", "billboard", "--tier", "preview", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    pngs, texts = sorted(tmp_path.glob("*.png")), sorted(tmp_path.glob("*.txt"))
    assert len(pngs) == len(texts) == 5
    assert pngs[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "Client: " in texts[0].read_text() and "Advisor: " in texts[0].read_text()


def test_share_refuses_what_the_tier_does_not_release(tmp_path):
    outside = run_cli("share", "demo", "--preset", "billboard", "--tier", "preview", "--conversation", "nope",
                      "--out", str(tmp_path))
    assert outside.returncode == 2
    assert outside.stderr == "error: conversation nope is not in the released tier: it cannot be shared\n"
    kept = run_cli("share", "demo", "--preset", "billboard", "--tier", "full", "--out", str(tmp_path))
    assert kept.returncode == 2 and "kept back" in kept.stderr
    assert not list(tmp_path.iterdir())
