"""The browser test's extra install is pinned and stays out of the learners' requirements.txt."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def requirements(name):
    return [line for line in (ROOT / name).read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]


def test_browser_requirements_are_pinned_and_separate():
    browser = requirements("requirements-browser.txt")
    assert browser and all(re.fullmatch(r"[A-Za-z0-9_.\-]+==[\w.+!]+", line) for line in browser)
    assert "playwright" in [line.split("==")[0] for line in browser]
    assert not [line for line in requirements("requirements.txt") if line.lower().startswith("playwright")]
