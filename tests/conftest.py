"""Shared fixtures: the seed corpus (scanned once per session) and a text generator."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

# the five seed articles (see fixtures/): 003 is the SCMP original, 000 a digest of it
DIGEST = "000_2d6f109265a5f0ce.txt"
CREDITS_OTHER = "001_20030dd98d3f1231.txt"
INDEPENDENT = "002_233bc0087933d11f.txt"
ORIGINAL = "003_c5174620e5321eb2.txt"
WITH_ADS = "004_2dc31d0376806f98.txt"


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    return FIXTURES


@pytest.fixture(scope="session")
def fixtures_report():
    """``dedup.scan.scan`` of the seed corpus (about 0.3 s, so once per session).

    Tests must not mutate it.
    """
    from dedup.scan import scan

    return scan([str(FIXTURES)])


_SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "ta", "so", "vi", "de", "pa", "ri", "gu", "ba", "te",
              "zo", "fi", "ha", "no", "li", "me", "sa", "do", "ke", "po", "tu", "ve"]


class TextMaker:
    """Deterministic pseudo-English: random made-up words, so texts share nothing by chance."""

    def __init__(self, seed: int = 0) -> None:
        self.rng = random.Random(seed)

    def word(self) -> str:
        return "".join(self.rng.choice(_SYLLABLES) for _ in range(self.rng.randint(2, 4)))

    def words(self, n: int) -> list[str]:
        return [self.word() for _ in range(n)]

    def sentence(self, n: int | None = None) -> str:
        ws = self.words(n or self.rng.randint(12, 18))
        return " ".join(ws).capitalize() + "."

    def paragraph(self, sentences: int = 4) -> str:
        return " ".join(self.sentence() for _ in range(sentences))

    def article(self, paragraphs: int = 5, sentences: int = 4) -> str:
        return "\n\n".join(self.paragraph(sentences) for _ in range(paragraphs))


@pytest.fixture
def maker() -> TextMaker:
    return TextMaker(12345)
