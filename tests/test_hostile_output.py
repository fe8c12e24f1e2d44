"""Issue 18, the output part: hostile file names and article text reach every output escaped
and inert, and a report file is written whole or not at all.

File names that are not UTF-8 (``bad\\xff.txt``) and names with control characters (ESC, a
newline that would start a forged GitHub workflow command) are made in ``tmp_path``; the
commands run in a subprocess (:mod:`hostile`: time and memory bounded).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest
from hostile import assert_refused, run_dedup

from dedup.check import Finding
from dedup.cli.output import write_report
from dedup.model import Article, Evidence, Pair, Relation, Report, Scores
from dedup.report import atomic_write, save
from dedup.report.findings import render_findings

STORY = ("The city council approved the new budget on Monday after a long debate about schools, "
         "roads and the harbour. Members argued for hours before the final vote was taken late at night. ")
TEXT = STORY * 6
BAD = b"bad\xff.txt"  # not UTF-8
BAD_SHOWN = "bad\\xff.txt"
CTRL = "a\x1b[31mred\nfake.txt"  # ESC recolours a terminal, the newline fakes a line
CTRL_SHOWN = "a\\x1b[31mred\\nfake.txt"
FORGE = "x\n::error file=forged.txt,line=1::forged\r.txt"  # would be a workflow command of its own
HOSTILE_HTML = ("Extra <img src=x onerror=alert(1)> and <script>alert(1)</script> | a pipe, "
                "[click](javascript:alert(1)) ![pixel](http://example.com/t.gif)")


def _corpus(folder: Path) -> Path:
    """``ok.txt`` and two copies: one named with a byte that is not UTF-8, one with control characters;
    the text shared opens with HTML and Markdown links (quoted in the evidence)."""
    folder.mkdir()
    (folder / "ok.txt").write_text(HOSTILE_HTML + "\n" + TEXT, encoding="utf-8")
    with open(os.path.join(os.fsencode(folder), BAD), "wb") as f:
        f.write((HOSTILE_HTML + "\n" + TEXT[: len(TEXT) * 3 // 4]).encode())
    (folder / CTRL).write_text(HOSTILE_HTML + "\n" + TEXT, encoding="utf-8")
    return folder


def _no_temp_files(folder: Path) -> None:
    assert not [n for n in os.listdir(folder) if n.endswith(".tmp")]


@pytest.fixture(scope="module")
def scans(tmp_path_factory) -> dict[str, tuple[subprocess.CompletedProcess, str]]:
    """``dedup scan`` of the hostile corpus: a report per format (``-o``), and the table on stdout
    (with an unsupported file named with ESC and a byte not UTF-8, which gets a warning)."""
    tmp = tmp_path_factory.mktemp("scan")
    corpus = _corpus(tmp / "in")
    pdf = os.path.join(os.fsencode(corpus), b"e\x1b[2J\xfe.pdf")
    with open(pdf, "wb") as f:
        f.write(b"%PDF-1.4")
    out = {"table": (run_dedup(["scan", corpus, pdf]), "")}
    for fmt in ("md", "json", "html"):
        path = tmp / f"report.{fmt}"
        proc = run_dedup(["scan", corpus, "-o", path])
        out[fmt] = (proc, path.read_bytes().decode("utf-8") if path.exists() else "")  # strict: valid UTF-8
    _no_temp_files(tmp)
    return out


@pytest.mark.parametrize("fmt", ["table", "md", "json", "html"])
def test_scan_report_shows_hostile_names_escaped(scans, fmt):
    proc, text = scans[fmt]
    assert proc.returncode == 0, proc.stderr
    if fmt == "table":
        assert b"\xff" not in proc.stdout
        text = proc.stdout.decode("utf-8")
    else:
        assert_refused(proc, f"report.{fmt}")  # no traceback; the summary line names the report
    assert "\x1b" not in text
    if fmt == "json":
        ids = {a["id"] for a in json.loads(text)["articles"]}
        assert ids == {"ok.txt", BAD_SHOWN, CTRL}  # JSON escapes the control characters itself
    elif fmt == "html":
        assert BAD_SHOWN in text and CTRL_SHOWN.replace("\\n", "\n") in text
        data = re.search(r'<script type="application/json" id="dedup-data">(.*?)</script>', text, re.S).group(1)
        assert {a[0] for a in json.loads(data)["articles"]} == {"ok.txt", BAD_SHOWN, CTRL}
    elif fmt == "md":
        assert BAD_SHOWN.replace("\\", "\\\\") in text and "a\\\\x1b\\[31mred\\\\nfake.txt" in text
    else:  # a name cannot add a line: no row starts with the end of a name
        assert BAD_SHOWN in text and CTRL_SHOWN in text
        assert not any(line.startswith("fake.txt") for line in text.splitlines())


def test_scan_warnings_on_stderr_escaped(scans):
    proc, _ = scans["table"]
    err = assert_refused(proc, "e\\x1b[2J\\xfe.pdf: unsupported file type")
    assert "\x1b" not in err


def test_cannot_write_line_escapes_output_name(tmp_path, capsys):
    out = os.path.join(os.fsdecode(tmp_path), "no\x1b[2Jdir\udcff", "r.md")  # its folder does not exist
    assert write_report(Report([], [], [], {}), "md", out) == 2
    err = capsys.readouterr().err
    assert "cannot write" in err and "no\\x1b[2Jdir\\xff" in err and "\x1b" not in err


def test_markdown_keeps_article_html_and_links_inert(scans):
    md = scans["md"][1]
    assert "&lt;img src=x onerror=alert(1)&gt;" in md and "&lt;script&gt;" in md  # quoted in the evidence
    assert "<img" not in md and "<script" not in md
    assert "\\[click\\](javascript" in md and "!\\[pixel\\](" in md
    assert not re.search(r"(?<!\\)\]\(", md)  # no link or image: every ] escaped
    lines = md.splitlines()  # every table row has as many unescaped cell separators as its header
    for k, line in enumerate(lines):
        if line.startswith("|") and not lines[k - 1].startswith("|"):
            width = line.count("|")
            for row in lines[k:]:
                if not row.startswith("|"):
                    break
                assert row.count("|") - row.count("\\|") == width, row


# --- dedup check: table, json, sarif, github ------------------------------------------------


NEW_NAMES = (CTRL, FORGE, "evil,name:1.txt")


@pytest.fixture(scope="module")
def checks(tmp_path_factory) -> tuple[Path, dict[str, subprocess.CompletedProcess]]:
    """``dedup check new --against pub`` in three formats: ``new/`` holds copies of ``pub/ok.txt``
    named with control characters, with a forged workflow command, and with ``,`` and ``:``."""
    tmp = tmp_path_factory.mktemp("check")
    pub, new = tmp / "pub", tmp / "new"
    pub.mkdir(), new.mkdir()
    (pub / "ok.txt").write_text(TEXT, encoding="utf-8")
    for name in NEW_NAMES:
        (new / name).write_text(TEXT, encoding="utf-8")
    return new, {fmt: run_dedup(["check", new, "--against", pub, "--format", fmt])
                 for fmt in ("github", "table", "sarif")}


def _workflow_unescape(value: str) -> str:
    for code, char in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        value = value.replace(code, char)
    return value


def test_check_github_annotations_cannot_be_forged(checks):
    new, procs = checks
    proc = procs["github"]
    assert_refused(proc, "against", code=1)
    assert b"\x1b" not in proc.stdout and b"\r" not in proc.stdout
    lines = proc.stdout.decode("utf-8").splitlines()
    # 3 copies of the published one, and of one another (y of x, z of x and of y: issue 19)
    assert len(lines) == 3 + 3 and all(line.startswith("::error file=") for line in lines), lines
    # each line one annotation whose file= is a new article's path, as GitHub decodes it
    files = {_workflow_unescape(line[len("::error file="):].split(",line=")[0]) for line in lines}
    assert files == {f"{new}/a\\x1b[31mred\nfake.txt", str(new / FORGE), str(new / "evil,name:1.txt")}


def test_check_table_and_sarif_with_control_characters(checks):
    new, procs = checks
    for proc in (procs["table"], procs["sarif"]):
        assert_refused(proc, "against", code=1)
        assert b"\x1b" not in proc.stdout
    table = procs["table"].stdout.decode("utf-8")
    assert CTRL_SHOWN in table and len(table.splitlines()) == 2 + 3 + 3  # header, rule, a row a finding
    results = json.loads(procs["sarif"].stdout)["runs"][0]["results"]
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results}
    assert f"{new.as_uri()}/a%1B%5B31mred%0Afake.txt" in uris and f"{new.as_uri()}/evil,name%3A1.txt" in uris


def _finding(path: str) -> Finding:
    new = Article(id=os.path.basename(path), text="Intro.\nThe copied passage.", path=path)
    match = Pair("o\udcfe.md", new.id, Relation.COPY, "o\udcfe.md", scores=Scores(cosine=0.97, containment_ba=0.9),
                 evidence=(Evidence("verbatim", 1.0, "", "", (0, 18), (7, 25)),))
    return Finding(new, match)


@pytest.mark.parametrize("fmt", ["table", "json", "sarif", "github"])
def test_check_formats_with_names_not_utf8(fmt):
    """In-process: ``dedup check`` cannot take such a name through its index yet (issue 18, input part)."""
    text = render_findings([_finding("posts/bad\udcff.txt"), _finding(f"posts/{CTRL}")], fmt, against="pub\udcfd")
    assert text.encode("utf-8") and "\x1b" not in text  # no lone surrogate, no raw ESC
    if fmt == "json":
        assert [f["path"] for f in json.loads(text)["findings"]] == [f"posts/{BAD_SHOWN}", f"posts/{CTRL}"]
    elif fmt == "sarif":
        result = json.loads(text)["runs"][0]["results"][0]
        assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "posts/bad%FF.txt"
        assert BAD_SHOWN in result["message"]["text"] and "o\\xfe.md" in result["message"]["text"]
    else:
        assert BAD_SHOWN in text and "o\\xfe.md" in text
    if fmt == "github":
        assert text.startswith("::error file=posts/bad\\xff.txt,") and "in pub\\xfd" in text
        assert len(text.splitlines()) == 2 and f"file=posts/{CTRL_SHOWN.replace(chr(92) + 'n', '%0A')}," in text


# --- atomic writing ---------------------------------------------------------------------------


class _FailingReport(Report):
    """A report whose third article fails to render, after the first two were written."""

    def article_dict(self, a: Article) -> dict:
        if a.id == "a2":
            raise RuntimeError("render failed midway")
        return super().article_dict(a)


def _failing_report() -> Report:
    return _FailingReport([Article(id=f"a{k}", text="Some text.") for k in range(5)], [], [], {})


@pytest.mark.parametrize("existing", [True, False])
def test_failed_write_leaves_target_as_it_was(tmp_path, monkeypatch, existing):
    monkeypatch.setattr("dedup.report.json.INDENT_MAX", 1)  # stream article by article
    target = tmp_path / "report.json"
    if existing:
        target.write_text("old report", encoding="utf-8")
    with pytest.raises(RuntimeError, match="midway"):
        save(_failing_report(), "json", target)
    assert (target.read_text(encoding="utf-8") if existing else target.exists()) == ("old report" if existing else False)
    assert os.listdir(tmp_path) == (["report.json"] if existing else [])


def test_write_report_failure_is_one_line(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr("dedup.report.json.INDENT_MAX", 1)
    target = tmp_path / "report.json"
    target.write_text("old report", encoding="utf-8")
    assert write_report(_failing_report(), "json", str(target)) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "cannot write" in err and "RuntimeError: render failed midway" in err
    assert target.read_text(encoding="utf-8") == "old report" and os.listdir(tmp_path) == ["report.json"]


def test_atomic_write_keeps_umask_permissions(tmp_path):
    target = tmp_path / "r.md"
    old = os.umask(0o022)
    try:
        with atomic_write(target) as f:
            f.write("# report\n")
    finally:
        os.umask(old)
    assert target.stat().st_mode & 0o777 == 0o644 and os.listdir(tmp_path) == ["r.md"]
