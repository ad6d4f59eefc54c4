"""The report excerpts of the README and the docs are real: every line of them (but '...') is a line of
the expected report they come from, in the same order, so neither can drift from what the tool prints."""
from __future__ import annotations

import re

from conftest import ROOT, assert_printed_in_order

# Which page shows which excerpt: the README the first command's report, docs/reports.md the linked
# finding of the 2020-2021 timeline (moved there from the README with this check).
PAGES = {
    "README.md": {"2020-10-31"},
    "docs/reports.md": {"2021-09-01"},
}
EXPECTED = {
    "2020-10-31": ROOT / "examples" / "oct2020" / "expected.txt",
    "2021-09-01": ROOT / "examples" / "timeline_2020_2021" / "expected-2021-09-01.txt",
}


def _blocks(text: str):
    """The README's fenced code blocks, as lists of lines."""
    block = None
    for line in text.splitlines():
        if line.startswith("```"):
            if block is None:
                block = []
            else:
                yield block
                block = None
        elif block is not None:
            block.append(line)


def _excerpts(page: str = "README.md"):
    for block in _blocks((ROOT / page).read_text(encoding="utf-8")):
        found = re.match(r"Compliance report as of (\d{4}-\d{2}-\d{2})\.", block[0]) if block else None
        if found:
            yield found.group(1), block


def test_every_report_excerpt_in_the_readme_and_docs_is_printed_by_the_tool():
    assert set().union(*PAGES.values()) == set(EXPECTED)
    excerpts = []
    for page, dates in PAGES.items():
        found = list(_excerpts(page))
        assert {as_of for as_of, _ in found} == dates, page
        excerpts += found
    for as_of, lines in excerpts:
        report = EXPECTED[as_of].read_text(encoding="utf-8").splitlines()
        assert_printed_in_order(lines, report, f"excerpt of {as_of}, in {EXPECTED[as_of].name}")
