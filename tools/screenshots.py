"""Make the README's pictures: the score heatmap and the violence level chart of a report, as PNG.

    python3 tools/screenshots.py [--as-of 2021-09-01] [--events FILE ...] [--out docs]

Uses the browser test's tooling (tests/browser.py: Playwright driving Debian's Chromium; never
`playwright install`). The report is the README's: rules/doha on the bundled 2020-21 timeline.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "tests")]

import doha_compliance as dc  # noqa: E402
from doha_compliance.render_html import render_html  # noqa: E402
from browser import chromium_path, launch  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--as-of", default="2021-09-01")
    parser.add_argument("--events", action="append", default=None)
    parser.add_argument("--out", default=str(ROOT / "docs"))
    args = parser.parse_args()
    os.chdir(ROOT)
    events = args.events or ["examples/timeline_2020_2021/events.yaml"]
    report = dc.evaluate(dc.load_rules("rules/doha"), dc.read_events(*events), as_of=dt.date.fromisoformat(args.as_of))
    chromium = chromium_path()
    if not chromium:
        print("no Chromium: apt-get install chromium", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        page_file = Path(tmp) / "report.html"
        page_file.write_text(render_html(report), encoding="utf-8")
        browser = launch(p, chromium)
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 900}, device_scale_factor=1)
            page.goto(page_file.as_uri())
            page.locator("#score-heatmap").screenshot(path=os.path.join(args.out, "score-heatmap.png"))
            page.locator("svg.level-chart").first.screenshot(path=os.path.join(args.out, "violence-level.png"))
        finally:
            browser.close()
    print(f"wrote {args.out}/score-heatmap.png and {args.out}/violence-level.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
