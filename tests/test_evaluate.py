"""Tests for dedup.evaluate: gold files, their errors, metrics and rendering."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from dedup.cli import main
from dedup.model import Article
from dedup.evaluate import GoldError, GoldPair, evaluate, parse_gold, read_gold, render_evaluation
from dedup.model import Report


def gold_file(tmp_path: Path, text: str, name: str = "gold.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def report(ids, pairs) -> Report:
    return Report([Article(id=i, text="") for i in ids], pairs, [], {})


# --- reading gold files ---------------------------------------------------------------

def test_read_gold_with_and_without_source(tmp_path):
    path = gold_file(tmp_path, "a,b,relation,source\nx,y,derived,y\nx,z,unrelated,\n\ny,z,related,\n")
    assert read_gold(path) == [GoldPair("x", "y", "derived", "y", 2), GoldPair("x", "z", "unrelated", None, 3),
                               GoldPair("y", "z", "related", None, 5)]
    path = gold_file(tmp_path, "relation,b,a\ncopy,y,x\n", "no_source.csv")
    assert read_gold(path) == [GoldPair("x", "y", "copy", None, 2)]
    path = gold_file(tmp_path, "a,b,relation,source\nx,y,copy\n", "source_left_out.csv")
    assert read_gold(path) == [GoldPair("x", "y", "copy", None, 2)]


def test_read_gold_accepts_bom_and_crlf(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbfa,b,relation\r\nx,y,partial\r\n")
    assert read_gold(path) == [GoldPair("x", "y", "partial", None, 2)]


def test_unknown_relation_names_file_line_and_allowed(tmp_path):
    path = gold_file(tmp_path, "a,b,relation\nx,y,copy\nx,z,clone\n")
    with pytest.raises(GoldError) as e:
        read_gold(path)
    msg = str(e.value)
    assert msg.startswith(f"{path}:3: unknown relation 'clone'")
    for rel in ("duplicate", "copy", "partial", "derived", "related", "unrelated"):
        assert rel in msg
    assert isinstance(e.value, ValueError)
    assert (e.value.path, e.value.line) == (str(path), 3)


@pytest.mark.parametrize("header, expected", [
    ("a,b,source", "missing column 'relation'"),
    ("x,y,relation", "unknown column 'x'"),
    ("a;b;relation", "unknown column 'a;b;relation'"),
    ("a,b,relation,relation", "named twice"),
])
def test_malformed_header(tmp_path, header, expected):
    path = gold_file(tmp_path, header + "\nx,y,copy\n")
    with pytest.raises(GoldError, match=expected) as e:
        read_gold(path)
    assert str(e.value).startswith(f"{path}:1: ")


def test_empty_file(tmp_path):
    with pytest.raises(GoldError, match=r":1: empty file"):
        read_gold(gold_file(tmp_path, ""))


@pytest.mark.parametrize("row, expected", [
    (",y,copy", "empty id in column 'a'"),
    ("x, ,copy", "empty id in column 'b'"),
    ("x,y,copy,z", "source 'z' is neither a ('x') nor b ('y')"),
    ("x,x,copy,", "'x' is paired with itself"),
    ("x,y", "2 fields, expected 4 (a,b,relation,source)"),
    ("x,y,copy,y,extra", "5 fields, expected 4 (a,b,relation,source)"),
])
def test_bad_rows(row, expected):
    with pytest.raises(GoldError) as e:
        parse_gold(f"a,b,relation,source\nw,v,related,\n{row}\n", "g.csv")
    assert str(e.value) == f"g.csv:3: {expected}"


def test_gold_file_not_utf8_or_with_lone_cr_or_huge_field_is_a_gold_error(tmp_path):
    # were Python tracebacks: UnicodeDecodeError; csv.Error on a CR (old Mac line ends) or a field past the limit
    path = tmp_path / "gold.csv"
    path.write_bytes(b"a,b,relation\nx,y,copy\ncaf\xe9,y,copy\n")
    with pytest.raises(GoldError, match=r"gold\.csv:3: not valid UTF-8 \(byte 25\)"):
        read_gold(path)
    path.write_bytes(b"a,b,relation\rx,y,copy\r\rz,w,related\r")
    assert read_gold(path) == [GoldPair("x", "y", "copy", None, 2), GoldPair("z", "w", "related", None, 4)]
    limit = csv.field_size_limit(100)
    try:
        with pytest.raises(GoldError) as e:
            parse_gold("a,b,relation\nx,y,copy\nx," + "z" * 101 + ",copy\n", "g.csv")
    finally:
        csv.field_size_limit(limit)
    assert str(e.value) == "g.csv:3: invalid CSV: field larger than field limit (100)"


def test_duplicate_pair_in_either_order():
    with pytest.raises(GoldError) as e:
        parse_gold("a,b,relation\nx,y,copy\n\ny,x,related\n", "g.csv")
    assert str(e.value) == "g.csv:4: duplicate pair y,x (already on line 2)"


# --- evaluate ---------------------------------------------------------------------------

def test_unknown_id_names_file_line_id_and_closest(tmp_path):
    path = gold_file(tmp_path, "a,b,relation\nnews/a.txt,news/b.txt,copy\nnews/a.txt,news/cc.txt,related\n")
    rep = report(["news/a.txt", "news/b.txt", "news/c.txt"], [])
    with pytest.raises(GoldError) as e:
        evaluate(rep, read_gold(path), str(path))
    msg = str(e.value)
    assert msg.startswith(f"{path}:3: unknown id 'news/cc.txt'")
    assert "did you mean 'news/c.txt'?" in msg
    with pytest.raises(GoldError, match=r"gold\.csv:3: unknown id"):
        evaluate(rep, path)  # a path as gold: read and named in errors


def test_unknown_id_without_close_match():
    rep = report(["alpha.txt"], [])
    with pytest.raises(GoldError) as e:
        evaluate(rep, [GoldPair("alpha.txt", "zzzzzzzz", "copy", line=7)], "g.csv")
    assert str(e.value) == "g.csv:7: unknown id 'zzzzzzzz' (not among the report's 1 articles)"


PAIRS = [
    {"a": "a", "b": "b", "relation": "copy", "source": "a"},
    {"a": "a", "b": "c", "relation": "derived", "source": None},
    {"a": "b", "b": "d", "relation": "partial", "source": "d"},
    {"a": "c", "b": "d", "relation": "related", "source": None},
    {"a": "e", "b": "f", "relation": "duplicate", "source": None},
    {"a": "a", "b": "f", "relation": "copy", "source": "a"},  # not in the gold: not scored
]
GOLD = """a,b,relation,source
a,b,derived,a
c,a,partial,a
b,d,copy,b
c,d,derived,c
a,d,derived,
e,f,unrelated,
c,e,related,
b,c,unrelated,
"""


def test_metrics_on_a_hand_built_report():
    ev = evaluate(report("abcdef", PAIRS), parse_gold(GOLD, "g.csv"), "g.csv")
    assert (ev.pairs, ev.tp, ev.fp, ev.fn, ev.tn) == (8, 3, 1, 2, 2)
    assert ev.precision == pytest.approx(3 / 4)
    assert ev.recall == pytest.approx(3 / 5)
    assert ev.f1 == pytest.approx(2 / 3)
    # direction: a-b right, c-a undetermined (counts as wrong), b-d wrong; c-d and a-d are not predicted positive
    assert (ev.direction_total, ev.direction_correct, ev.direction_undetermined) == (3, 1, 1)
    assert ev.direction_accuracy == pytest.approx(1 / 3)
    nonzero = {(g, p): n for g, row in ev.confusion.items() for p, n in row.items() if n}
    assert nonzero == {
        ("derived", "copy"): 1, ("partial", "derived"): 1, ("copy", "partial"): 1,
        ("derived", "related"): 1, ("derived", "unrelated"): 1,
        ("unrelated", "duplicate"): 1, ("related", "unrelated"): 1, ("unrelated", "unrelated"): 1,
    }
    assert [(e["line"], e["kind"]) for e in ev.errors] == [
        (5, "false negative"), (6, "false negative"), (7, "false positive")]


def test_report_as_json_dict_scores_the_same():
    rep = report("abcdef", PAIRS)
    as_json = json.loads(json.dumps({"articles": [{"id": a.id} for a in rep.articles], "pairs": rep.pairs}))
    a = evaluate(rep, parse_gold(GOLD))
    b = evaluate(as_json, parse_gold(GOLD))
    assert a.to_dict() == b.to_dict()


def test_zero_over_zero_is_zero():
    ev = evaluate(report("xy", []), [GoldPair("x", "y", "unrelated")])
    assert (ev.tp, ev.fp, ev.fn, ev.tn) == (0, 0, 0, 1)
    assert (ev.precision, ev.recall, ev.f1) == (0.0, 0.0, 0.0)
    assert ev.direction_accuracy is None


# --- rendering --------------------------------------------------------------------------

def test_render_table():
    ev = evaluate(report("abcdef", PAIRS), parse_gold(GOLD), "g.csv")
    text = render_evaluation(ev, "table")
    assert text.splitlines()[0] == "8 gold pairs: tp 3, fp 1, fn 2, tn 2 (g.csv)"
    assert "precision" in text and "0.750" in text and "0.667" in text
    assert "0.333 (1/3, 1 undetermined)" in text
    assert "gold \\ predicted" in text and "unrelated" in text
    assert "false positive" in text and "ERRORS" in text
    assert "... and 1 more" in render_evaluation(ev, "table", max_errors=2)


def test_render_json_round_trips():
    ev = evaluate(report("abcdef", PAIRS), parse_gold(GOLD), "g.csv")
    data = json.loads(render_evaluation(ev, "json"))
    assert data["gold_file"] == "g.csv"
    assert (data["tp"], data["fp"], data["fn"], data["tn"]) == (3, 1, 2, 2)
    assert data["f1"] == pytest.approx(2 / 3)
    assert data["direction"] == {"total": 3, "correct": 1, "undetermined": 1, "accuracy": pytest.approx(1 / 3)}
    assert data["confusion"]["derived"]["copy"] == 1
    assert len(data["errors"]) == 3


def test_render_unknown_format():
    ev = evaluate(report("xy", []), [GoldPair("x", "y", "unrelated")])
    with pytest.raises(ValueError, match="unknown format 'xml'"):
        render_evaluation(ev, "xml")


def test_ids_with_control_characters_are_shown_escaped(tmp_path, capsys):
    # the ids (and a hint naming the corpus's closest id) reached the terminal raw: \x1b recoloured it
    red = "\x1b[31mred\u202e"
    ev = evaluate(report([red, "b"], []), [GoldPair(red, "b", "copy", line=2)], "g\x1b.csv")
    text = render_evaluation(ev, "table")
    assert "\x1b" not in text and "\u202e" not in text
    assert text.splitlines()[0].endswith("(g\\x1b.csv)")
    assert text.splitlines()[-1].split()[3:5] == ["\\x1b[31mred\\u202e", "b"]  # one cell each
    gold = gold_file(tmp_path, "a,b,relation\n\x1b[31mrex,b,unrelated\n")
    (tmp_path / "c.jsonl").write_text(json.dumps({"id": red, "text": "One story."}) + "\n", encoding="utf-8")
    assert main(["eval", str(gold), str(tmp_path / "c.jsonl"), "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert "\x1b" not in err and "unknown id '\\x1b[31mrex'" in err and "did you mean '\\x1b[31mred\\u202e'" in err
