"""Make the README's pictures: the score heatmap and the violence level chart, as PNG.

    python3 tools/screenshots.py [--as-of 2021-09-01] [--events FILE ...] [--out docs]

Uses the browser test's tooling (tests/browser.py: Playwright driving Debian's Chromium; never
`playwright install`). The heatmap is the README's report: rules/doha on the bundled 2020-21
timeline. The level chart needs what that curated record cannot give — every attack, month by
month, from before the signature — so it is drawn on a seeded SYNTHETIC stream of attacks (its
monthly rates below are invented for the picture, not data), and the README says so.
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
from doha_compliance.renderers.html import render_html  # noqa: E402
from browser import chromium_path, launch  # noqa: E402


# Invented monthly rates of Taliban attacks a day, for the picture only: calm before the signature's
# week, a lull after it, a summer surge, the 2021 offensive.
DEMO_RATES = {1: 30, 2: 28, 3: 18, 4: 20, 5: 22, 6: 34, 7: 36, 8: 33, 9: 30, 10: 31, 11: 26, 12: 22}
DEMO_2021 = {1: 24, 2: 25, 3: 27, 4: 30, 5: 40, 6: 44, 7: 46, 8: 48}


def synthetic_attacks(until: dt.date) -> list:
    """A seeded synthetic stream of Taliban attacks on Afghan forces from 1 January 2020: rows, not data."""
    import random
    rnd = random.Random(2020)
    rows, day, n = [], dt.date(2020, 1, 1), 0
    while day <= until:
        rate = (DEMO_RATES if day.year == 2020 else DEMO_2021).get(day.month, 20)
        for _ in range(max(0, int(rnd.gauss(rate, rate / 5)))):
            rows.append({"id": f"synthetic-{n:06d}", "date": day.isoformat(), "type": "attack", "actor": "taliban",
                         "target": "afghan_forces", "province": rnd.choice(["Helmand", "Kandahar", "Kunduz", "Ghazni"]),
                         "location_kind": "rural", "source": "synthetic (tools/screenshots.py)"})
            n += 1
        day += dt.timedelta(days=1)
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--as-of", default="2021-09-01")
    parser.add_argument("--events", action="append", default=None)
    parser.add_argument("--out", default=str(ROOT / "docs"))
    args = parser.parse_args()
    os.chdir(ROOT)
    events = args.events or ["examples/timeline_2020_2021/events.yaml"]
    rules = dc.load_rules("rules/doha")
    as_of = dt.date.fromisoformat(args.as_of)
    report = dc.evaluate(rules, dc.read_events(*events), as_of=as_of)
    demo = dc.evaluate(rules, synthetic_attacks(as_of), as_of=as_of)
    chromium = chromium_path()
    if not chromium:
        print("no Chromium: apt-get install chromium", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        page_file, demo_file = Path(tmp) / "report.html", Path(tmp) / "synthetic.html"
        page_file.write_text(render_html(report), encoding="utf-8")
        demo_file.write_text(render_html(demo), encoding="utf-8")
        browser = launch(p, chromium)
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 900}, device_scale_factor=1)
            page.goto(page_file.as_uri())
            page.locator("#score-heatmap").screenshot(path=os.path.join(args.out, "score-heatmap.png"))
            page.goto(demo_file.as_uri())
            page.locator("svg.level-chart").first.screenshot(path=os.path.join(args.out, "violence-level.png"))
        finally:
            browser.close()
    print(f"wrote {args.out}/score-heatmap.png and {args.out}/violence-level.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
