"""Tests for dedup.report: table, Markdown and JSON renderings of a scan."""

from __future__ import annotations

import dataclasses
import json

import pytest
from conftest import DIGEST, ORIGINAL

from dedup.model import Article, Problem
from dedup.report import FORMATS, format_for_path, render
from dedup.model import Report
from dedup.scan import scan_articles


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_renders_the_fixtures(fixtures_report, fmt):
    text = render(fixtures_report, fmt)
    for a in fixtures_report.articles:
        assert a.id in text
    assert "derived" in text


def test_table_sections_in_reading_order(fixtures_report):
    text = render(fixtures_report, "table")
    assert text.startswith("dedup: 5 articles")
    order = [text.index(h) for h in ("STORIES", "PAIRS", "ATTRIBUTION CLAIMS", "EVIDENCE", "REMOVED BOILERPLATE")]
    assert order == sorted(order)
    stories = text[text.index("STORIES"): text.index("PAIRS")]
    assert ORIGINAL in stories and DIGEST in stories and "original" in stories
    assert "NOT MATCHING" in text  # 001's claim does not match the SCMP article here


def test_markdown_stories_before_evidence(fixtures_report):
    md = render(fixtures_report, "md")
    assert md.startswith("# dedup report\n")
    stories, pairs, evidence = (md.index("## Stories"), md.index("## Pairs"), md.index("## Evidence"))
    assert stories < pairs < evidence
    story_part = md[stories:pairs]
    assert ORIGINAL in story_part and "original" in story_part
    assert f"from {ORIGINAL}" in story_part
    assert f"### {DIGEST} ~ {ORIGINAL}: derived" in md
    assert "## Removed boilerplate" in md
    # tables are GitHub Markdown
    assert any(line.startswith("|") and line.rstrip().endswith("|") for line in story_part.splitlines())


def test_markdown_escapes_pipes_and_newlines():
    text = "Talks | Deals in Hanoi\n" + "The council approved the new budget on Monday after a long debate. " * 3
    report = scan_articles([Article(id="a|1", text=text), Article(id="b", text=text)])
    md = render(report, "md")
    assert "a\\|1" in md
    assert "Talks \\| Deals in Hanoi" in md
    # every row of a table has as many unescaped cell separators as its header
    lines = md.splitlines()
    for k, line in enumerate(lines):
        if line.startswith("|") and (k == 0 or not lines[k - 1].startswith("|")):
            width = line.count("|")
            for row in lines[k:]:
                if not row.startswith("|"):
                    break
                assert row.count("|") - row.count("\\|") == width, row


def test_json_round_trips(fixtures_report):
    text = render(fixtures_report, "json")
    data = json.loads(text)
    assert data == json.loads(json.dumps(fixtures_report.to_dict()))
    assert [a["id"] for a in data["articles"]] == [a.id for a in fixtures_report.articles]
    assert {frozenset((p["a"], p["b"])) for p in data["pairs"]} == \
        {frozenset((p.a, p.b)) for p in fixtures_report.pairs}


def test_json_keeps_non_ascii_text():
    text = "Президент Си Цзиньпин прибыл в Ханой с двухдневным государственным визитом. " * 3
    report = scan_articles([Article(id="ru", text=text), Article(id="ru2", text=text)])
    out = render(report, "json")
    assert "Президент" in out  # not \\u-escaped
    assert json.loads(out)["pairs"][0]["relation"] == "duplicate"


@pytest.mark.parametrize("fmt", FORMATS)
def test_empty_report_renders(fmt):
    text = render(Report([], [], [], {}), fmt)
    assert text
    if fmt == "json":
        data = json.loads(text)
        assert data["articles"] == [] and data["pairs"] == [] and data["clusters"] == []


@pytest.mark.parametrize("fmt", ["table", "md"])
def test_problems_listed(fmt):
    text = "The council approved the new budget on Monday after a long debate. " * 3
    report = scan_articles([Article(id="a", text=text)], [Problem("bad.jsonl", "invalid JSON: oops", 2)])
    out = render(report, fmt)
    assert "bad.jsonl:2: invalid JSON: oops" in out


def test_render_unknown_format():
    with pytest.raises(ValueError) as info:
        render(Report([], [], [], {}), "pdf")
    message = str(info.value)
    assert "'pdf'" in message
    for fmt in FORMATS:
        assert fmt in message


def test_json_of_few_articles_and_many_pairs_is_compact(fixtures_report, monkeypatch):
    from dedup.report import json as json_report

    monkeypatch.setattr(json_report, "INDENT_MAX", len(fixtures_report.articles))  # the articles alone would fit
    text = render(fixtures_report, "json")
    assert "\n" not in text and json.loads(text)["pairs"] == [p.to_dict() for p in fixtures_report.pairs]


@pytest.mark.parametrize("path, fmt", [
    ("out.json", "json"), ("OUT.JSON", "json"), ("r.md", "md"), ("r.markdown", "md"),
    ("r.txt", "table"), ("dir.d/report", None), ("report.html", "html"), ("Report.HTM", "html"),
    ("report.html.txt", "table"), ("report.xhtml", None),
])
def test_format_for_path(path, fmt):
    assert format_for_path(path) == fmt


def test_json_written_in_a_stream_equals_the_rendered_text(fixtures_report, monkeypatch):
    import io

    from dedup.report import json as json_report
    from dedup.report import write

    report = dataclasses.replace(fixtures_report,
                                 problems=[Problem(path="bad.jsonl", line=3, message="no \u201ctext\u201d")])
    indented = io.StringIO()
    write(report, "json", indented)
    assert indented.getvalue() == render(report, "json")  # small: indented, as rendered
    monkeypatch.setattr(json_report, "INDENT_MAX", 0)
    compact = io.StringIO()
    write(report, "json", compact)
    assert compact.getvalue() == render(report, "json")
    assert "\n" not in compact.getvalue() and json.loads(compact.getvalue())["problems"][0]["line"] == 3
