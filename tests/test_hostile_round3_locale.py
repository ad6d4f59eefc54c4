"""Issue 23, items 9 and 10 (three of its smaller ones): output that does not depend on the host's
locale; a huge integer in a library row; a level rule's reason that does not list every excluded
period; a mapping and its gazetteer read once a run."""
from __future__ import annotations

import datetime as dt
import locale
import os
import shutil
import subprocess

import pytest

import doha_compliance as dc
from doha_compliance._util.values import month_label, parse_day

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ACLED_SAMPLE = os.path.join(ROOT, "examples", "acled", "afghanistan_oct2020_sample.csv")
RULES = os.path.join(ROOT, "rules", "doha")
AS_OF = dt.date(2020, 10, 31)


# --- item 9: output depends on the host's locale -------------------------------------------------

@pytest.fixture(scope="module")
def german_locale_dir(tmp_path_factory):
    """A folder holding a compiled de_DE.UTF-8 locale (for LOCPATH), or a skip saying why not."""
    for name in ("de_DE.UTF-8", "de_DE.utf8"):
        try:
            previous = locale.setlocale(locale.LC_ALL)
            locale.setlocale(locale.LC_ALL, name)
            locale.setlocale(locale.LC_ALL, previous)
            return None  # installed on this host
        except locale.Error:
            pass
    localedef = shutil.which("localedef")
    if localedef is None:
        pytest.skip("no German locale on this host and no localedef to make one")
    folder = tmp_path_factory.mktemp("locales")
    done = subprocess.run([localedef, "-i", "de_DE", "-f", "UTF-8", str(folder / "de_DE.UTF-8")],
                          capture_output=True, text=True)
    if done.returncode != 0 or not (folder / "de_DE.UTF-8").exists():
        pytest.skip(f"no German locale on this host and localedef could not make one: {done.stderr.strip()[:200]}")
    return str(folder)


@pytest.fixture
def in_german(german_locale_dir, monkeypatch):
    """The whole process in de_DE.UTF-8 for one test, as a library caller's `setlocale` leaves it."""
    if german_locale_dir is not None:
        monkeypatch.setenv("LOCPATH", german_locale_dir)
    previous = locale.setlocale(locale.LC_ALL)
    try:
        locale.setlocale(locale.LC_ALL, "de_DE.UTF-8")
    except locale.Error as e:
        pytest.skip(f"de_DE.UTF-8 cannot be set here: {e}")
    assert dt.date(2020, 10, 1).strftime("%B") == "Oktober"  # the locale really is German
    try:
        yield
    finally:
        locale.setlocale(locale.LC_ALL, previous)


def _acled_report(fmt: str) -> str:
    agreement = dc.load_rules(RULES)
    with dc.read_events(ACLED_SAMPLE) as events:
        report = dc.evaluate(agreement, events, as_of=AS_OF)
        return dc.render(report, fmt)


def test_acled_rows_and_html_labels_do_not_depend_on_the_locale(in_german):
    german_html, german_json = _acled_report("html"), _acled_report("json")
    locale.setlocale(locale.LC_ALL, "C")
    assert german_json == _acled_report("json")  # no row rejected for its "10 October 2020"
    assert german_html == _acled_report("html")  # timeline ticks say "Oct 2020", not "Okt 2020"
    assert ">Nov 2020<" in german_html and ">Dez<" not in german_html


def test_month_names_are_english_whatever_the_locale(in_german):
    assert parse_day("10 October 2020", "%d %B %Y") == dt.date(2020, 10, 10)
    assert parse_day("10-october-2020", "%d-%B-%Y") == dt.date(2020, 10, 10)
    assert parse_day("10 Oct 2020", "%d %b %Y") == dt.date(2020, 10, 10)
    assert parse_day("Sat 10 Oct 20", "%a %d %b %y") == dt.date(2020, 10, 10)
    assert parse_day("10 Oktober 2020", "%d %B %Y") is None
    assert parse_day("31 February 2020", "%d %B %Y") is None
    assert parse_day("10 October 2020 x", "%d %B %Y") is None
    assert [month_label(dt.date(2020, m, 1), False) for m in (3, 5, 10, 12)] == ["Mar", "May", "Oct", "Dec"]
    assert month_label(dt.date(2021, 1, 1), True) == "Jan 2021"


@pytest.mark.parametrize("text,fmt", [
    ("10 October 2020", "%d %B %Y"), ("1 May 2020", "%d %B %Y"), ("10 Oct 2020", "%d %B %Y"),
    ("10  september 2020", "%d %B %Y"), ("29 February 2019", "%d %B %Y"), ("Mar 3, 2021", "%b %d, %Y"),
    ("2020-10-10", "%Y-%m-%d"), ("10/10/2020", "%m/%d/%Y"), ("5 June 99", "%d %B %y"), ("x", "%d %B %Y"),
])
def test_parse_day_reads_what_strptime_reads_in_C(text, fmt):
    try:
        expected = dt.datetime.strptime(text, fmt).date()
    except ValueError:
        expected = None
    assert parse_day(text, fmt) == expected


# --- item 10: a huge integer in a library row ------------------------------------------------------

@pytest.mark.parametrize("field", ["fatalities", "count"])
@pytest.mark.parametrize("value", [10 ** 5000, -10 ** 5000, 10 ** 40], ids=["huge", "huge-negative", "41-digits"])
def test_a_huge_integer_in_a_library_row_is_a_rejection_saying_why(field, value):
    row = {"id": "a", "date": "2020-03-10", "type": "attack", "actor": "taliban", "target": "us", field: value}
    report = dc.evaluate(dc.load_rules(RULES), [row], as_of=dt.date(2020, 4, 1))
    (rejection,) = list(report.rejected)
    assert rejection.reason.startswith(f"{field} must be a whole number of at most 9,007,199,254,740,991, got ")
    assert "digits" in rejection.reason and "set_int_max_str_digits" not in rejection.reason
    assert len(rejection.reason) < 200
    for fmt in ("text", "json", "html", "csv", "md"):
        assert "set_int_max_str_digits" not in dc.render(report, fmt)


def test_a_huge_integer_is_shown_without_converting_it_to_text():
    from doha_compliance._util.values import shown
    assert shown(10 ** 5000) == "a number of about 5,001 digits"
    assert shown(-10 ** 5000) == "a number of about 5,001 digits"
    assert shown(12) == "12" and shown(True) == "True"


# --- item 10: a level rule's reason does not list every excluded period ----------------------------

def _level_agreement(baseline_from: str, period: str = "week") -> dc.Agreement:
    import yaml

    from doha_compliance.rules.loader import load_rules_from_texts
    head = {"agreement": {"id": "t", "title": "Test truce", "signed": "2020-03-01",
                          "parties": {"red": "Red", "blue": "Blue"}, "event_types": ["attack", "note"]}}
    rule = {"id": "lvl", "party": "red", "title": "Red attacks down 20 %", "source": "test", "basis": "reported",
            "kind": "level", "when": {"type": "attack", "actor": "$party"}, "measure": "count", "period": period,
            "baseline": {"from": baseline_from, "until": "2020-02-29"}, "limit": {"at_most": 0.8}}
    return load_rules_from_texts({"agreement.yaml": yaml.safe_dump(head), "r.yaml": yaml.safe_dump({"rules": [rule]})})


def test_a_level_reason_names_periods_left_out_as_ranges_and_a_count():
    """A baseline span of a century of weeks with events in a few of them: each reason names runs
    of empty weeks as ranges (at most three) and counts the rest, instead of ~5,000 labels each."""
    days = ["1950-01-02", "1950-01-03", "1990-06-04", "2020-01-06", "2020-02-03"]
    days += [(dt.date(2020, 3, 2) + dt.timedelta(days=7 * i)).isoformat() for i in range(47)]
    rows = [{"id": f"e{i}", "date": d, "type": "attack", "actor": "red"} for i, d in enumerate(days)]
    report = dc.evaluate(_level_agreement("1920-01-01"), rows, as_of=dt.date(2021, 3, 1))
    reasons = [f.reason for f in report.findings if "left out" in f.reason]
    assert len(reasons) >= 40
    for reason in reasons:
        assert len(reason) < 1000, reason[:300]
        assert ("; 1920-W01 to 1949-W52, 1950-W02 to 1990-W22, 1990-W24 to 2020-W01 and 6 more weeks "
                "left out: no event in the input") in reason
    assert sum(len(r) for r in reasons) < 100_000


def test_one_or_two_periods_left_out_are_named_as_before():
    from doha_compliance.rules.kinds.level import left_out
    assert left_out("month", [2020 * 12 + 1]) == "2020-02"
    assert left_out("month", [2020 * 12, 2020 * 12 + 1]) == "2020-01, 2020-02"
    y = 2020 * 12
    assert left_out("month", [y, y + 2, y + 4, y + 6, y + 7]) == "2020-01, 2020-03, 2020-05 and 2 more months"
    assert left_out("month", [y, y + 2, y + 4, y + 6]) == "2020-01, 2020-03, 2020-05 and 1 more month"
    assert left_out("month", [y, y + 1, y + 2, y + 4]) == "2020-01 to 2020-03, 2020-05"


# --- item 10: a mapping and its gazetteer are read once a run --------------------------------------

def _own_mapping(folder, gazetteer_text: str):
    """The shipped ACLED mapping naming a gazetteer beside it (a copy of the shipped one, changed)."""
    import re
    from importlib import resources
    mappings = resources.files("doha_compliance").joinpath("mappings")
    text = mappings.joinpath("acled.yaml").read_text("utf-8")
    text = re.sub(r"(?m)^gazetteer:.*\n", "", text) + "\ngazetteer: own.gazetteer.yaml\n"
    (folder / "own.yaml").write_text(text, encoding="utf-8")
    (folder / "own.gazetteer.yaml").write_text(gazetteer_text, encoding="utf-8")
    return str(folder / "own.yaml")


def _shipped_gazetteer() -> str:
    from importlib import resources
    return resources.files("doha_compliance").joinpath("mappings/afghanistan.gazetteer.yaml").read_text("utf-8")


def _count_reads(monkeypatch):
    from doha_compliance.intake.exports import gazetteer, mapping_file
    reads = {"mapping": 0, "gazetteer": 0}
    read_mapping, read_gazetteer = mapping_file._read, gazetteer._text_of

    def counted_mapping(fmt, path):
        reads["mapping"] += path is not None
        return read_mapping(fmt, path)

    def counted_gazetteer(path):
        reads["gazetteer"] += path is not None
        return read_gazetteer(path)

    monkeypatch.setattr(mapping_file, "_read", counted_mapping)
    monkeypatch.setattr(gazetteer, "_text_of", counted_gazetteer)
    return reads


def _run(mapping: str) -> dc.Report:
    with dc.read_events(ACLED_SAMPLE, mapping=mapping) as events:
        return dc.evaluate(dc.load_rules(RULES), events, as_of=AS_OF)


def test_a_run_reads_its_mapping_and_gazetteer_once(tmp_path, monkeypatch):
    reads = _count_reads(monkeypatch)
    mapping = _own_mapping(tmp_path, _shipped_gazetteer())
    report = _run(mapping)
    assert len(list(report.rejected)) == 0 and report.judged
    assert reads == {"mapping": 1, "gazetteer": 1}
    _run(mapping)  # unchanged files: not read again
    assert reads == {"mapping": 1, "gazetteer": 1}


def test_a_changed_gazetteer_or_mapping_is_read_again(tmp_path, monkeypatch):
    reads = _count_reads(monkeypatch)
    mapping = _own_mapping(tmp_path, _shipped_gazetteer())
    _run(mapping)
    gazetteer = tmp_path / "own.gazetteer.yaml"
    gazetteer.write_text("provinces: []\n", encoding="utf-8")  # a broken gazetteer, now
    os.utime(gazetteer, ns=(1, 1))
    with pytest.raises(dc.InputFileError, match="gazetteer"):
        _run(mapping)
    assert reads["gazetteer"] == 2
    gazetteer.write_text(_shipped_gazetteer(), encoding="utf-8")
    os.utime(tmp_path / "own.yaml", ns=(2, 2))
    _run(mapping)
    assert reads == {"mapping": 3, "gazetteer": 3}


def test_what_is_kept_is_bounded_and_indexed_by_name(tmp_path):
    from doha_compliance.intake.exports.gazetteer import Recent, load_gazetteer
    kept = Recent()
    for i in range(Recent.SIZE * 3):
        kept.put(i, i)
    assert len(kept._items) == Recent.SIZE and kept.get(0) is None and kept.get(Recent.SIZE * 3 - 1) is not None
    path = tmp_path / "g.yaml"
    path.write_text(_shipped_gazetteer(), encoding="utf-8")
    found = load_gazetteer(str(path))
    assert isinstance(found.provinces, dict) and isinstance(found.capitals, dict)
    assert found.province("Kandahar province") == "Kandahar"
