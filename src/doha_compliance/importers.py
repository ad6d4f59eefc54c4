"""ACLED and UCDP GED exports, read unchanged and mapped onto the event contract.

What maps to what lives in YAML (`mappings/acled.yaml`, `mappings/ucdp.yaml`; a user's own
file with --mapping). A row whose actor or event type the mapping does not cover is rejected
with the reason — never guessed. The original names are kept as extra fields
(`actor_name`, `target_name`, `source_type`), so nothing the export said is lost.
"""
from __future__ import annotations

import datetime as dt
import re
from importlib import resources
from typing import Any, Dict, Iterator, List, Optional

import attrs

from . import safeyaml
from .errors import InputFileError
from .readers import RawRow, read_csv

FORMATS = ("acled", "ucdp")
SIGNATURES = {"acled": ("event_id_cnty", "event_date", "actor1"), "ucdp": ("type_of_violence", "side_a", "date_start")}


@attrs.frozen
class Mapping:
    format: str
    columns: Dict[str, str]
    date_formats: List[str]
    actors: List[tuple]
    types: List[dict]
    provincial_capitals: frozenset = frozenset()
    default_location_kind: Optional[str] = None
    strip_from_province: tuple = ()
    source: str = ""

    def party(self, name: Optional[str]) -> Optional[str]:
        if not name:
            return None
        for pattern, party in self.actors:
            if pattern.search(name):
                return party
        return None


def load_mapping(fmt: str, path: Optional[str] = None) -> Mapping:
    """The shipped mapping for a format, or a user's file (checked for its keys)."""
    if path:
        try:
            with open(path, encoding="utf-8") as fh:
                text = fh.read()
        except OSError as exc:
            raise InputFileError(f"{path}: cannot read the mapping file: {exc.strerror}") from None
        name = path
    else:
        text = resources.files("doha_compliance").joinpath(f"mappings/{fmt}.yaml").read_text("utf-8")
        name = f"mappings/{fmt}.yaml"
    try:
        loader, node = safeyaml.compose(text)
        data = safeyaml.construct(loader, node) if node is not None else None
    except safeyaml.YamlProblem as exc:
        raise InputFileError(f"{name}:{exc.line}: {exc.message}") from None
    if not isinstance(data, dict) or not {"columns", "actors", "types"} <= set(data):
        raise InputFileError(f"{name}: a mapping needs 'columns', 'actors' and 'types'")
    try:
        actors = [(re.compile(a["match"]), a["party"]) for a in data["actors"]]
    except (KeyError, TypeError, re.error) as exc:
        raise InputFileError(f"{name}: actors: each entry needs 'match' (a regular expression) and 'party' ({exc})") from None
    return Mapping(format=data.get("format", fmt), columns=dict(data["columns"]),
                   date_formats=list(data.get("date_formats", ["%Y-%m-%d"])), actors=actors,
                   types=[dict(t) for t in data["types"]],
                   provincial_capitals=frozenset(data.get("provincial_capitals", [])),
                   default_location_kind=data.get("default_location_kind"),
                   strip_from_province=tuple(data.get("strip_from_province", [])), source=name)


def detect(header: List[str]) -> Optional[str]:
    for fmt, needed in SIGNATURES.items():
        if all(col in header for col in needed):
            return fmt
    return None


def _date(text: str, formats: List[str]) -> Optional[str]:
    for f in formats:
        try:
            return dt.datetime.strptime(text.strip(), f).date().isoformat()
        except ValueError:
            continue
    return None


def map_row(raw: Dict[str, str], mapping: Mapping) -> tuple[Optional[dict], Optional[str], Optional[str]]:
    """(contract row, None, None) or (None, problem, field)."""
    cols = mapping.columns
    missing = [c for key, c in cols.items() if key in ("id", "date", "actor") and not raw.get(c)]
    if missing:
        return None, f"column '{missing[0]}' is empty", missing[0]
    date = _date(raw[cols["date"]], mapping.date_formats)
    if date is None:
        return None, f"'{raw[cols['date']]}' in {cols['date']} is not a date in any of {', '.join(mapping.date_formats)}", "date"
    actor_name = raw[cols["actor"]]
    actor = mapping.party(actor_name)
    if actor is None:
        return None, f"actor '{actor_name}' has no party in the mapping ({mapping.source})", "actor"
    rule = next((t for t in mapping.types
                 if all(raw.get(k, "") == str(v) for k, v in t.items() if k not in ("type", "target"))), None)
    if rule is None:
        kinds = "/".join(raw.get(k, "") for k in ("event_type", "sub_event_type", "type_of_violence") if raw.get(k))
        return None, f"event type '{kinds}' has no mapping ({mapping.source})", "type"
    row: Dict[str, Any] = {"id": raw[cols["id"]], "date": date, "type": rule["type"], "actor": actor,
                           "actor_name": actor_name, "source_format": mapping.format}
    kinds = [raw.get(k) for k in ("event_type", "sub_event_type") if raw.get(k)]
    if kinds:
        row["source_type"] = "/".join(kinds)
    target_name = raw.get(cols.get("target", ""), "")
    target = rule.get("target") or mapping.party(target_name)
    if target_name:
        row["target_name"] = target_name
    if target:
        row["target"] = target
    for key in ("province", "place", "description", "source"):
        value = raw.get(cols.get(key, ""), "")
        if value:
            if key == "province":
                for suffix in mapping.strip_from_province:
                    value = value[: -len(suffix)] if value.endswith(suffix) else value
            row[key] = value
    if cols.get("fatalities") and raw.get(cols["fatalities"], "") != "":
        row["fatalities"] = raw[cols["fatalities"]]
    place = raw.get(cols.get("place", ""), "")
    if place and place in mapping.provincial_capitals:
        row["location_kind"] = "provincial_capital"
    elif mapping.default_location_kind:
        row["location_kind"] = mapping.default_location_kind
    return row, None, None


def read_export(path: str, fmt: str, mapping: Optional[Mapping] = None) -> Iterator[RawRow]:
    """Rows of an ACLED or UCDP CSV export, mapped; the file:line of each is the export's own."""
    mapping = mapping or load_mapping(fmt)
    required = [mapping.columns[k] for k in ("id", "date", "actor")]
    for row in read_csv(path, required=required):
        if row.data is None:
            yield row
            continue
        mapped, problem, field = map_row(row.data, mapping)
        if mapped is None:
            yield RawRow(row.where, None, problem, field, id=row.data.get(mapping.columns["id"]))
        else:
            yield RawRow(row.where, mapped)


def sniff(path: str) -> Optional[str]:
    """acled/ucdp if a CSV's header says so."""
    import csv
    try:
        with open(path, encoding="utf-8-sig", errors="replace") as fh:
            header = next(csv.reader([fh.readline()]), [])
    except OSError:
        return None
    return detect([h.strip() for h in header])
