"""``dedup scan --engine spark``: reports, Parquet output, and clear errors (real local[2] session)."""

from __future__ import annotations

import json
import sys

from dedup.cli import main


def test_json_report_equals_local(spark, capsys, fixtures_dir, tmp_path):
    assert main(["scan", str(fixtures_dir), "-o", str(tmp_path / "local.json")]) == 0
    assert main(["scan", "--engine", "spark", str(fixtures_dir), "-o", str(tmp_path / "spark.json")]) == 0
    local = json.loads((tmp_path / "local.json").read_text())
    ours = json.loads((tmp_path / "spark.json").read_text())
    for key in ("articles", "pairs", "clusters", "problems"):
        assert ours[key] == local[key], key
    assert ours["stats"]["engine"] == "spark"
    assert "--engine spark" in ours["generated_by"]
    assert "1 derived" in capsys.readouterr().err


def test_table_and_html_formats(spark, capsys, fixtures_dir, tmp_path):
    assert main(["scan", "--engine", "spark", str(fixtures_dir), "-o", str(tmp_path / "r.html")]) == 0
    html = (tmp_path / "r.html").read_text()
    assert "003_c5174620e5321eb2.txt" in html and "Xi Jinping" in html  # the texts are shown
    capsys.readouterr()
    assert main(["scan", "--engine", "spark", str(fixtures_dir)]) == 0
    assert "derived" in capsys.readouterr().out


def test_parquet_output(spark, capsys, fixtures_dir, tmp_path):
    out = tmp_path / "out.parquet"
    assert main(["scan", "--engine", "spark", str(fixtures_dir), "-o", str(out)]) == 0
    assert {p.name for p in out.iterdir()} >= {"pairs", "stories", "articles"}
    assert "(parquet): 5 articles, 10 pairs, 1 stories" in capsys.readouterr().err
    assert main(["scan", "--engine", "spark", str(fixtures_dir), "-o", str(out)]) == 2  # not overwritten
    assert f"cannot write {out}" in capsys.readouterr().err


def test_bad_input_named(spark, capsys, tmp_path):
    (tmp_path / "feed.jsonl").write_text('{"id": "a", "text": "One line of news."}\n{oops\n')
    assert main(["scan", "--engine", "spark", str(tmp_path), "-o", str(tmp_path / "r.json")]) == 0
    err = capsys.readouterr().err
    assert "feed.jsonl:2: invalid JSON" in err
    assert json.loads((tmp_path / "r.json").read_text())["articles"][0]["id"] == "a"


def test_spark_options_need_the_engine(capsys, fixtures_dir, tmp_path):
    assert main(["scan", "--master", "local[2]", str(fixtures_dir)]) == 2
    assert "--master needs --engine spark" in capsys.readouterr().err
    assert main(["scan", str(fixtures_dir), "-o", str(tmp_path / "x.parquet")]) == 2
    assert "parquet output needs --engine spark" in capsys.readouterr().err
    assert main(["scan", "--engine", "spark", "-"]) == 2
    assert "not stdin" in capsys.readouterr().err
    assert main(["scan", "--engine", "spark", "--spark-conf", "nokey", str(fixtures_dir)]) == 2
    assert "expected KEY=VALUE" in capsys.readouterr().err


def test_missing_java_is_a_clear_error(capsys, fixtures_dir, monkeypatch, tmp_path):
    monkeypatch.setenv("JAVA_HOME", str(tmp_path / "no-jdk"))
    assert main(["scan", "--engine", "spark", str(fixtures_dir)]) == 2
    err = capsys.readouterr().err
    assert "no Java runtime found" in err and "JAVA_HOME" in err and "Traceback" not in err


def test_missing_pyspark_is_a_clear_error(capsys, fixtures_dir, monkeypatch):
    monkeypatch.setitem(sys.modules, "pyspark", None)  # import pyspark now raises ImportError
    assert main(["scan", "--engine", "spark", str(fixtures_dir)]) == 2
    assert "pip install 'dedup[spark]'" in capsys.readouterr().err
