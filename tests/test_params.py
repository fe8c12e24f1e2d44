"""Tests for dedup.params: one frozen record of every threshold, validated and documented."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from dedup.params import STAGES, Params

ARCHITECTURE = Path(__file__).resolve().parent.parent / "docs" / "ARCHITECTURE.md"


def test_frozen_and_hashable():
    p = Params()
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.related_cosine = 0.5  # type: ignore[misc]
    assert hash(p) == hash(Params()) and p != Params(related_cosine=0.25)


@pytest.mark.parametrize("name, value, message", [
    ("related_cosine", -0.1, "a number in \\[0, 1\\]"), ("shingle_words", 0, "a positive int"),
    ("doc_max_bucket", 2.5, "a positive int"), ("copy_both", True, "a number in \\[0, 1\\]"),
])
def test_values_are_checked(name, value, message):
    with pytest.raises(ValueError, match=f"The '{name}' parameter of Params must be {message}. Got "):
        Params(**{name: value})


def test_every_parameter_names_its_stage_and_meaning():
    for stage, name, default, doc in Params.describe():
        assert stage in STAGES and doc and default == getattr(Params(), name)
    assert set(Params().of_stage("sketch")) >= {"shingle_words", "doc_num_perm", "doc_threshold", "term_bits"}


def test_round_trip_and_unknown_names():
    p = Params(related_cosine=0.25, doc_max_bucket=32)
    assert Params.from_dict(p.to_dict()) == p
    with pytest.raises(ValueError, match="unknown parameter"):
        Params.from_dict({"cosine": 0.2})


def test_architecture_lists_every_parameter():
    text = ARCHITECTURE.read_text(encoding="utf-8")
    block = re.search(r"<!-- params -->\n(.*?)<!-- /params -->", text, re.S).group(1).strip()
    assert block == Params.table()
