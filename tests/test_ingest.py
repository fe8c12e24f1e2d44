"""Tests for dedup.ingest: formats, ids, directory walking, decoding and bad input."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest

from dedup.dates import format_published
from dedup.ingest import (MAX_ARTICLE_BYTES, NUL_REST, SUPPORTED, SURROGATES, decode, iter_articles,
                          read_articles)


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    return path


def by_id(articles):
    return {a.id: a for a in articles}


# --- formats -----------------------------------------------------------------

def test_txt_and_md_text_untouched_except_newlines(tmp_path):
    write(tmp_path / "a.txt", b"Title line\r\nMarch 5, 2024\r\n\r\nBody  text.\r")
    write(tmp_path / "b.md", "# Heading\n\nSome *markdown*.\n")
    articles, problems = read_articles([str(tmp_path)])
    assert problems == []
    got = by_id(articles)
    assert got["a.txt"].text == "Title line\nMarch 5, 2024\n\nBody  text.\n"
    assert got["a.txt"].title is None and got["a.txt"].published is None
    assert got["a.txt"].path == str(tmp_path / "a.txt") and got["a.txt"].line is None
    assert got["b.md"].text == "# Heading\n\nSome *markdown*.\n"


def test_file_without_extension_read_as_text(tmp_path):
    f = write(tmp_path / "README", "plain words")
    articles, problems = read_articles([str(f)])
    assert problems == [] and articles[0].text == "plain words"


HTML = """<!doctype html>
<html><head>
<title>Page title | Site</title>
<meta property="og:title" content="The Real Title">
<meta property="og:site_name" content="Example Daily">
<meta property="article:published_time" content="2024-03-05T10:00:00Z">
<link rel="canonical" href="https://example.com/a/1">
<style>p { color: red }</style>
<script>var tracking = 1;</script>
</head>
<body>
<header>Site header</header>
<nav><ul><li>Home</li><li>World</li></ul></nav>
<article>
  <h1>The Real Title</h1>
  <p>First   paragraph
     of the story &amp; more.</p>
  <script>alert(1)</script>
  <p>Second paragraph.<br>After break.</p>
  <aside>Related: other story</aside>
</article>
<footer>Copyright</footer>
</body></html>
"""


def test_html_main_text_and_metadata(tmp_path):
    f = write(tmp_path / "page.html", HTML)
    articles, problems = read_articles([str(f)])
    assert problems == []
    (a,) = articles
    assert a.id == "page.html"
    lines = a.text.split("\n")
    assert "First paragraph of the story & more." in lines
    assert "Second paragraph." in lines and "After break." in lines
    for junk in ("alert(1)", "<script>", "tracking", "Home", "Site header", "Copyright", "Related", "color"):
        assert junk not in a.text
    assert a.title == "The Real Title"
    assert a.published.isoformat() == "2024-03-05T10:00:00+00:00"  # the time kept, in its offset
    assert a.publisher == "Example Daily"
    assert a.url == "https://example.com/a/1"


def test_html_fallbacks_main_body_title_time(tmp_path):
    write(tmp_path / "m.htm", "<html><head><title> Plain  title </title></head><body><p>Menu junk</p>"
                              "<main><p>Main text.</p></main></body></html>")
    write(tmp_path / "b.html", "<body><h1>Heading One</h1><time datetime='2023-01-02'>Jan 2</time>"
                               "<div>Body only text.</div><script>alert(1)</script></body>")
    got = by_id(read_articles([str(tmp_path)])[0])
    assert got["m.htm"].text == "Main text."
    assert got["m.htm"].title == "Plain title"
    assert "Body only text." in got["b.html"].text and "alert" not in got["b.html"].text
    assert got["b.html"].title == "Heading One"
    assert format_published(got["b.html"].published) == "2023-01-02"


def test_html_table_cells_and_captions_end_lines(tmp_path):
    """A table layout: the menu cell, the headline and the side cell each on lines of their
    own (cells ran together: "SportHeadline"), and so are a figure's caption and list items."""
    write(tmp_path / "t.html", "<body><table><tr><td>Home<br>Sport</td><td><b>Headline here</b><br>Body text one."
                               "<br><br>Body text two.</td><td><b>Most read</b><br>"
                               "Other</td></tr></table><figure><img src=x><figcaption>Cap</figcaption></figure>"
                               "<ul><li>One</li></ul></body>")
    lines = by_id(read_articles([str(tmp_path)])[0])["t.html"].text.split("\n")
    assert {"Sport", "Headline here", "Most read", "Other", "Cap", "One"} <= set(lines)


def test_html_without_text_is_a_problem(tmp_path):
    write(tmp_path / "empty.html", "<html><body><nav>Only navigation</nav><script>x()</script></body></html>")
    write(tmp_path / "ok.txt", "good")
    articles, problems = read_articles([str(tmp_path)])
    assert [a.id for a in articles] == ["ok.txt"]
    assert [(p.path, p.message) for p in problems] == [
        (str(tmp_path / "empty.html"), "no article text found in HTML")]


def test_json_object_and_list(tmp_path):
    write(tmp_path / "one.json", json.dumps({"id": 7, "body": "Object body", "title": "T",
                                             "date": "2024-01-02", "source": "Wire", "url": "u"}))
    write(tmp_path / "many.json", json.dumps([{"text": "first"}, {"content": "second", "id": "x"},
                                              {"text": "third", "published": "2024-02-03T00:00"}]))
    articles, problems = read_articles([str(tmp_path)])
    assert problems == []
    got = by_id(articles)
    assert got["7"].text == "Object body" and got["7"].title == "T"
    assert format_published(got["7"].published) == "2024-01-02" and got["7"].publisher == "Wire" and got["7"].url == "u"
    assert got["many.json:1"].text == "first"
    assert got["x"].text == "second"
    assert format_published(got["many.json:3"].published) == "2024-02-03"
    assert got["many.json:1"].line is None
    # sorted order: many.json before one.json, list order kept
    assert [a.id for a in articles] == ["many.json:1", "x", "many.json:3", "7"]


def test_jsonl_rows(tmp_path):
    rows = [{"id": "a", "text": "alpha", "publisher": "P"}, {"text": "beta", "title": 5}]
    f = write(tmp_path / "rows.jsonl", "\n".join(json.dumps(r) for r in rows) + "\n\n")
    articles, problems = read_articles([str(f)])
    assert problems == []
    assert [(a.id, a.text, a.line) for a in articles] == [("a", "alpha", 1), ("rows.jsonl:2", "beta", 2)]
    assert articles[0].publisher == "P" and articles[1].title == "5"
    assert articles[0].path == str(f)


def test_csv_with_multiline_quoted_field(tmp_path):
    content = ('id,title,text\n'
               'c1,First,"Line one\nline two, with comma"\n'
               ',Second,"He said ""hi"""\n')
    f = write(tmp_path / "data.csv", content)
    articles, problems = read_articles([str(f)])
    assert problems == []
    a, b = articles
    assert (a.id, a.title, a.text, a.line) == ("c1", "First", "Line one\nline two, with comma", 2)
    assert (b.id, b.text, b.line) == ("data.csv:4", 'He said "hi"', 4)


def test_csv_missing_text_reports_line(tmp_path):
    f = write(tmp_path / "d.csv", "id,text\nx,\ny,good\n")
    articles, problems = read_articles([str(f)])
    assert [a.id for a in articles] == ["y"]
    assert [(p.line, p.message) for p in problems] == [(2, "no 'text' (or 'body'/'content') field")]


# --- ids, walking, stdin -------------------------------------------------------

def test_ids_relative_to_given_directory_and_sorted_recursion(tmp_path):
    root = tmp_path / "corpus"
    write(root / "b.txt", "b")
    write(root / "a" / "z.txt", "az")
    write(root / "a" / "sub" / "y.txt", "asy")
    write(root / "c.md", "c")
    articles, problems = read_articles([str(root)])
    assert problems == []
    assert [a.id for a in articles] == ["a/sub/y.txt", "a/z.txt", "b.txt", "c.md"]
    assert articles[0].path == str(root / "a" / "sub" / "y.txt")


def test_file_given_directly_uses_file_name(tmp_path):
    f = write(tmp_path / "deep" / "dir" / "story.txt", "text")
    (a,), _ = read_articles([str(f)])
    assert a.id == "story.txt" and a.path == str(f)


def test_hidden_files_and_dirs_skipped(tmp_path):
    write(tmp_path / ".hidden.txt", "secret")
    write(tmp_path / ".git" / "x.txt", "secret")
    write(tmp_path / "visible.txt", "shown")
    articles, problems = read_articles([str(tmp_path)])
    assert [a.id for a in articles] == ["visible.txt"] and problems == []


def test_duplicate_ids_made_unique(tmp_path):
    write(tmp_path / "d1" / "same.txt", "one")
    write(tmp_path / "d2" / "same.txt", "two")
    write(tmp_path / "r.jsonl", '{"id": "same.txt", "text": "three"}\n')
    articles, problems = read_articles([str(tmp_path / "d1"), str(tmp_path / "d2"), str(tmp_path / "r.jsonl")])
    assert [a.id for a in articles] == ["same.txt", "same.txt#2", "same.txt#3"]
    assert [a.text for a in articles] == ["one", "two", "three"]
    assert [(p.path, p.line, p.level, p.message) for p in problems] == [  # each rename said, once all is read
        (str(tmp_path / "d2" / "same.txt"), None, "warning",
         "duplicate id 'same.txt' (already used in this run): renamed 'same.txt#2'"),
        (str(tmp_path / "r.jsonl"), 1, "warning",
         "duplicate id 'same.txt' (already used in this run): renamed 'same.txt#3'")]


def test_id_too_long_gets_the_row_default_id_with_a_warning(tmp_path):
    # each report repeats an id for each pair: a 100,000-character id made a 27-article table
    # take 165 s and 171 MB
    long_id = "a" * 100_000
    write(tmp_path / "r.jsonl", json.dumps({"id": long_id, "text": "one"}) + "\n"
                                + json.dumps({"id": "b" * 2048, "text": "two"}) + "\n")
    write(tmp_path / "r.csv", f"id,text\n{long_id},three\n")
    write(tmp_path / "r.json", json.dumps([{"id": long_id, "text": "four"}]))
    articles, problems = read_articles([str(tmp_path)])
    assert [(a.id, a.text) for a in articles] == [("r.csv:2", "three"), ("r.json:1", "four"),
                                                  ("r.jsonl:1", "one"), ("b" * 2048, "two")]
    too_long = "id too long (100,000 characters, over 2,048): named "
    assert [(p.path, p.line, p.level, p.message) for p in problems] == [
        (str(tmp_path / "r.csv"), 2, "warning", too_long + "'r.csv:2'"),
        (str(tmp_path / "r.json"), None, "warning", "item 1: " + too_long + "'r.json:1'"),
        (str(tmp_path / "r.jsonl"), 1, "warning", too_long + "'r.jsonl:1'")]


def test_stdin_jsonl(tmp_path):
    stdin = io.StringIO('{"text": "from stdin"}\r\nnot json\n{"id": "s2", "text": "second"}\n')
    articles, problems = read_articles(["-"], stdin=stdin)
    assert [(a.id, a.text, a.path, a.line) for a in articles] == [
        ("-:1", "from stdin", "-", 1), ("s2", "second", "-", 3)]
    assert [(p.path, p.line) for p in problems] == [("-", 2)]
    assert problems[0].message.startswith("invalid JSON: ")


def test_an_article_limit_past_what_a_read_can_ask_reads_jsonl(tmp_path):
    # --max-article-mb 1e300: readline(4 x the limit) raised OverflowError (a traceback)
    f = write(tmp_path / "feed.jsonl", '{"id": "a", "text": "one"}\n')
    stdin = io.StringIO('{"id": "b", "text": "two"}\n')
    articles, problems = read_articles([str(f), "-"], stdin=stdin, max_article_bytes=10 ** 306)
    assert [(a.id, a.text) for a in articles] == [("a", "one"), ("b", "two")] and problems == []


def test_stdin_binary_buffer_is_decoded_per_line():
    class FakeStdin(io.TextIOWrapper):
        pass
    raw = io.BytesIO(b'{"text": "caf\xe9"}\n{"text": "ok \xc3\xa9"}\n')
    articles, problems = read_articles(["-"], stdin=FakeStdin(raw))
    assert [a.text for a in articles] == ["café", "ok é"]
    assert [(p.path, p.line, p.level) for p in problems] == [("-", 1, "warning")]


def test_iter_articles_is_a_generator(tmp_path):
    write(tmp_path / "a.txt", "a")
    problems = []
    it = iter_articles([str(tmp_path)], problems)
    assert iter(it) is it
    assert next(it).id == "a.txt"


# --- decoding --------------------------------------------------------------------

@pytest.mark.parametrize("data, expected", [
    ("café naïve".encode("utf-8"), "café naïve"),
    (b"\xef\xbb\xbf" + "café".encode("utf-8"), "café"),
    (b"\xff\xfe" + "café\r\nx".encode("utf-16-le"), "café\nx"),
    (b"\xfe\xff" + "café".encode("utf-16-be"), "café"),
    (b"caf\xe9 \x93quoted\x94", "café \u201cquoted\u201d"),
    (b"a\r\nb\rc\n", "a\nb\nc\n"),
    (b"", ""),
])
def test_decode(data, expected):
    assert decode(data) == expected


@pytest.mark.parametrize("data", [b"\xff\xfe\x00", b"\x81\x8d\x8f\x90\x9d", b"\xc3", b"\xfe\xff\xd8\x00"])
def test_decode_never_raises(data):
    assert isinstance(decode(data), str)


def test_encoded_files_read(tmp_path):
    write(tmp_path / "bom.txt", b"\xef\xbb\xbfBOM text")
    write(tmp_path / "u16.txt", b"\xff\xfe" + "utf-16 text".encode("utf-16-le"))
    write(tmp_path / "u16be.txt", b"\xfe\xff" + "big endian".encode("utf-16-be"))
    write(tmp_path / "win.txt", b"caf\xe9 \x93quoted\x94")
    articles, problems = read_articles([str(tmp_path)])
    assert [(os.path.basename(p.path), p.level) for p in problems] == [("win.txt", "warning")]
    assert {a.id: a.text for a in articles} == {
        "bom.txt": "BOM text", "u16.txt": "utf-16 text", "u16be.txt": "big endian",
        "win.txt": "café \u201cquoted\u201d"}


# --- bad input: reported, others still read ---------------------------------------

def test_binary_file(tmp_path):
    write(tmp_path / "img.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    write(tmp_path / "ok.txt", "good")
    articles, problems = read_articles([str(tmp_path)])
    assert [a.id for a in articles] == ["ok.txt"]
    assert [(p.path, p.line, p.message) for p in problems] == [
        (str(tmp_path / "img.txt"), None, "binary file, not text (skipped)")]


def test_empty_and_whitespace_files(tmp_path):
    write(tmp_path / "a_empty.txt", b"")
    write(tmp_path / "b_blank.jsonl", b"  \n\t\r\n")
    write(tmp_path / "ok.txt", "good")
    articles, problems = read_articles([str(tmp_path)])
    assert [a.id for a in articles] == ["ok.txt"]
    assert [(os.path.basename(p.path), p.message) for p in problems] == [
        ("a_empty.txt", "empty file"), ("b_blank.jsonl", "empty file")]


def test_invalid_utf8_is_read_with_a_warning_naming_file_and_line(tmp_path):
    write(tmp_path / "bad.txt", b"first line\nok \xff\xfe\x81 end \xc3")
    write(tmp_path / "bad.jsonl", b'{"text": "fine"}\n{"text": "caf\xe9"}\n')
    write(tmp_path / "ok.txt", "good")
    articles, problems = read_articles([str(tmp_path)])
    assert [(os.path.basename(p.path), p.line, p.level) for p in problems] == [
        ("bad.jsonl", 2, "warning"), ("bad.txt", 2, "warning")]
    assert all("not valid UTF-8" in p.message for p in problems)
    assert str(problems[1]).startswith(f"{tmp_path / 'bad.txt'}:2: not valid UTF-8")
    got = by_id(articles)
    assert got["bad.txt"].text.startswith("first line\nok ") and got["bad.txt"].text.endswith(" end \u00c3")
    assert got["bad.jsonl:1"].text == "fine"
    assert got["bad.jsonl:2"].text == "café"
    assert got["ok.txt"].text == "good"


def test_broken_jsonl_line_in_the_middle(tmp_path):
    f = write(tmp_path / "feed.jsonl", '{"text": "first"}\n{"text": "oops",\n{"text": "third"}\n')
    articles, problems = read_articles([str(f)])
    assert [(a.text, a.line) for a in articles] == [("first", 1), ("third", 3)]
    (p,) = problems
    assert p.path == str(f) and p.line == 2 and p.message.startswith("invalid JSON: ")
    assert str(p).startswith(f"{f}:2: invalid JSON")


def test_rows_without_text_or_not_objects(tmp_path):
    f = write(tmp_path / "r.jsonl", '{"title": "no text"}\n[1, 2]\n{"text": "   "}\n{"text": "kept"}\n')
    g = write(tmp_path / "list.json", json.dumps([{"title": "x"}, "str", {"body": "fine"}]))
    articles, problems = read_articles([str(f), str(g)])
    assert [a.text for a in articles] == ["kept", "fine"]
    msg = "no 'text' (or 'body'/'content') field"
    assert [(p.line, p.message) for p in problems[:3]] == [(1, msg), (2, msg), (3, msg)]
    assert [p.message for p in problems[3:]] == [f"item 1: {msg}", f"item 2: {msg}"]


def test_invalid_json_file(tmp_path):
    write(tmp_path / "bad.json", '{"text": "x",\n  oops}')
    write(tmp_path / "deep.json", "[" * 100000)
    write(tmp_path / "ok.txt", "good")
    articles, problems = read_articles([str(tmp_path)])
    assert [a.id for a in articles] == ["ok.txt"]
    assert [(os.path.basename(p.path), p.line) for p in problems] == [("bad.json", 2), ("deep.json", None)]
    assert all(p.message.startswith("invalid JSON: ") for p in problems)


def test_unsupported_extension_and_missing_path(tmp_path):
    write(tmp_path / "doc.pdf", b"%PDF-1.4")
    write(tmp_path / "ok.txt", "good")
    missing = str(tmp_path / "nope.txt")
    articles, problems = read_articles([str(tmp_path), str(tmp_path / "doc.pdf"), missing])
    assert [a.id for a in articles] == ["ok.txt"]
    unsupported = f"unsupported file type '.pdf' (supported: {' '.join(SUPPORTED)})"
    assert [(p.path, p.message) for p in problems] == [
        (str(tmp_path / "doc.pdf"), unsupported),
        (str(tmp_path / "doc.pdf"), unsupported),
        (missing, "no such file or directory")]


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs a non-root POSIX user")
def test_unreadable_file(tmp_path):
    f = write(tmp_path / "locked.txt", "secret")
    f.chmod(0)
    write(tmp_path / "ok.txt", "good")
    try:
        articles, problems = read_articles([str(tmp_path)])
    finally:
        f.chmod(0o644)
    assert [a.id for a in articles] == ["ok.txt"]
    assert [p.message for p in problems] == ["cannot read: Permission denied"]


def test_unreadable_file_via_oserror(tmp_path, monkeypatch):
    f = write(tmp_path / "locked.txt", "secret")
    write(tmp_path / "ok.txt", "good")
    real_open = os.open

    def fake_open(path, *args, **kwargs):
        if str(path) == str(f):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", fake_open)
    articles, problems = read_articles([str(tmp_path)])
    assert [a.id for a in articles] == ["ok.txt"]
    assert [(p.path, p.message) for p in problems] == [(str(f), "cannot read: Permission denied")]


def test_malformed_html_markup_read_as_browsers_read_it(tmp_path):
    # a marked section of an unknown keyword is a bogus comment (Python 3.11's parser raised
    # AssertionError, and the page was refused: "cannot parse HTML")
    write(tmp_path / "weird.html", "<p>text<![foo[ x ]]>more</p>")
    write(tmp_path / "ok.txt", "good")
    articles, problems = read_articles([str(tmp_path)])
    assert [(a.id, a.text) for a in articles] == [("ok.txt", "good"), ("weird.html", "textmore")]
    assert problems == []


def test_html_character_reference_with_thousands_of_digits_is_read(tmp_path):
    # html.unescape reads a decimal reference with int(): past 4,300 digits a ValueError (traceback)
    write(tmp_path / "big.html", "<p>Budget approved &#" + "9" * 5000 + "; &#" + "0" * 5000 + "65;</p>"
                                 "<meta name=date content='&#" + "1" * 5000 + ";'>")
    articles, problems = read_articles([str(tmp_path)])
    assert [(a.id, a.text) for a in articles] == [("big.html", "Budget approved \ufffd A")]
    assert [p.message for p in problems] == ["article big.html: publication date '\ufffd' not used "
                                             "(unrecognised date: '\ufffd')"]


def test_jsonl_is_streamed_line_by_line_with_bom_crlf_and_one_bad_line(tmp_path):
    f = write(tmp_path / "feed.jsonl", b'\xef\xbb\xbf{"text": "caf\xc3\xa9"}\r\n{"text": "na\xefve"}\r\n'
                                       b'{"text": "na\xc3\xafve"}\r\n{"text": "\xe9t\xe9"}\n')
    articles, problems = read_articles([str(f)])
    assert [(a.text, a.line) for a in articles] == [("café", 1), ("naïve", 2), ("naïve", 3), ("été", 4)]
    assert [(p.line, p.level) for p in problems] == [(2, "warning")]  # the file's first bad line


# --- hostile input (issue 18): bounded, named, never silent ----------------------------

def test_lone_surrogates_become_replacement_characters_with_a_warning(tmp_path):
    write(tmp_path / "s.jsonl", '{"id": "a\\ud800", "title": "T\\udfff", "text": "one \\ud800 two"}\n'
                                '{"id": "ok", "text": "pair \\ud83d\\ude00 kept"}\n')
    write(tmp_path / "s.json", '[{"text": "x"}, {"text": "y \\udc00"}]')
    articles, problems = read_articles([str(tmp_path)])
    assert [(a.id, a.text, a.title) for a in articles] == [
        ("s.json:1", "x", None), ("s.json:2", "y \ufffd", None),
        ("a\ufffd", "one \ufffd two", "T\ufffd"), ("ok", "pair \U0001F600 kept", None)]
    assert [(os.path.basename(p.path), p.line, p.level, p.message) for p in problems] == [
        ("s.json", None, "warning", "item 2: " + SURROGATES), ("s.jsonl", 1, "warning", SURROGATES)]
    for a in articles:
        a.text.encode("utf-8")  # what hashing needs


def test_article_over_the_limit_is_refused_unread(tmp_path):
    limit = 1000
    write(tmp_path / "big.txt", "w" * 1001)
    write(tmp_path / "fits.txt", "w" * 1000)
    write(tmp_path / "feed.jsonl", json.dumps({"text": "v" * 1001}) + "\n" + "x" * 5000 + "\n"
          + json.dumps({"id": "after", "text": "small"}) + "\n")
    write(tmp_path / "rows.csv", "id,text\nc1,small\nc2," + "c" * 1001 + "\n")
    articles, problems = read_articles([str(tmp_path)], max_article_bytes=limit)
    assert [a.id for a in articles] == ["after", "fits.txt", "c1"]
    assert [(os.path.basename(p.path), p.line, p.message.split(":")[0]) for p in problems] == [
        ("big.txt", None, "article too large"), ("feed.jsonl", 1, "article too large"),
        ("feed.jsonl", 2, "line too long"), ("rows.csv", 3, "article too large")]
    assert problems[0].message == "article too large: 1001 bytes, over the 1000 bytes limit (--max-article-mb): not read"


def test_long_jsonl_line_is_never_held_whole(tmp_path):
    class Counting(io.BytesIO):
        biggest = 0

        def readline(self, size=-1):
            line = super().readline(size)
            Counting.biggest = max(Counting.biggest, len(line))
            return line

    stdin = io.TextIOWrapper(Counting(b'{"text": "' + b"z" * 50_000 + b'"}\n{"text": "fine"}\n'))
    articles, problems = read_articles(["-"], stdin=stdin, max_article_bytes=1000)
    assert [(a.text, a.line) for a in articles] == [("fine", 2)]
    assert [(p.path, p.line) for p in problems] == [("-", 1)] and problems[0].message.startswith("line too long")
    assert Counting.biggest <= 1 << 20


def test_default_limit_is_10_mb():
    assert MAX_ARTICLE_BYTES == 10 << 20


def test_only_regular_files_are_read(tmp_path):
    os.mkfifo(tmp_path / "pipe.txt")
    write(tmp_path / "ok.txt", "fine")
    articles, problems = read_articles([str(tmp_path), str(tmp_path / "pipe.txt"), "/dev/zero"])
    assert [a.id for a in articles] == ["ok.txt"]
    assert [(p.path, p.message) for p in problems] == [
        (str(tmp_path / "pipe.txt"), "not a regular file (a FIFO): not read"),
        (str(tmp_path / "pipe.txt"), "not a regular file (a FIFO): not read"),
        ("/dev/zero", "not a regular file (a character device): not read")]


def test_symlinks_followed_inside_the_folder_only(tmp_path):
    root, outside = tmp_path / "root", tmp_path / "outside"
    write(root / "a.txt", "a")
    write(outside / "o.txt", "out")
    (root / "in_link.txt").symlink_to(root / "a.txt")
    (root / "sub").mkdir()
    (root / "sub" / "up").symlink_to(root)  # a loop: walked once
    (root / "out_dir").symlink_to(outside)
    (root / "out_file.txt").symlink_to(outside / "o.txt")
    (root / "slash").symlink_to("/")
    (root / "broken.txt").symlink_to(tmp_path / "nowhere")
    articles, problems = read_articles([str(root)])
    assert [a.id for a in articles] == ["a.txt", "in_link.txt"]
    assert [(os.path.basename(p.path), p.level, p.message.split(",")[0]) for p in problems] == [
        ("broken.txt", "error", "no such file or directory (broken symbolic link)"),
        ("out_dir", "warning", f"symbolic link to {outside}"),
        ("out_file.txt", "warning", f"symbolic link to {outside / 'o.txt'}"),
        ("slash", "warning", "symbolic link to /")]
    assert problems[1].message.endswith(f"outside {root}: not followed (--follow-links follows it)")
    articles, problems = read_articles([str(root / "out_dir"), str(root)], follow_links=False)
    assert [a.id for a in articles][:1] == ["o.txt"]  # a link given as PATH is the user's choice


def test_follow_links_follows_out_of_the_folder_and_still_stops_loops(tmp_path):
    root, outside = tmp_path / "root", tmp_path / "outside"
    write(outside / "o.txt", "out")
    (outside / "back").symlink_to(root)
    root.mkdir()
    (root / "out_dir").symlink_to(outside)
    articles, problems = read_articles([str(root)], follow_links=True)
    assert [a.id for a in articles] == ["out_dir/o.txt"] and problems == []


def test_deep_folders_walked_without_recursion(tmp_path):
    import inspect
    import sys

    deep = tmp_path
    for _ in range(150):
        deep = deep / "d"
        deep.mkdir()
    write(deep / "bottom.txt", "deep down")
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(len(inspect.stack()) + 60)  # fewer frames than folders (shutil.rmtree recurses: kept small)
    try:
        articles, problems = read_articles([str(tmp_path)])
    finally:
        sys.setrecursionlimit(limit)
    assert [a.text for a in articles] == ["deep down"] and problems == []


@pytest.mark.parametrize("encoding", ["utf-32", "utf-32-le", "utf-32-be", "utf-16", "utf-16-le", "utf-16-be"])
def test_utf32_and_utf16_by_their_bom(tmp_path, encoding):
    bom = "" if encoding in ("utf-32", "utf-16") else "\ufeff"  # these two codecs write the BOM themselves
    write(tmp_path / "w.txt", (bom + "café naïve\r\nline").encode(encoding))
    write(tmp_path / "w.jsonl", (bom + '{"text": "wide row"}\n').encode(encoding))
    articles, problems = read_articles([str(tmp_path)])
    assert [a.text for a in articles] == ["wide row", "café naïve\nline"] and problems == []


def test_nul_byte_after_the_sniffed_head(tmp_path):
    write(tmp_path / "late.txt", "text line\n" * 1000 + "x\x00y\n")
    rows = "".join(json.dumps({"text": f"row {i}"}) + "\n" for i in range(1, 501))
    write(tmp_path / "late.jsonl", rows + '{"text": "nul \x00"}\n{"text": "after"}\n')
    write(tmp_path / "late.json", json.dumps([{"text": "t " * 5000}]) + "\x00")
    articles, problems = read_articles([str(tmp_path)])
    assert len(articles) == 500 and articles[-1].text == "row 500"
    assert [(os.path.basename(p.path), p.line, p.message) for p in problems] == [
        ("late.json", 1, "binary data (a NUL byte), not text: not read"),
        ("late.jsonl", 501, NUL_REST),
        ("late.txt", 1001, "binary data (a NUL byte), not text: not read")]


@pytest.mark.parametrize("tail", ["<a " * 200, "<!--" * 200, "</" * 200 + "x", "<?x <b " * 100, "&amp;<a <" * 100,
                                  "<script>" + "<a " * 200, "<!-- c --" + "<p <b x=" * 100])
def test_markup_that_can_never_close_is_read_as_text_at_once_and_the_same(tail, monkeypatch):
    """The "<" after a page's last ">" can never close: past html_text.UNCLOSED_MARKS of them they
    are written "&lt;" before parsing (the parser searched the rest of the page once for each:
    20,000 "<a " took 48 s), and the page reads as it did."""
    import dedup.ingest.html_text as html_text
    page = "<html><body><p>The council approved the budget on Monday.</p>" + tail
    assert html_text.unclosed_as_text(page) != page
    rewritten = html_text.extract_html(page)
    monkeypatch.setattr(html_text, "UNCLOSED_MARKS", len(page))  # as the parser alone reads it
    monkeypatch.setattr(html_text.unclosed_as_text, "__defaults__", (len(page),))
    assert html_text.unclosed_as_text(page) == page
    assert rewritten == html_text.extract_html(page) and "The council approved" in rewritten["text"]


def test_comments_that_cannot_close_are_searched_for_their_end_once(monkeypatch):
    """The parser searched the rest of the page for a comment's end once for each "<!--" (10,000
    "<!-- a>" took 1.9 s, four times as long at twice as many): a search that found no end
    answers for every later opening, and the page reads the same."""
    import re

    import dedup.ingest.html_text as html_text
    searches, close = [], re.compile(html_text.COMMENT_CLOSE.pattern)

    class Counted:
        def search(self, text, at):
            searches.append(at)
            return close.search(text, at)

    page = "<p>Story here.</p><!-- hidden --><p>Then" + "<!-- a>" * 300 + "</p><p>After</p>"
    monkeypatch.setattr(html_text, "COMMENT_CLOSE", Counted())
    text = html_text.extract_html(page)["text"]
    assert len(searches) <= 3 and "hidden" not in text
    assert "Story here." in text and "<!-- a>" * 300 in text and "After" in text


@pytest.mark.parametrize("section", ["<![foo bar]]>", "<![ bar>", "<![123]>"])
def test_marked_section_of_an_unknown_keyword_is_a_bogus_comment_not_a_lost_page(section):
    """Python 3.11's parser raised AssertionError on "<![foo", and the page was not read."""
    from dedup.ingest.html_text import extract_html
    page = f"<p>The council approved the budget.</p>{section}<p>Then it adjourned.</p>"
    assert extract_html(page)["text"] == "The council approved the budget.\nThen it adjourned."


def test_marked_sections_that_cannot_close_are_searched_for_their_end_once(monkeypatch):
    import re

    import dedup.ingest.html_text as html_text
    searches, close = [], re.compile(html_text.SECTION_CLOSE["cdata"].pattern)

    class Counted:
        def search(self, text, at):
            searches.append(at)
            return close.search(text, at)

    page = "<p>Story here.</p><![CDATA[ kept ]]><p>Then" + "<![CDATA[ a>" * 300 + "</p><p>After</p>"
    monkeypatch.setitem(html_text.SECTION_CLOSE, "cdata", Counted())
    text = html_text.extract_html(page)["text"]
    assert len(searches) <= 3 and "<![CDATA[ a>" * 300 in text and "After" in text and "kept" not in text
