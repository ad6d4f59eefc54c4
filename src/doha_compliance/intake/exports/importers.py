"""ACLED and UCDP GED exports, read unchanged and mapped onto the event contract.

What maps to what lives in YAML (`mappings/acled.yaml`, `mappings/ucdp.yaml`, a user's own with
--mapping; checked by `mapping_file`), and where a place is a provincial capital in a gazetteer
(`gazetteer`). A gap in the mapping never rejects a row: an actor no entry names becomes `other`,
an event type no entry names becomes type `other`, and the mapping marks what the export itself
leaves unidentified or ambiguous as `unknown`. The export's own names stay as extra fields
(`actor_name`, `target_name`, `source_type`, `province_name`), so nothing it said is lost. Rows are
rejected only when malformed: an empty required cell, a date or a number that cannot be read — and
the message names the mapping's own column. A header without the mapping's columns is one error
for the file (exit 2), never one per row.
"""
from __future__ import annotations

import datetime as dt
import os
from typing import Any, Dict, Iterator, List, Optional, Sequence, Tuple

import attrs

from doha_compliance._util import counting
from doha_compliance._util.values import parse_day
from doha_compliance.errors import InputFileError
from doha_compliance.intake.readers import RawRow, csv_header, read_csv

# FORMATS and load_mapping are re-exported: where an export is read, its mapping is found
from .mapping_file import FORMATS as FORMATS
from .mapping_file import ActorEntry, Mapping
from .mapping_file import load_mapping as load_mapping

SIGNATURES = {"acled": ("event_id_cnty", "event_date", "actor1"), "ucdp": ("type_of_violence", "side_a", "date_start")}


def detect(header: List[str]) -> Optional[str]:
    for fmt, needed in SIGNATURES.items():
        if all(col in header for col in needed):
            return fmt
    return None


def read_header(path: str) -> List[str]:
    """A CSV's first non-empty row, as column names (read bounded: a file without line ends is not held)."""
    try:
        return csv_header(path)
    except OSError:
        return []


def sniff(path: str, mapping_path: Optional[str] = None) -> Optional[str]:
    """acled/ucdp if a CSV's header says so — or has every column the user's mapping reads."""
    header = read_header(path)
    if mapping_path:
        mapping = load_mapping(detect(header) or "acled", mapping_path)
        if all(c in header for c in mapping.header_columns()):
            return mapping.format
    return detect(header)


def file_labels(paths: Sequence[str]) -> Dict[str, str]:
    """What a row id made from a file's name and line starts with, for each path of one run.

    The file's base name ("acled_2019.csv"); where two files of the run share it, as much of the
    path as tells them apart ("2019/export.csv", "2020/export.csv"). The same on every machine
    for the same relative paths, and never one label for two files."""
    parts = {p: os.path.normpath(p).replace(os.sep, "/").split("/") for p in paths}
    labels: Dict[str, str] = {}
    for path, segments in parts.items():
        depth = 1
        while depth < len(segments):
            tail = segments[-depth:]
            if not any(other != path and parts[other][-depth:] == tail for other in parts):
                break
            depth += 1
        labels[path] = "/".join(segments[-depth:])
    return labels


def _date(text: str, formats: Sequence[str]) -> Optional[str]:
    for f in formats:
        day = parse_day(text.strip(), f)  # month names in English, whatever the host's locale
        if day is not None:
            return day.isoformat()
    return None


def _whole(text: str) -> Optional[int]:
    """A non-negative whole number as exports write it ('12', '12.0'), or None."""
    text = text.strip()
    if text.isdigit():
        return int(text)
    head, dot, tail = text.partition(".")
    if dot and head.isdigit() and tail.strip("0") == "":
        return int(head)
    return None


class _Malformed(Exception):
    def __init__(self, column: str, reason: str):
        self.column = column
        self.reason = reason


@attrs.frozen
class Side:
    """One named side of a row (its actor column or its target column) and what it maps to."""

    role: str
    name: str
    party: str
    entry: Optional[ActorEntry]  # the one that decided, or None when none matched (then party is `other`)


def _sides(raw: Dict[str, str], mapping: Mapping, day: Optional[dt.date]) -> List[Side]:
    out = []
    for role in ("actor", "target"):
        column = mapping.columns.get(role)
        name = (raw.get(column) or "").strip() if column else ""
        if name:
            party, entry = mapping.party(name, day, raw, role)
            out.append(Side(role, name, party, entry))
    return out


def _cell(raw: Dict[str, str], mapping: Mapping, key: str) -> str:
    column = mapping.columns.get(key)
    return (raw.get(column) or "").strip() if column else ""


def _day(raw: Dict[str, str], mapping: Mapping) -> Tuple[str, dt.date]:
    column = mapping.columns["date"]
    text = raw.get(column) or ""
    iso = _date(text, mapping.date_formats)
    if iso is None:
        raise _Malformed(column, f"'{text}' in {column} is not a date in any of {', '.join(mapping.date_formats)}")
    return iso, dt.date.fromisoformat(iso)


def _precision(raw: Dict[str, str], mapping: Mapping) -> Tuple[bool, Optional[int]]:
    """(the mapping reads a precision column, its value — None when the cell is empty)."""
    column = mapping.columns.get("precision")
    if not column:
        return False, None
    text = (raw.get(column) or "").strip()
    if not text:
        return True, None
    value = _whole(text)
    if value is None:
        raise _Malformed(column, f"'{text}' in {column} is not a precision code (a whole number)")
    return True, value


def _location(raw: Dict[str, str], mapping: Mapping, province: Optional[str]) -> Optional[str]:
    """provincial_capital, the mapping's default kind, or None where the precision cannot tell."""
    gazetteer = mapping.gazetteer
    has_precision, precision = _precision(raw, mapping)
    if has_precision and precision is None:
        return None
    if gazetteer is not None and not gazetteer.capital_allowed(mapping.format, precision):
        return None  # e.g. ACLED geo_precision 3: at the capital only because the province is all that is known
    if gazetteer is not None and province is not None:
        place, point = _cell(raw, mapping, "place"), _cell(raw, mapping, "point")
        if mapping.format == "ucdp":
            at_capital = ((precision in (None, 1) and gazetteer.names_capital(province, point))
                          or gazetteer.names_capital(province, place))
        else:
            at_capital = gazetteer.is_capital_name(province, place)
        if at_capital:
            return "provincial_capital"
    return mapping.default_location_kind


def map_row(raw: Dict[str, str], mapping: Mapping,
            generated_id: Optional[str] = None) -> Tuple[Optional[Dict[str, Any]], Optional[str], Optional[str]]:
    """(contract row, None, None), or (None, problem, the mapping's column) for a malformed row."""
    try:
        return _mapped(raw, mapping, generated_id), None, None
    except _Malformed as bad:
        return None, bad.reason, bad.column


def _mapped(raw: Dict[str, str], mapping: Mapping, generated_id: Optional[str]) -> Dict[str, Any]:
    cols = mapping.columns
    for key in ("id", "date", "actor"):
        if key in cols and not (raw.get(cols[key]) or "").strip():
            raise _Malformed(cols[key], f"column '{cols[key]}' is empty")
    iso, day = _day(raw, mapping)
    rule = mapping.event_type(raw)
    row: Dict[str, Any] = {"id": raw[cols["id"]].strip() if "id" in cols else generated_id, "date": iso,
                           "type": rule.type if rule else "other", "source_format": mapping.format}
    type_name = mapping.type_name(raw)
    if type_name:
        row["source_type"] = type_name
    sides = _sides(raw, mapping, day)
    if rule is not None and rule.undirected:
        # Who attacked is not recorded (UCDP state-based and non-state rows): both sides are kept,
        # no one is the actor, so the row is counted but is never a party's act.
        row["actor"] = "unknown"
        for side, key in zip(sides, ("side_a", "side_b")):
            row[key], row[f"{key}_name"] = side.party, side.name
    else:
        for side in sides:
            row[side.role], row[f"{side.role}_name"] = side.party, side.name
        if rule is not None and rule.target:
            row["target"] = rule.target
    fatalities = _cell(raw, mapping, "fatalities")
    if fatalities:
        count = _whole(fatalities)
        if count is None:
            raise _Malformed(cols["fatalities"],
                             f"'{fatalities}' in {cols['fatalities']} is not a whole number of deaths")
        row["fatalities"] = count
    name = _cell(raw, mapping, "province")
    for suffix in mapping.strip_from_province:
        name = name[: -len(suffix)] if suffix and name.endswith(suffix) else name
    province = mapping.gazetteer.province(name) if mapping.gazetteer else None
    if province or name:
        row["province"] = province or name
        if province and province != name:
            row["province_name"] = name
    for key in ("place", "description", "source", "latitude", "longitude", "country"):  # issues 25, 27
        value = _cell(raw, mapping, key)
        if value:
            row[key] = value
    kind = _location(raw, mapping, province)
    if kind:
        row["location_kind"] = kind
    return row


def _line(where: str) -> str:
    return where.rsplit(":", 1)[1] if ":" in where else "0"


def check_header(path: str, mapping: Mapping) -> List[str]:
    """The file's header; InputFileError (one, for the file) if it lacks a column the mapping reads."""
    header = read_header(path)
    expected = mapping.header_columns()
    missing = [c for c in expected if c not in header]
    if missing:
        raise InputFileError(
            f"{path}: the header has no column {', '.join(missing)}, which {mapping.source} reads as "
            f"{', '.join(k for k, c in mapping.columns.items() if c in missing)}. Expected columns: "
            f"{', '.join(expected)}. Found: {', '.join(header) or 'nothing'}. "
            "Is this the right export? Pass --mapping with this file's column names.")
    return header


def read_export(path: str, fmt: str, mapping: Optional[Mapping] = None,
                label: Optional[str] = None) -> Iterator[RawRow]:
    """Rows of an ACLED or UCDP CSV export, mapped; the file:line of each is the export's own.

    Without an id column in the mapping, a row's id is `<label>:<line>` (label: see `file_labels`;
    by default the file's base name), the line where the row starts."""
    mapping = mapping or load_mapping(fmt)
    check_header(path, mapping)
    label = label or os.path.basename(path)
    for row in read_csv(path, required=()):
        yield row if row.data is None else _export_row(row.where, row.data, mapping, label)


def _export_row(where: str, raw: Dict[str, str], mapping: Mapping, label: str) -> RawRow:
    """One export row mapped (or rejected with the mapping's column); its file:line is the export's own."""
    generated = None if "id" in mapping.columns else f"{label}:{_line(where)}"
    mapped, problem, column = map_row(raw, mapping, generated)
    if mapped is None:
        own_id = raw.get(mapping.columns["id"]) if "id" in mapping.columns else generated
        return RawRow(where, None, problem, column, id=own_id)
    return RawRow(where, mapped)


def read_export_each(path: str, mappings: Sequence[Mapping],
                     label: Optional[str] = None) -> Iterator[Tuple[RawRow, ...]]:
    """Rows of an export read once and mapped by each mapping (issue 27: several agreements, each with
    its own): for each row of the file, one RawRow per mapping, in the mappings' order. A row the CSV
    reader refuses is the same refusal for every mapping; ids made from file and line are the same as
    `read_export` makes (the same label, the same line)."""
    for mapping in mappings:
        check_header(path, mapping)
    label = label or os.path.basename(path)
    count = len(mappings)
    for row in read_csv(path, required=()):
        if row.data is None:
            yield (row,) * count
        else:
            raw = row.data
            yield tuple(_export_row(row.where, raw, mapping, label) for mapping in mappings)


LISTED = 1_000  # `mapping check` lists the names in most rows, this many of each; it counts the rest


def check_export(path: str, mapping: Mapping) -> Dict[str, Any]:
    """`mapping check`: every actor name and event type of an export, its row count, what it maps to.

    Sorted by rows (most first), then name: the same file gives the same bytes. At most LISTED names
    of each are listed; the rest are counted (`actors_more`, `actors_more_rows`, the same for event
    types), and counting holds a bounded number of names whatever the export (`_util/counting.py`)."""
    header = check_header(path, mapping)
    actors: counting.SpillingCounter[Tuple[str, Optional[str], str]] = counting.SpillingCounter("count the actor names")
    types: counting.SpillingCounter[Tuple[str, str, bool]] = counting.SpillingCounter("count the event types")
    rows = malformed = 0
    for row in read_csv(path, required=()):
        rows += 1
        if row.data is None:
            malformed += 1
            continue
        if map_row(row.data, mapping, "-")[0] is None:
            malformed += 1  # a report rejects it; its names still count below when its date can be read
        try:
            _, day = _day(row.data, mapping)
        except _Malformed:
            continue
        for key in {(s.name, s.party, s.entry.describe() if s.entry else "") for s in _sides(row.data, mapping, day)}:
            actors.add(key)  # once per row, even where the name is both actor and target
        rule = mapping.event_type(row.data)
        types.add((mapping.type_name(row.data), rule.type if rule else "other", bool(rule and rule.undirected)))
    listed_actors, more_actors, more_actor_rows = counting.top(actors, LISTED)
    listed_types, more_types, more_type_rows = counting.top(types, LISTED)
    result: Dict[str, Any] = {
        "file": path, "format": mapping.format, "mapping": mapping.source, "rows": rows, "malformed": malformed,
        "unread_columns": [c for c in mapping.condition_columns() if c not in header],
        "actors": [{"name": n, "party": p, "rows": c, "pattern": d or None} for (n, p, d), c in listed_actors],
        "event_types": [{"name": n, "type": t, "rows": c, "undirected": u} for (n, t, u), c in listed_types],
    }
    if more_actors:
        result.update(actors_more=more_actors, actors_more_rows=more_actor_rows)
    if more_types:
        result.update(event_types_more=more_types, event_types_more_rows=more_type_rows)
    return result
