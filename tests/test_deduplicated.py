"""Tests for dedup.report.deduplicated: the input minus duplicates, written on a corpus
with known clusters (JSONL, CSV, a folder of .txt, the seeds), rows copied unchanged."""

from __future__ import annotations

import csv
import io
import json
import os
import random

import pytest
from conftest import DIGEST, ORIGINAL, TextMaker

from dedup.ingest import read_articles
from dedup.model import Relation, Report
from dedup.relation.keep import DROP, kept
from dedup.report.deduplicated import DeduplicatedError, deduplicate, row_file, write_deduplicated
from dedup.scan import scan

SHARE = "Share this article\nFollow us on Twitter"


def known_corpus() -> list[dict]:
    """Ten distinct stories with dates, and: a duplicate and a boilerplate copy of b0 (later);
    a copy of b1 listed before it but published after it; b2 cut short (no date); b3 twice
    with no date; rel5, b5's words rewritten (same event); part6, two paragraphs of b6 in a
    new text; and the clusters' expected keeper and members."""
    maker = TextMaker(7)
    base = [maker.article() for _ in range(10)]
    rng = random.Random(3)
    words = base[5].split()
    rng.shuffle(words)
    rewritten = ". ".join(" ".join(words[i:i + 14]) for i in range(0, len(words), 14)) + "."
    paragraphs = base[6].split("\n\n")
    embedded = "\n\n".join([maker.paragraph(), paragraphs[1], paragraphs[2], maker.paragraph(), maker.paragraph()])

    def row(id_: str, text: str, date: str | None = None, **more) -> dict:
        return {"id": id_, "text": text, **({"published": date} if date else {}), **more}

    return [
        row("b0", base[0], "2024-03-01", tags=["politics", "café"]),
        row("b0dup", base[0], "2024-03-02"),
        row("b0copy", "EXCLUSIVE: the story\n\n" + base[0] + "\n\n" + SHARE, "2024-03-03"),
        row("b1copy", base[1] + "\n\n" + SHARE, "2024-03-05", source_feed={"name": "aggregator", "rank": 2}),
        row("b1", base[1], "2024-03-04"),
        row("b2", base[2], "2024-03-06"),
        row("b2cut", "\n\n".join(base[2].split("\n\n")[:4])),
        row("b3", base[3]),
        row("b3again", base[3]),
        *[row(f"b{k}", base[k], f"2024-03-{10 + k}", note='say "hi"\tthere') for k in range(4, 10)],
        row("rel5", rewritten, "2024-03-20"),
        row("part6", embedded, "2024-03-21"),
    ]


CLUSTERS = {"b0": ["b0dup", "b0copy"], "b1": ["b1copy"], "b2": ["b2cut"]}  # with b3/b3again: see test
SINGLES = [f"b{k}" for k in range(4, 10)] + ["rel5", "part6"]


def jsonl_lines(rows: list[dict]) -> list[str]:
    """The rows as JSONL lines written in varied ways (spacing, escapes), plus lines that are no article."""
    lines = []
    for k, row in enumerate(rows):
        lines.append(json.dumps(row, ensure_ascii=k % 2 == 0, separators=(",", ":") if k % 3 else (", ", ": ")))
    lines.insert(4, "not json at all")
    lines.insert(7, json.dumps({"id": "no-text", "title": "nothing to read"}))
    lines.insert(9, "")
    lines[10] += "   "  # trailing spaces
    return lines


@pytest.fixture(scope="module")
def feed(tmp_path_factory):
    """The corpus as a JSONL file, its lines, and its report (scanned once)."""
    path = tmp_path_factory.mktemp("feed") / "feed.jsonl"
    lines = jsonl_lines(known_corpus())
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path, lines, scan([str(path)])


def replaced_by(keep: dict[str, list[str]]) -> dict[str, str]:
    return {gone: k for k, gone_ in keep.items() for gone in gone_}


def test_the_corpus_has_the_clusters_it_was_built_with(feed):
    _, _, report = feed
    derives = {frozenset((p.a, p.b)): p for p in report.pairs if p.relation >= Relation.COPY}
    assert set(derives) == {frozenset(s) for s in ({"b0", "b0dup"}, {"b0", "b0copy"}, {"b0dup", "b0copy"},
                                                     {"b1", "b1copy"}, {"b2", "b2cut"}, {"b3", "b3again"})}
    weaker = {frozenset((p.a, p.b)): p.relation for p in report.pairs if p.relation < Relation.COPY}
    assert weaker == {frozenset({"b5", "rel5"}): Relation.RELATED, frozenset({"b6", "part6"}): Relation.PARTIAL}


def test_one_article_kept_per_cluster_the_original(feed):
    _, _, report = feed
    keep = kept(report)
    b3 = derived_source(report, "b3", "b3again")  # no date, same text: the report's original
    expected = {**CLUSTERS, b3: ["b3again" if b3 == "b3" else "b3"], **{s: [] for s in SINGLES}}
    assert keep == {a.id: expected[a.id] for a in report.articles if a.id in expected}
    assert len(report.articles) == 17 and len(keep) == 12


def derived_source(report: Report, a: str, b: str) -> str:
    (pair,) = [p for p in report.pairs if {p.a, p.b} == {a, b}]
    assert pair.source in (a, b)
    return pair.source


def test_jsonl_rows_are_copied_unchanged_with_the_field_added(feed, tmp_path):
    path, lines, report = feed
    keep = kept(report)
    out = tmp_path / "clean.jsonl"
    write_deduplicated(report, keep, out, row_file([str(path)]))
    written = out.read_text(encoding="utf-8").splitlines()
    expected = []
    for line in lines:
        row = json.loads(line) if line.startswith("{") else {}
        if row.get("id") in keep:
            expected.append(f'{line.rstrip()[:-1]}, "replaces": {json.dumps(keep[row["id"]])}}}')
    assert written == expected
    assert [json.loads(w) for w in written] == [
        {**json.loads(line), "replaces": keep[json.loads(line)["id"]]} for line in lines
        if line.startswith("{") and json.loads(line).get("id") in keep]
    assert not [f for f in os.listdir(tmp_path) if f != "clean.jsonl"]  # no temporary file left


def test_chosen_relations_drop_more(feed, tmp_path):
    path, _, report = feed
    out = tmp_path / "fewer.jsonl"
    keep = kept(report, DROP | {Relation.PARTIAL, Relation.RELATED})
    write_deduplicated(report, keep, out, row_file([str(path)]))
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert replaced_by({r["id"]: r["replaces"] for r in rows})["rel5"] == "b5"
    assert replaced_by({r["id"]: r["replaces"] for r in rows})["part6"] == "b6"
    assert len(rows) == 10  # the ten stories


def csv_records(rows: list[dict]) -> tuple[list[str], list[str]]:
    """The rows as CSV records (CRLF, quoted multi-line texts), each record's raw text, ids first."""
    fields = ["id", "text", "published", "note"]
    records = []
    for row in [dict(zip(fields, fields))] + rows:
        buffer = io.StringIO()
        csv.writer(buffer).writerow([row.get(f, "") for f in fields])
        records.append(buffer.getvalue())
    return [r.split(",", 1)[0] for r in records], records


def test_csv_rows_are_copied_unchanged_with_a_first_column(tmp_path):
    rows = known_corpus()
    ids, records = csv_records(rows)
    path = tmp_path / "feed.csv"
    records.insert(3, "\r\n")  # a blank line: no article
    path.write_text("".join(records), encoding="utf-8", newline="")
    _, keep = deduplicate([str(path)], tmp_path / "clean.csv")
    assert set(keep) == set(CLUSTERS) | set(SINGLES) | ({"b3"} if "b3" in keep else {"b3again"})
    raw = (tmp_path / "clean.csv").read_bytes().decode("utf-8")
    expected = "replaces," + records[0] + "".join(
        '"' + json.dumps(keep[i]).replace('"', '""') + '",' + r for i, r in zip(ids[1:], records[1:3] + records[4:])
        if i in keep)
    assert raw == expected
    read = list(csv.DictReader(io.StringIO(raw, newline="")))
    assert [r["id"] for r in read] == [r["id"] for r in rows if r["id"] in keep]
    assert all(json.loads(r["replaces"]) == keep[r["id"]] for r in read)


def test_a_folder_of_text_files_gives_records(tmp_path):
    folder = tmp_path / "news"
    folder.mkdir()
    for row in known_corpus():
        head = f"date {row['published']}\n\n" if "published" in row else ""
        (folder / f"{row['id']}.txt").write_text(head + row["text"], encoding="utf-8")
    out = tmp_path / "clean.jsonl"
    report, keep = deduplicate([str(folder)], out)
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in records] == [i for i in sorted(os.listdir(folder)) if i in keep]
    assert {r["id"]: r["replaces"] for r in records} == keep
    assert {i.removesuffix(".txt") for i in keep} >= {"b0", "b1", "b2", *SINGLES}
    assert replaced_by(keep)["b0copy.txt"] == "b0.txt" and replaced_by(keep)["b1copy.txt"] == "b1.txt"
    first = records[0]
    assert list(first) == ["id", "path", "line", "title", "published", "publisher", "url", "text", "replaces"]
    assert first["text"] == (folder / first["id"]).read_text(encoding="utf-8")
    assert first["path"] == str(folder / first["id"]) and first["published"] == "2024-03-01"


def test_the_seeds_keep_all_but_with_derived_dropped_the_original(fixtures_dir, fixtures_report):
    assert kept(fixtures_report) == {a.id: [] for a in fixtures_report.articles}  # no duplicate or copy there
    assert kept(fixtures_report, DROP | {Relation.PARTIAL, Relation.DERIVED})[ORIGINAL] == [DIGEST]
    everything = kept(fixtures_report, list(Relation))
    assert list(everything) == [ORIGINAL] and len(everything[ORIGINAL]) == 4
    stream = io.StringIO()
    write_deduplicated(fixtures_report, kept(fixtures_report, ["derived"]), stream)
    records = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [r["id"] for r in records] == [a.id for a in fixtures_report.articles if a.id != DIGEST]
    assert records[[r["id"] for r in records].index(ORIGINAL)]["replaces"] == [DIGEST]
    assert records[0]["text"] == (fixtures_dir / records[0]["id"]).read_text(encoding="utf-8")


# --- the rows as read: encodings, line endings, and refusals ------------------------------

def rows_report(path) -> Report:
    """The articles of ``path`` as a scan reads them (no comparison needed here)."""
    articles, _ = read_articles([str(path)])
    return Report(articles, [], [], {})


def test_jsonl_crlf_bom_and_a_last_line_without_newline(tmp_path):
    path = tmp_path / "f.jsonl"
    path.write_bytes(b'\xef\xbb\xbf{"id": "a", "text": "caf\xc3\xa9"}\r\n{"id": "b", "text": "two"}\r\n'
                     b'{"id": "c", "text": "three"}')
    rows = row_file([str(path)])
    out = io.StringIO()
    write_deduplicated(rows_report(path), {"a": ["b"], "c": []}, out, rows)
    assert out.getvalue() == ('{"id": "a", "text": "café", "replaces": ["b"]}\n'
                              '{"id": "c", "text": "three", "replaces": []}\n')


def test_jsonl_rows_copied_under_an_article_limit_past_what_a_read_can_ask(tmp_path):
    path = tmp_path / "f.jsonl"  # --max-article-mb 1e300: readline(4 x the limit) raised OverflowError
    path.write_text('{"id": "a", "text": "one"}\n{"id": "b", "text": "one"}\n', encoding="utf-8")
    out = io.StringIO()
    write_deduplicated(rows_report(path), {"a": ["b"]}, out, row_file([str(path)]), max_article_bytes=10 ** 306)
    assert out.getvalue() == '{"id": "a", "text": "one", "replaces": ["b"]}\n'


def test_jsonl_in_utf16_and_cp1252(tmp_path):
    wide = tmp_path / "wide.jsonl"
    wide.write_bytes('{"id": "a", "text": "ünï"}\n{"id": "b", "text": "b"}\n'.encode("utf-16"))
    out = io.StringIO()
    write_deduplicated(rows_report(wide), {"b": []}, out, row_file([str(wide)]))
    assert out.getvalue() == '{"id": "b", "text": "b", "replaces": []}\n'
    legacy = tmp_path / "legacy.csv"
    legacy.write_bytes(b"id,text\r\nx,caf\xe9 au lait\r\ny,other\r\n")
    out = io.StringIO()
    write_deduplicated(rows_report(legacy), {"x": ["y"]}, out, row_file([str(legacy)]))
    assert out.getvalue() == 'replaces,id,text\r\n"[""y""]",x,café au lait\r\n'


def test_a_field_already_named_replaces_is_refused(tmp_path):
    path = tmp_path / "again.jsonl"
    path.write_text('{"id": "a", "text": "one", "replaces": ["z"]}\n', encoding="utf-8")
    with pytest.raises(DeduplicatedError, match=r"again.jsonl:1: already has a 'replaces' field"):
        write_deduplicated(rows_report(path), {"a": []}, tmp_path / "out.jsonl", row_file([str(path)]))
    assert not (tmp_path / "out.jsonl").exists()
    table = tmp_path / "again.csv"
    table.write_text("id,text,Replaces\na,one,\n", encoding="utf-8")
    with pytest.raises(DeduplicatedError, match=r"again.csv:1: already has a 'replaces' field"):
        write_deduplicated(rows_report(table), {"a": []}, io.StringIO(), row_file([str(table)]))


def test_an_input_changed_since_the_scan_is_refused(tmp_path):
    path = tmp_path / "moving.jsonl"
    path.write_text('{"id": "a", "text": "one"}\n{"id": "b", "text": "two"}\n', encoding="utf-8")
    rows = row_file([str(path)])
    report = rows_report(path)
    path.write_text('{"id": "b", "text": "two"}\n', encoding="utf-8")
    out = tmp_path / "out.jsonl"
    out.write_text("old\n", encoding="utf-8")
    with pytest.raises(DeduplicatedError, match="moving.jsonl: changed since it was scanned"):
        write_deduplicated(report, {"a": [], "b": []}, out, rows)
    assert out.read_text(encoding="utf-8") == "old\n"  # left as it was


def test_which_inputs_are_copied_as_rows(tmp_path):
    (tmp_path / "a.jsonl").write_text("{}\n", encoding="utf-8")
    (tmp_path / "b.CSV").write_text("id\n", encoding="utf-8")
    (tmp_path / "c.json").write_text("{}\n", encoding="utf-8")
    assert row_file([str(tmp_path / "a.jsonl")]).format == "jsonl"
    assert row_file([str(tmp_path / "b.CSV")]).format == "csv"
    for paths in ([str(tmp_path / "c.json")], [str(tmp_path)], ["-"], [str(tmp_path / "a.jsonl")] * 2,
                  [str(tmp_path / "missing.jsonl")]):
        assert row_file(paths) is None

