"""Tests for dedup.metadata: dates, datelines, bylines, attribution claims, outlets."""

from __future__ import annotations

import pytest

from dedup.clean.metadata import (
    WIRE_SERVICES, attribution_claim, byline, date_line, outlet_key, parse_date, same_outlet,
)

# --- parse_date ----------------------------------------------------------------

@pytest.mark.parametrize("text, iso", [
    ("2023-12-11", "2023-12-11"),
    ("December 13, 2023", "2023-12-13"),
    ("Dec. 13 2023", "2023-12-13"),
    ("Tue. Mar 5th, 2024", "2024-03-05"),
    ("Sept 1st, 2019", "2019-09-01"),
    ("5 March 2024", "2024-03-05"),
    ("22nd August, 1999", "1999-08-22"),
    ("Posted on 2023-12-11T10:00:00Z by the desk", "2023-12-11"),
    ("The summit ended on December 13, 2023, in Hanoi.", "2023-12-13"),
])
def test_parse_date(text, iso):
    assert parse_date(text) == iso


@pytest.mark.parametrize("text", [
    "", "no date here", "2023-13-01", "2023-12-45", "March 2024", "13/12/2023", "1850-01-01",
    "May we meet 5 times in 2024?",
])
def test_parse_date_none(text):
    assert parse_date(text) is None


# --- date_line -----------------------------------------------------------------

@pytest.mark.parametrize("line, iso, rest", [
    ("2023-12-11", "2023-12-11", ""),
    ("December 13, 2023", "2023-12-13", ""),
    ("Tue. Mar 5th, 2024", "2024-03-05", ""),
    ("5 March 2024", "2024-03-05", ""),
    ("Published: 5 March 2024 10:30 GMT", "2024-03-05", ""),
    ("Updated: Tue. Mar 5th, 2024", "2024-03-05", ""),
    ("December 13, 2023 | by b1og.net", "2023-12-13", "by b1og.net"),
    ("By Jane Doe | March 5, 2024", "2024-03-05", "By Jane Doe"),
    ("date 2023-12-11 A recently published report sheds light.", "2023-12-11",
     "A recently published report sheds light."),
])
def test_date_line_accepts_datelines(line, iso, rest):
    assert date_line(line) == (iso, rest)


@pytest.mark.parametrize("line", [
    "The summit ended on December 13, 2023, in Hanoi.",
    "On 5 March 2024 the president met regional leaders.",
    "Talks planned for 2023-12-11 were postponed by a week.",
    "A report published on Tue. Mar 5th, 2024 says more.",
    "No date in this line at all.",
    "",
])
def test_date_line_rejects_sentences(line):
    assert date_line(line) is None


# --- byline --------------------------------------------------------------------

@pytest.mark.parametrize("line, name", [
    ("By Jane Doe", "Jane Doe"),
    ("  by John Smith.  ", "John Smith"),
    ("BY Laura Zhou", "Laura Zhou"),
    ("by b1og.net", "b1og.net"),
])
def test_byline(line, name):
    assert byline(line) == name


@pytest.mark.parametrize("line", [
    "Jane Doe",
    "By the time the delegation arrived in Hanoi the talks had already begun",
    "By how much?",
    "Standby power",
    "",
])
def test_byline_none(line):
    assert byline(line) is None


# --- attribution_claim -----------------------------------------------------------

@pytest.mark.parametrize("line, names, urls", [
    ("Source: Example Daily News (url: https://example.com/a/1)",
     ["Example Daily News"], ["https://example.com/a/1"]),
    ("Source: South China Morning Post (url: https://www.scmp.com/news/china/article/3154064/x",
     ["South China Morning Post"], ["https://www.scmp.com/news/china/article/3154064/x"]),
    ("source: The Diplomat", ["The Diplomat"], []),
    ("This article originally appeared in the South China Morning Post (SCMP), the most "
     "authoritative voice reporting on China.", ["South China Morning Post"], []),
    ("This story was first published by Example News on Monday.", ["Example News"], []),
    ("It is republished with permission from Asia Times.", ["Asia Times"], []),
    ("By Reuters", ["Reuters"], []),
    ("by the Associated Press", ["Associated Press"], []),
    ("Via AFP", ["Agence France-Presse"], []),
    ("WASHINGTON (AP) - The Senate voted on Tuesday to pass the bill.", ["Associated Press"], []),
    ("HANOI (Reuters) - Chinese President Xi Jinping arrived on Tuesday.", ["Reuters"], []),
    ("(Xinhua)", ["Xinhua"], []),
])
def test_attribution_claim(line, names, urls):
    assert attribution_claim(line) == (names, urls)


@pytest.mark.parametrize("line", [
    "The minister said the talks went well.",
    "Reuters reported that the talks went well.",  # a mention, not a credit
    "China and Vietnam signed 36 agreements (AP photos were not allowed).",
    "By the time we arrived, it was late.",
    "",
])
def test_attribution_claim_none(line):
    assert attribution_claim(line) is None


@pytest.mark.parametrize("line, name", [
    ("Originally published in The Diplomat.", "The Diplomat"),
    ("Republished with permission from The Diplomat.", "The Diplomat"),
    ("First published by Example News.", "Example News"),
])
def test_attribution_claim_sentence_initial(line, name):
    assert attribution_claim(line) == ([name], [])


def test_wire_names_are_canonical():
    # every wire alias maps to a name that itself is one of the canonical values
    for alias, name in WIRE_SERVICES.items():
        claim = attribution_claim(f"By {alias.upper() if len(alias) <= 4 else alias.title()}")
        assert claim == ([name], []), alias


# --- outlets -------------------------------------------------------------------

@pytest.mark.parametrize("a, b", [
    ("South China Morning Post Publishers Ltd.", "SCMP"),  # acronym
    ("SCMP", "South China Morning Post"),
    ("scmp.com", "SCMP"),  # domain
    ("https://www.scmp.com/news/china/article/1", "scmp"),
    ("The Example Post", "Example Post Inc."),  # suffixes
    ("Example Media Group plc", "example media"),
    ("Copyright (c) 2023 Example Daily. All rights reserved.", "Example Daily"),
    ("The Guardian", "the guardian"),
])
def test_same_outlet(a, b):
    assert same_outlet(a, b)
    assert same_outlet(b, a)


@pytest.mark.parametrize("a, b", [
    ("Reuters", "Associated Press"),
    ("South China Morning Post", "China Daily"),
    ("SCMP", "SCM"),
    ("example.com", "example post"),
    ("", "Reuters"),
    ("Ltd.", "Ltd."),  # nothing left once the suffixes are gone
])
def test_not_same_outlet(a, b):
    assert not same_outlet(a, b)


def test_outlet_key():
    assert outlet_key("The Example Post Publishers Ltd.") == "example post"
    assert outlet_key("https://www.example.com/news/1") == "example"
