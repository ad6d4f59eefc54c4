"""A level rule on real ACLED rows (read in place from ../shared/real-data, never copied here):
Taliban attacks per month in 2019 against the mean of April and May, counted again independently
from the CSV with the csv module, as an analyst would in a spreadsheet."""
from __future__ import annotations

import csv
import datetime as dt
from collections import Counter
from fractions import Fraction

import pytest

import doha_compliance as dc
from conftest import ROOT

REAL = ROOT.parent / "shared" / "real-data"
EXTRACT = REAL / "acled_afg_2019-04-01_2019-09-28_conflict-elections.csv"
MAPPING = ROOT / "tests" / "data" / "conflict-elections.mapping.yaml"  # the shared copy predates the gazetteer
ATTACKS = ("Battles", "Explosions/Remote violence", "Violence against civilians")
LEVEL = """rules:
  - id: attacks.level
    party: taliban
    title: "Taliban attacks a month at most 80 % of April-May 2019"
    source: "test"
    basis: reported
    kind: level
    when: {type: attack, actor: $party}
    period: month
    baseline: {from: 2019-04-01, until: 2019-05-31}
    limit: {at_most: 0.8}
    from: 2019-06-01
"""


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    if not EXTRACT.exists():
        pytest.skip("the real ACLED extract is not here (../shared/real-data: third parties' data, not in the repository)")
    folder = tmp_path_factory.mktemp("rules")
    agreement = (ROOT / "rules" / "doha" / "agreement.yaml").read_text(encoding="utf-8")
    (folder / "agreement.yaml").write_text(agreement.replace("signed: 2020-02-29", "signed: 2019-06-01"), encoding="utf-8")
    (folder / "levels.yaml").write_text(LEVEL, encoding="utf-8")
    rules = dc.load_rules(folder)
    return dc.evaluate(rules, dc.read_events(EXTRACT, fmt="acled", mapping=str(MAPPING)), as_of=dt.date(2019, 9, 28))


def _independent_counts(rejected_lines: set) -> Counter:
    counts: Counter = Counter()
    with open(EXTRACT, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        start = reader.line_num + 1
        for row in reader:
            line, start = start, reader.line_num + 1
            # ACLED's "Taliban and/or Islamic State (Afghanistan)" names no one for sure: not the Taliban's
            taliban = row["Actor1"].startswith("Taliban") and "and/or" not in row["Actor1"]
            if line in rejected_lines or not taliban or row["Type"] not in ATTACKS:
                continue
            if row["Sub_type"] in ("Air/drone strike", "Abduction/forced disappearance"):
                continue  # a strike is not an attack; the mapping counts an abduction as `other`, not an attack
            counts[dt.datetime.strptime(row["event_date"], "%d %B %Y").strftime("%Y-%m")] += 1
    return counts


def test_monthly_taliban_attacks_against_april_and_may(report):
    rejected = {int(r.where.rsplit(":", 1)[1]) for r in report.rejected}
    counts = _independent_counts(rejected)
    baseline = Fraction(counts["2019-04"] + counts["2019-05"], 2)
    rows = {r.period: r for r in report.series}
    assert list(rows) == ["2019-06", "2019-07", "2019-08", "2019-09"]
    for month in ("2019-06", "2019-07", "2019-08", "2019-09"):
        r = rows[month]
        assert r.value == counts[month] and r.baseline == baseline and r.limit == baseline * Fraction(4, 5)
    assert rows["2019-06"].status == ("violation" if counts["2019-06"] > baseline * Fraction(4, 5) else "met")
    # September: the report (and the extract) stop on the 28th; a month already above the limit is a violation
    september = next(f for f in report.findings if f.date.isoformat().startswith("2019-09"))
    assert september.status == "violation" and september.date == dt.date(2019, 9, 28) and " so far " in september.reason
    assert len(september.evidence) == 10 and f"the first 10 of {counts['2019-09']} events cited" in september.reason
