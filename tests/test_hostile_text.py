"""Issue 18, hostile text: regular expressions that take linear time on adversarial lines
(each was polynomial before), and the command line on such a line next to a normal article."""

from __future__ import annotations

import json
import re
import time

import pytest
from hypothesis import given, settings, strategies as st

from dedup.clean import clean
from dedup.clean.metadata import attribution_claim, date_line
from dedup.clean.rules import ticker_value
from dedup.model import Article
from dedup.sketch import sentences

N = 50_000
FAST = 1.0  # seconds for one call on a 50,000-character line (the old patterns took hours)

# the pattern ticker_value replaces: its results are the reference on short strings
OLD_TICKER = re.compile(r"^[+-]?[\d,]*\.?\d+\s*\(?[+-]?[\d,]*\.?\d+%\)?$")


def timed(fn, *args):
    t0 = time.perf_counter()
    out = fn(*args)
    assert time.perf_counter() - t0 < FAST, fn
    return out


@pytest.mark.parametrize("line", ["1" * N + "x", "1" * N + "%x", "1," * N + "%", "1" * N + " (" + "2" * N + "%x",
                                  "." * N + "1%", "1." + "2" * N + "%)x"])
def test_ticker_value_linear(line):
    assert timed(ticker_value, line) is bool(OLD_TICKER.match(line[:0]))  # all False


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123,.+-( )%\n\u0663", max_size=14))
def test_ticker_value_as_the_old_pattern(line):
    assert ticker_value(line) == bool(OLD_TICKER.match(line))


def test_ticker_values_still_found():
    for line in ["+1.77 (+0.03%)", "-12,345.67 -0.52%", "4,567.8(+1.2%)", "55%", "1.5%", ".5 .5%", "1.2.3%"]:
        assert ticker_value(line), line
    for line in ["up 1.5%", "5%", "1.77", "1, 2%", "1.2.3.4%"]:
        assert not ticker_value(line), line


def test_clean_line_of_digits_fast():
    a = timed(clean, Article(id="x", text="1" * N + "x\nThe council met on Monday."))
    assert a.body.endswith("The council met on Monday.")


@pytest.mark.parametrize("text", ["." * N + "x", "!?" * N + "a", "." * N + '"' * N + "x", "a. " * N])
def test_sentences_linear(text):
    spans = timed(sentences, text)
    assert spans and spans[-1][1] <= len(text)


def test_sentences_unchanged_on_normal_text():
    t = 'He left... "Why?!" she asked. Then: done!\nA line'
    assert [t[s:e] for s, e in sentences(t)] == ['He left...', '"Why?!"', "she asked.", "Then: done!", "A line"]


@pytest.mark.parametrize("line", ["date" + " " * N + "x", "posted" + " " * N + ":" + " " * N + "2024"])
def test_date_prefix_linear(line):
    assert timed(date_line, line) is None


def test_date_prefix_unchanged():
    assert date_line("Posted : 2023-12-11 Text") == ("2023-12-11", "Text")
    assert date_line("dated2023-12-11") == ("2023-12-11", "")


def test_attribution_name_with_long_spaces_linear():
    claim = timed(attribution_claim, "originally appeared in A" + " A" * N + " " * N + "B")
    assert claim is not None and claim[0][0].startswith("A A")


def test_offset_array_memory_per_character_small():
    import tracemalloc

    from dedup.clean.normalize import offset_array
    line = ("word \u201cquoted\u201d  text \u2014 " * 10_000)  # 220,000 characters, changed by normalising
    tracemalloc.start()
    try:
        out = offset_array(line)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert out.dtype == "int64" and out[0] == 0
    assert peak < 24 * len(line)  # the offsets (8 bytes a character) and the normalised text; a list took ~80


def test_scan_line_of_digits_next_to_a_normal_article(tmp_path):
    from hostile import run_dedup
    (tmp_path / "digits.txt").write_text("Market figures\n" + "7" * 3000 + "x\nThe index closed higher today.\n")
    (tmp_path / "normal.txt").write_text("The council approved the budget on Monday after a long debate.\n")
    proc = run_dedup(["scan", "digits.txt", "normal.txt", "--format", "json"], cwd=tmp_path)
    err = proc.stderr.decode("utf-8", "backslashreplace")
    assert proc.returncode == 0 and "Traceback" not in err, err
    report = json.loads(proc.stdout)
    assert {a["id"] for a in report["articles"]} == {"digits.txt", "normal.txt"}
    assert not report["problems"]


def test_scan_two_copies_of_an_article_of_thousands_of_sentences(tmp_path):
    """30,000 sentences each: their similarity matrix (3.6 GB) is not built, past
    ``max_aligned_cells``; the verbatim measures still find the duplicate."""
    import random

    from hostile import run_dedup
    rnd = random.Random(3)
    words = ["river", "stone", "council", "market", "winter", "school", "bridge", "yellow", "quiet", "rapid"]
    text = "\n".join(" ".join(rnd.choice(words) for _ in range(8)).capitalize() + "." for _ in range(30_000))
    (tmp_path / "a.txt").write_text(text)
    (tmp_path / "b.txt").write_text(text)
    proc = run_dedup(["scan", ".", "--format", "json"], cwd=tmp_path)
    err = proc.stderr.decode("utf-8", "backslashreplace")
    assert proc.returncode == 0 and "Traceback" not in err, err
    assert [p["relation"] for p in json.loads(proc.stdout)["pairs"]] == ["duplicate"]


@settings(max_examples=40, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=40), st.integers(1, 2000))
def test_single_spaces_on_long_lines_as_split_join(piece, repeat):
    from dedup.clean.normalize import LONG_LINE, single_spaces
    text = piece * (LONG_LINE // len(piece) + repeat)
    assert single_spaces(text) == " ".join(text.split())


def test_single_spaces_long_run_of_spaces():
    from dedup.clean.normalize import single_spaces
    assert timed(single_spaces, " " * 10 * N + "a" + "\u3000\t " * N + "b" + " " * N) == "a b"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=30) | st.text(alphabet=" a\t\u3000\xa0\u200e", max_size=30))
def test_word_count_as_split(text):
    from dedup.clean.normalize import word_count
    assert word_count(text) == len(text.split())


# the pattern source_claim replaces
OLD_SOURCE = re.compile(r"^source\s*:\s*(?P<name>[^()\n]{2,80}?)\s*(?:\(\s*(?:url\s*:\s*)?(?P<url>https?://[^\s)]+)\)?)?\s*$",
                        re.I)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["source", ":", " ", "  ", "\n", "(", ")", "url:", "https://", "a", "x y", "\t"]),
                max_size=10).map("".join))
def test_source_claim_as_the_old_pattern(line):
    from dedup.clean.metadata import source_claim
    for text in (line, "Source:" + line):
        m = OLD_SOURCE.search(text)
        assert source_claim(text) == (m and (m["name"], m["url"]))


@pytest.mark.parametrize("line", ["source:" + " " * N + "x(", "Source: a" + " " * N + "(x", "source:" + " \n" * N + "ab",
                                  "source: " + "a " * N + "(http://" + "b" * N + " x"])
def test_source_claim_linear(line):
    timed(attribution_claim, line)


def test_scan_of_texts_with_lone_surrogates():
    # the command line replaces them on reading; the library takes what it is given
    from dedup.scan import scan_articles

    story = "The council approved the budget on Monday after a long debate about roads. " * 4
    report = scan_articles([Article(id="a", text="\ud800 " + story), Article(id="b", text=story + "\udfff"),
                            Article(id="c", text="\ud800")], workers=1)
    assert [(p.a, p.b) for p in report.pairs] == [("a", "b")]


def test_html_report_of_a_copy_with_tens_of_thousands_of_removed_lines():
    # each removed line is a span the page marks: a sweep over them, not every span at every cut
    from dedup.report import render
    from dedup.scan import scan_articles

    story = "The council approved the budget on Monday after a long debate about roads and schools.\n" * 5
    report = scan_articles([Article(id="page", text=story + "Share\n" * 20_000 + story),
                            Article(id="copy", text=story)], workers=1)
    assert report.pairs
    t0 = time.perf_counter()
    page = render(report, "html")
    assert time.perf_counter() - t0 < 5 and page.count("Share") >= 20_000  # 26 s before
