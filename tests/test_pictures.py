"""The time views in every format: CSV tables, the DataFrames, the notebook summary, the text and
Markdown tables, and the HTML pictures (score heatmap, level charts) drawn in a real browser."""
from __future__ import annotations

import csv
import io
import json
import struct
import sys
from html.parser import HTMLParser

import pytest

import doha_compliance as dc
from doha_compliance.renderers.csv import render_csv
from doha_compliance.renderers.html import render_html
from doha_compliance.renderers.md import render_md
from doha_compliance.renderers.text import render_text
from browser import page_of
from conftest import D, ROOT, TIMELINE, run_main

DONE = ("report", "--rules", "rules/doha", "--events", "examples/timeline_2020_2021/events.yaml", "--as-of", "2021-09-01")


@pytest.fixture(scope="module")
def report(doha):
    return dc.evaluate(doha, dc.read_events(ROOT / TIMELINE), as_of=D("2021-09-01"))


def test_csv_findings_one_row_each_with_the_csv_module(report):
    rows = list(csv.DictReader(io.StringIO(render_csv(report))))
    assert len(rows) == len(report.findings)
    assert list(rows[0]) == ["id", "rule", "version", "party", "status", "date", "due", "evidence", "reason", "span_start",
                             "days_late", "parts_met", "parts_total", "confidence", "confidence_reasons",
                             "episode", "readings", "amended", "blocked_by", "magnitude", "verification",
                             "act_by", "clock"]  # issue 24; issues 25 and 26
    for row, f in zip(rows, report.findings):
        assert (row["confidence"], row["confidence_reasons"]) == (f.confidence or "", ";".join(f.confidence_reasons))
        assert (row["id"], row["status"], row["date"], row["reason"]) == (f.id, f.status, f.date.isoformat(), f.reason)
        assert row["evidence"].split(";") == list(f.evidence) or (row["evidence"] == "" and not f.evidence)
        assert row["due"] == (f.due.isoformat() if f.due else "")


def test_the_done_command_as_csv_and_json():
    scores_csv = run_main(*DONE, "--format", "csv", "--table", "scores")
    series_csv = run_main(*DONE, "--format", "csv", "--table", "series")
    data = json.loads(run_main(*DONE, "--format", "json").stdout)
    assert scores_csv.returncode == series_csv.returncode == 0
    scores = list(csv.DictReader(io.StringIO(scores_csv.stdout)))
    series = list(csv.DictReader(io.StringIO(series_csv.stdout)))
    assert [(r["rule"], r["party"], r["month"], r["score"]) for r in scores] == \
        [(s["rule"], s["party"], s["month"], "" if s["score"] is None else str(s["score"])) for s in data["scores"]]
    assert [(r["period"], r["status"]) for r in series] == [(s["period"], s["status"]) for s in data["series"]]
    months = sorted({s["month"] for s in data["scores"]})
    assert months[0] == "2020-02" and months[-1] == "2021-09" and len(months) == 20
    assert {s["rule"] for s in data["scores"]} >= {"violence.level", "withdrawal.full", "violence.reduction"}
    wrong = run_main(*DONE, "--table", "scores")
    assert wrong.returncode == 2 and "--format csv" in wrong.stderr and "Traceback" not in wrong.stderr


def test_text_and_markdown_show_scores_and_series(report):
    text, md = render_text(report), render_md(report)
    assert "Implementation scores by month" in text and "Levels against their baselines" in text
    assert "## Implementation scores by month" in md and "| `violence.level` | taliban | 2021-08 |" in md
    assert any(line.startswith("  withdrawal.full (us)") for line in text.splitlines())


def test_data_frames_and_the_notebook_summary(report, monkeypatch):
    pd = pytest.importorskip("pandas", reason="pandas is an optional extra (pip install -e '.[pandas]')")
    findings, scores, series = (report.to_frame(t) for t in ("findings", "scores", "series"))
    assert len(findings) == len(report.findings) and len(scores) == len(report.scores) and len(series) == len(report.series)
    assert str(findings["date"].dtype).startswith("datetime64") and str(scores["score"].dtype) == "Int64"
    assert scores["score"].isna().sum() == sum(1 for s in report.scores if s.score is None)
    assert isinstance(findings, pd.DataFrame)
    with pytest.raises(ValueError, match="unknown table"):
        report.to_frame("events")
    monkeypatch.setitem(sys.modules, "pandas", None)      # as on a machine without the extra
    with pytest.raises(ImportError, match=r"pip install -e '\.\[pandas\]'"):
        report.to_frame("scores")
    page = report._repr_html_()
    assert "Compliance report as of <strong>2021-09-01</strong>" in page and "<script" not in page


class _Svg(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def test_pictures_are_inline_svg_without_scripts(report):
    page = render_html(report)
    parsed = _Svg()
    parsed.feed(page)
    cells = [a for t, a in parsed.tags if t == "rect" and a.get("class") == "score-cell"]
    assert len(cells) == len(report.scores)
    assert {(c["data-month"], c["data-score"]) for c in cells if c["data-rule"] == "withdrawal.full"
            and c["data-party"] == "us"} >= {("2021-05", "0")}
    charts = [a for t, a in parsed.tags if t == "svg" and a.get("class") == "level-chart"]
    assert [(c["data-rule"], c["data-party"]) for c in charts] == [("violence.level", "taliban")]
    assert "<script" not in page and "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")


def _png_size(data: bytes) -> tuple:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_pictures_in_a_real_browser(report, tmp_path):
    with page_of(render_html(report), tmp_path, {"width": 1100, "height": 900}) as page:
        heatmap = page.locator("#score-heatmap")
        assert page.locator("#score-heatmap rect.score-cell").count() == len(report.scores)
        assert page.locator("#score-heatmap .legend rect").count() == 5          # 0-3 and no score
        assert page.locator("#score-heatmap text.month").count() >= 6            # the month axis
        box = heatmap.bounding_box()
        assert box and box["width"] > 600 and box["height"] > 18 * 10
        shot = heatmap.screenshot(path=str(tmp_path / "heatmap.png"))
        width, height = _png_size(shot)
        assert abs(width - box["width"]) <= 2 and abs(height - box["height"]) <= 2
        assert len(shot) > 8_000        # coloured cells and text, not a blank rectangle (a blank one compresses to a few kB)
        cell = page.locator('#score-heatmap rect[data-rule="withdrawal.full"][data-party="us"][data-month="2021-05"]')
        assert cell.get_attribute("fill") == "#d7301f"                            # score 0: red
        chart = page.locator("svg.level-chart")
        assert chart.count() == 1
        bars = page.locator("svg.level-chart rect.level-bar")
        assert bars.count() == sum(1 for r in report.series if r.value is not None)
        top = max((r for r in report.series if r.value), key=lambda r: r.value)      # the tallest bar is drawn tall
        assert page.locator(f'svg.level-chart rect.level-bar[data-period="{top.period}"]').bounding_box()["height"] > 50
        shot = chart.screenshot(path=str(tmp_path / "level.png"))
        assert _png_size(shot)[0] >= 600 and len(shot) > 4_000
