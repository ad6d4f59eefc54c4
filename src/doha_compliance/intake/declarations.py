"""What an input declares it records systematically (issue 24): `coverage` entries, checked.

A curated list of salient events is no count: its silence says nothing. A file may say what it
does count — a top-level `coverage:` list beside `events:` in YAML or JSON, or a `--coverage FILE`
for CSV and JSONL inputs, whose rows have no header to hold it — and only there does the absence
of a recorded breach become evidence. Each entry:

    - types: [attack, airstrike]   # the event types recorded systematically (required)
      from: 2020-09-12             # the first and last day recorded (required)
      to: 2020-10-27
      provinces: [Kunduz]          # optional: only there (default: everywhere)
      min_fatalities: 1            # optional: only events with at least this many deaths
      note: "..."                  # optional: what the author says about it

A mistake is an InputFileError naming file:line, the field and why (exit 2).
"""
from __future__ import annotations

import datetime as dt
import json
from typing import Any, List, Optional, Tuple

import attrs

from doha_compliance._util import safeyaml
from doha_compliance._util.files import FileProblem, read_text
from doha_compliance._util.limits import MAX_DOCUMENT_BYTES, MAX_RULE_FILE_BYTES
from doha_compliance._util.values import check_day
from doha_compliance.errors import InputFileError
from doha_compliance.models import SourceCoverage

KEYS = ("types", "from", "to", "provinces", "min_fatalities", "note")


@attrs.frozen
class Entry:
    """One `coverage` entry, before it is given the source it speaks for."""

    types: Tuple[str, ...]
    start: dt.date
    end: dt.date
    provinces: Tuple[str, ...] = ()
    min_fatalities: int = 0
    note: str = ""

    def of(self, source: str, declared_by: str) -> SourceCoverage:
        return SourceCoverage(source=source, types=self.types, start=self.start, end=self.end,
                              declared_by=declared_by, provinces=self.provinces,
                              min_fatalities=self.min_fatalities, note=self.note)


def _names(value: Any) -> Optional[Tuple[str, ...]]:
    if isinstance(value, str) and value.strip():
        return (value.strip(),)
    if isinstance(value, list) and value and all(isinstance(v, str) and v.strip() for v in value):
        return tuple(sorted({v.strip() for v in value}))
    return None


def _date(value: Any) -> Optional[dt.date]:
    if isinstance(value, dt.datetime):
        return None
    if isinstance(value, dt.date):
        day = value
    elif isinstance(value, str):
        try:
            day = dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    else:
        return None
    try:
        return check_day(day)
    except ValueError:
        return None


def entry(data: Any, where: str) -> Entry:
    """One entry, checked; InputFileError at `where` (file:line) naming the field."""
    def bad(field: str, why: str) -> InputFileError:
        return InputFileError(f"{where}: coverage: {field}: {why}")
    if not isinstance(data, dict):
        raise bad("entry", f"each entry is a mapping of {', '.join(KEYS)}, got {type(data).__name__}")
    unknown = sorted(str(k) for k in data if k not in KEYS)
    if unknown:
        raise bad(unknown[0], f"unknown key; an entry has {', '.join(KEYS)}")
    for key in ("types", "from", "to"):
        if key not in data:
            raise bad(key, "required (the event types recorded systematically, and the first and last day recorded)")
    types = _names(data["types"])
    if types is None:
        raise bad("types", "a non-empty list of event types, e.g. [attack, airstrike]")
    start, end = _date(data["from"]), _date(data["to"])
    if start is None:
        raise bad("from", f"{data['from']!r} is not a day (YYYY-MM-DD)")
    if end is None:
        raise bad("to", f"{data['to']!r} is not a day (YYYY-MM-DD)")
    if end < start:
        raise bad("to", f"{end} is before from ({start})")
    provinces: Tuple[str, ...] = ()
    if data.get("provinces") is not None:
        named = _names(data["provinces"])
        if named is None:
            raise bad("provinces", "a non-empty list of provinces (leave it out for everywhere)")
        provinces = named
    fatalities = data.get("min_fatalities", 0)
    if type(fatalities) is not int or not 0 <= fatalities <= 1_000_000:
        raise bad("min_fatalities", f"a whole number of deaths, 0 or more, got {fatalities!r}")
    note = data.get("note", "")
    if not isinstance(note, str):
        raise bad("note", f"a text, got {type(note).__name__}")
    return Entry(types, start, end, provinces, fatalities, note.strip())


def _entries(loader: Any, node: Any, path: str) -> List[Entry]:
    if not node.tag.endswith(":seq"):
        raise InputFileError(f"{path}:{safeyaml.node_line(node)}: coverage: a list of entries "
                             f"({', '.join(KEYS)}), got something else")
    out = []
    for item in node.value:
        where = f"{path}:{safeyaml.node_line(item)}"
        try:
            data = safeyaml.construct(loader, item)
        except safeyaml.YamlProblem as exc:
            raise InputFileError(f"{path}:{exc.line or safeyaml.node_line(item)}: coverage: {exc.message}") from None
        out.append(entry(data, where))
    return out


def header(path: str, shown: str) -> List[Entry]:
    """The `coverage:` list at the top of a YAML or JSON event file (none: []). A file the reader
    cannot parse declares nothing here: the reader reports why."""
    try:
        text = read_text(path, MAX_DOCUMENT_BYTES)
    except (FileProblem, OSError):
        return []
    if "coverage" not in text:
        return []  # the common case, decided without parsing the file a second time
    if path.endswith(".json") or text.lstrip()[:1] in ("{", "["):
        return _json_header(text, shown)
    try:
        loader, node = safeyaml.compose(text)
    except safeyaml.YamlProblem:
        return []
    if node is None or not node.tag.endswith(":map"):
        return []
    found = next((v for k, v in node.value if k.tag == safeyaml.STR and k.value == "coverage"), None)
    return _entries(loader, found, shown) if found is not None else []


def _json_header(text: str, shown: str) -> List[Entry]:
    try:
        data = json.loads(text)
    except ValueError:
        return []
    if not isinstance(data, dict) or "coverage" not in data:
        return []
    line = text[:max(text.find('"coverage"'), 0)].count("\n") + 1
    where = f"{shown}:{line}"
    if not isinstance(data["coverage"], list):
        raise InputFileError(f"{where}: coverage: a list of entries ({', '.join(KEYS)}), got something else")
    return [entry(item, where) for item in data["coverage"]]


def sidecar(path: str) -> List[Entry]:
    """A `--coverage` file: a YAML list of entries, or a mapping with a `coverage:` list."""
    try:
        text = read_text(path, MAX_RULE_FILE_BYTES, "coverage file")
    except FileProblem as exc:
        raise InputFileError(f"{path}{':' + str(exc.line) if exc.line else ''}: {exc.message}") from None
    except OSError as exc:
        raise InputFileError(f"{path}: cannot read the coverage file: {exc.strerror}") from None
    try:
        loader, node = safeyaml.compose(text)
    except safeyaml.YamlProblem as exc:
        raise InputFileError(f"{path}{':' + str(exc.line) if exc.line else ''}: {exc.message}") from None
    if node is not None and node.tag.endswith(":map"):
        node = next((v for k, v in node.value if k.tag == safeyaml.STR and k.value == "coverage"), None)
    if node is None:
        raise InputFileError(f"{path}: the coverage file declares nothing: give a list of entries "
                             f"({', '.join(KEYS)})")
    return _entries(loader, node, path)


def export_scope(declared: Optional[Tuple[Tuple[str, ...], int, str]], label: str, source: str,
                 first: Optional[dt.date], last: Optional[dt.date]) -> List[SourceCoverage]:
    """An ACLED or UCDP export's own scope (its mapping's `coverage:`), from its first to its last day."""
    if not declared or first is None or last is None:
        return []
    types, fatalities, note = declared
    return [SourceCoverage(source=label, types=types, start=first, end=last,
                           declared_by=f"the {source} export's scope (its mapping's coverage)",
                           min_fatalities=fatalities, note=note)]
