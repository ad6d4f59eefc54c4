"""Mapping files: how an ACLED or UCDP export's columns, actor names and event types map onto events.

A mapping is data an analyst edits (`mappings/acled.yaml`, `mappings/ucdp.yaml`, or their own with
--mapping), so it is checked the way rule files are: every problem at once, each with its line,
unknown keys named with the allowed ones, regular expressions compiled with a readable error.
What a mapping does not name is never a reason to reject a row: an actor no entry matches is
`other`, an event type no entry matches is type `other` (see `importers`).
"""
from __future__ import annotations

import datetime as dt
import os
import re
from importlib import resources
from typing import Any, Dict, List, Optional, Sequence, Tuple

import attrs

from doha_compliance._util import patterns, safeyaml
from doha_compliance._util.files import EXCERPT_CHARS, excerpt, label
from doha_compliance._util.hints import did_you_mean
from doha_compliance.errors import InputFileError
from doha_compliance.intake.readers import read_data_file
from doha_compliance.models import OTHER

from .gazetteer import Gazetteer, Recent, file_key, load_gazetteer

FORMATS = ("acled", "ucdp")
TOP_KEYS = ("format", "columns", "type_columns", "date_formats", "strip_from_province", "actors", "types",
            "default_location_kind", "gazetteer", "coverage")
COLUMN_KEYS = ("id", "date", "actor", "target", "province", "place", "point", "precision", "fatalities",
               "description", "source", "latitude", "longitude", "country")
REQUIRED_COLUMNS = ("date", "actor")
# issue 27: a column a header may lack (older extracts have no `country`): its rows then name no country
OPTIONAL_COLUMNS = ("country",)
ACTOR_KEYS = ("match", "party", "from", "until", "role", "when")
TYPE_KEYS = ("type", "target", "undirected", "when")
ROLES = ("actor", "target")
# `gazetteer: none`: no gazetteer at all (no row is ever at a provincial capital; provinces as written).
# Without the key, the shipped gazetteer (Afghanistan's) is read, as before.
NO_GAZETTEER = "none"


@attrs.frozen
class Condition:
    """One column's test: equal to one of `values`, or matching `pattern`."""

    column: str
    values: Tuple[str, ...] = ()
    pattern: Optional["re.Pattern[str]"] = None

    def holds(self, raw: Dict[str, str]) -> bool:
        cell = (raw.get(self.column) or "").strip()
        if self.pattern is not None:
            return patterns.search(self.pattern, cell)
        return cell in self.values


def _all(conditions: Sequence[Condition], raw: Dict[str, str]) -> bool:
    return all(c.holds(raw) for c in conditions)


@attrs.frozen
class ActorEntry:
    pattern: "re.Pattern[str]"
    party: str
    start: Optional[dt.date] = None
    end: Optional[dt.date] = None
    role: Optional[str] = None
    when: Tuple[Condition, ...] = ()
    line: Optional[int] = attrs.field(default=None, eq=False)  # in the mapping file, for `rules check`

    def applies(self, name: str, day: Optional[dt.date], raw: Dict[str, str], role: str) -> bool:
        if self.role is not None and self.role != role:
            return False
        if day is not None and ((self.start and day < self.start) or (self.end and day > self.end)):
            return False
        if day is None and (self.start or self.end):
            return False
        return patterns.search(self.pattern, name) and _all(self.when, raw)

    def describe(self) -> str:
        """How `mapping check` shows the entry: its pattern, its dates and conditions."""
        text = self.pattern.pattern
        if self.start or self.end:
            text += f" ({self.start or '…'} to {self.end or '…'})"
        if self.role:
            text += f" [{self.role} only]"
        if self.when:
            text += " if " + ", ".join(c.column for c in self.when)
        return text


@attrs.frozen
class TypeEntry:
    type: str
    when: Tuple[Condition, ...]
    target: Optional[str] = None
    undirected: bool = False
    line: Optional[int] = attrs.field(default=None, eq=False)  # in the mapping file, for `rules check`


@attrs.frozen
class Mapping:
    format: str
    columns: Dict[str, str]
    date_formats: Tuple[str, ...]
    actors: Tuple[ActorEntry, ...]
    types: Tuple[TypeEntry, ...]
    type_columns: Tuple[str, ...] = ()
    default_location_kind: Optional[str] = None
    strip_from_province: Tuple[str, ...] = ()
    gazetteer: Optional[Gazetteer] = None
    source: str = ""
    # issue 24: what the export records systematically ({types, min_fatalities, note}), declared for
    # the export's span; None: the export declares nothing
    coverage: Optional[Tuple[Tuple[str, ...], int, str]] = None
    lines: Dict[str, int] = attrs.field(factory=dict, eq=False)  # each top-level key's line, for `rules check`

    def party(self, name: str, day: Optional[dt.date], raw: Dict[str, str],
              role: str) -> Tuple[str, Optional[ActorEntry]]:
        """(party id, the entry that decided) — `other` with no entry when none matches."""
        for entry in self.actors:
            if entry.applies(name, day, raw, role):
                return entry.party, entry
        return OTHER, None  # the reserved id `other`

    def event_type(self, raw: Dict[str, str]) -> Optional[TypeEntry]:
        return next((t for t in self.types if _all(t.when, raw)), None)

    def type_name(self, raw: Dict[str, str]) -> str:
        """The export's own name for the row's type: its type columns' values, joined by ': '."""
        return ": ".join(raw.get(c, "").strip() for c in self.type_columns if raw.get(c, "").strip())

    def header_columns(self) -> List[str]:
        """The columns a header must have: every column the mapping reads but the optional ones."""
        return list(dict.fromkeys(c for k, c in self.columns.items() if k not in OPTIONAL_COLUMNS))

    def condition_columns(self) -> List[str]:
        """Columns the mapping's entries test (a file may lack some: those tests then never hold)."""
        names = {c.column for e in self.actors for c in e.when} | {c.column for t in self.types for c in t.when}
        return sorted(names | set(self.type_columns))


class _Problems:
    def __init__(self, name: str, node: Any):
        self.name = name
        self.node = node
        self.items: List[str] = []

    def add(self, line: Optional[int], where: str, message: str) -> None:
        self.items.append(f"{self.name}:{line or 1}: {where}: {message}")


def _unknown(keys: Sequence[Any], allowed: Sequence[str]) -> List[str]:
    out = []
    for key in keys:
        if key in allowed:
            continue
        out.append(f"unknown key {excerpt(str(key))}{did_you_mean(str(key), allowed)}; allowed: {', '.join(allowed)}")
    return out


def _regex(text: Any, where: str, line: Optional[int], problems: _Problems) -> Optional["re.Pattern[str]"]:
    if not isinstance(text, str) or not text:
        problems.add(line, where, f"a regular expression (text) is needed, got {excerpt(text)}")
        return None
    why = patterns.unsafe(text)  # before compiling: Python's compiler overflows on some (x{4294967296})
    if why is not None:
        problems.add(line, where, f"{excerpt(text)} is refused: {why}")
        return None
    try:
        return re.compile(text)
    except re.error as exc:
        problems.add(line, where, f"{excerpt(text)} is not a valid regular expression: {exc}")
        return None


def _conditions(data: Any, where: str, line: Optional[int], problems: _Problems) -> Tuple[Condition, ...]:
    """{column: value | [values] | {match: regex}} -> conditions."""
    if not isinstance(data, dict):
        problems.add(line, where, "a mapping of column -> value, [values] or {match: regular expression}")
        return ()
    out = []
    for column, test in data.items():
        here = f"{where}.{label(column)}"
        if isinstance(test, dict):
            if set(test) != {"match"}:
                problems.add(line, here, "a condition is a value, a list of values, or {match: regular expression}")
                continue
            pattern = _regex(test["match"], here, line, problems)
            if pattern is not None:
                out.append(Condition(str(column), pattern=pattern))
        elif (isinstance(test, list) and test
              and all(isinstance(v, (str, int)) and not isinstance(v, bool) for v in test)):
            out.append(Condition(str(column), tuple(str(v).strip() for v in test)))
        elif isinstance(test, (str, int)) and not isinstance(test, bool):
            out.append(Condition(str(column), (str(test).strip(),)))
        else:
            problems.add(line, here, f"{excerpt(test)} is not a value, a list of values or {{match: ...}}")
    return tuple(out)


def _day(value: Any, where: str, line: Optional[int], problems: _Problems) -> Optional[dt.date]:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        problems.add(line, where, f"{excerpt(value)} is not a date written YYYY-MM-DD")
        return None


def _item_lines(node: Any, key: str) -> List[int]:
    """The line of each item of a top-level list, to point at a bad entry."""
    for k, v in getattr(node, "value", []) or []:
        if getattr(k, "value", None) == key and hasattr(v, "value") and isinstance(v.value, list):
            return [safeyaml.node_line(item) for item in v.value]
    return []


def _actors(entries: Any, lines: List[int], problems: _Problems) -> Tuple[ActorEntry, ...]:
    if not isinstance(entries, list):
        problems.add(None, "actors", "a list of {match: regular expression, party: id} entries")
        return ()
    out = []
    for index, entry in enumerate(entries):
        line = lines[index] if index < len(lines) else None
        where = f"actors[{index + 1}]"
        if not isinstance(entry, dict):
            problems.add(line, where, "each entry is {match: regular expression, party: id, ...}")
            continue
        for message in _unknown(list(entry), ACTOR_KEYS):
            problems.add(line, where, message)
        pattern = _regex(entry.get("match"), f"{where}.match", line, problems)
        party = entry.get("party")
        if not isinstance(party, str) or not party.strip():
            problems.add(line, f"{where}.party", "a party id is needed (or unknown / other)")
        role = entry.get("role")
        if role is not None and role not in ROLES:
            problems.add(line, f"{where}.role", f"{excerpt(role)} is not one of {', '.join(ROLES)}")
        start = _day(entry["from"], f"{where}.from", line, problems) if "from" in entry else None
        end = _day(entry["until"], f"{where}.until", line, problems) if "until" in entry else None
        when = _conditions(entry["when"], f"{where}.when", line, problems) if "when" in entry else ()
        if pattern is not None and isinstance(party, str) and party.strip():
            out.append(ActorEntry(pattern, party.strip(), start, end, role, when, line))
    return tuple(out)


def _types(entries: Any, lines: List[int], problems: _Problems) -> Tuple[TypeEntry, ...]:
    if not isinstance(entries, list):
        problems.add(None, "types", "a list of {<column>: value, type: event type} entries")
        return ()
    out = []
    for index, entry in enumerate(entries):
        line = lines[index] if index < len(lines) else None
        where = f"types[{index + 1}]"
        if not isinstance(entry, dict) or not isinstance(entry.get("type"), str):
            problems.add(line, where, "each entry is {<column>: value, ..., type: event type}")
            continue
        undirected = entry.get("undirected", False)
        if not isinstance(undirected, bool):
            problems.add(line, f"{where}.undirected", "true or false")
        target = entry.get("target")
        if target is not None and not isinstance(target, str):
            problems.add(line, f"{where}.target", "a party id")
        columns = {k: v for k, v in entry.items() if k not in TYPE_KEYS}
        when = _conditions(columns, where, line, problems)
        if "when" in entry:
            when += _conditions(entry["when"], f"{where}.when", line, problems)
        out.append(TypeEntry(entry["type"], when, target, bool(undirected), line))
    return tuple(out)


def _short_list(items: List[Any]) -> str:
    """A list of column names as written when it is short and all text, else how many there are."""
    shown = repr(items)
    if len(shown) <= EXCERPT_CHARS and all(isinstance(x, str) and x.isprintable() for x in items):
        return shown
    return f"{len(items)} items"


def _columns(data: Any, problems: _Problems, line: Optional[int]) -> Dict[str, str]:
    if not isinstance(data, dict):
        problems.add(line, "columns", "a mapping of field -> the export's column name")
        return {}
    for message in _unknown(list(data), COLUMN_KEYS):
        problems.add(line, "columns", message)
    out = {}
    for key, column in data.items():
        if isinstance(column, list):
            problems.add(line, f"columns.{label(key)}", f"one column name, not a list ({_short_list(column)})")
        elif not isinstance(column, str) or not column.strip():
            problems.add(line, f"columns.{label(key)}", f"a column name (text), got {excerpt(column)}")
        elif key in COLUMN_KEYS:
            out[key] = column.strip()
    for key in REQUIRED_COLUMNS:
        if key not in data:
            problems.add(line, "columns", f"'{key}' is required (the export's column for the event's {key})")
    return out


def _text_list(data: Any, key: str, problems: _Problems, line: Optional[int]) -> Tuple[str, ...]:
    if data is None:
        return ()
    if not isinstance(data, list) or not all(isinstance(x, str) for x in data):
        problems.add(line, key, "a list of texts")
        return ()
    return tuple(data)


def _read(fmt: str, path: Optional[str]) -> Tuple[str, str, Optional[str]]:
    """(text, name for messages, folder a relative gazetteer path is read from; None: the package's)."""
    if path:
        return read_data_file(path, "mapping file"), path, os.path.dirname(os.path.abspath(path))
    if fmt not in FORMATS:
        raise InputFileError(f"no shipped mapping for '{fmt}'; use one of {', '.join(FORMATS)} or pass --mapping")
    bundled = resources.files("doha_compliance").joinpath(f"mappings/{fmt}.yaml")
    return bundled.read_text("utf-8"), f"mappings/{fmt}.yaml", None


def _bundled_gazetteer(where: str) -> Optional[str]:
    """The package's own gazetteer of that bare name (e.g. afghanistan.gazetteer.yaml), if there is one."""
    if os.path.basename(where) != where or where in (".", "..") or not where.endswith((".yaml", ".yml")):
        return None
    found = resources.files("doha_compliance").joinpath(f"mappings/{where}")
    return str(found) if found.is_file() else None


def _gazetteer_path(where: str, folder: Optional[str], name: str, line: Optional[int]) -> str:
    """Where a mapping's `gazetteer:` is read: a file in the mapping's own folder (links resolved), or
    a bundled gazetteer by its name. A mapping comes from a third party: it never makes the run read
    a file elsewhere (an absolute path, ../.., a link out), whose keys would reach the messages."""
    if folder is not None and not os.path.isabs(where):
        path = os.path.join(folder, where)
        if os.path.commonpath([os.path.realpath(path), os.path.realpath(folder)]) == os.path.realpath(folder):
            if os.path.exists(path) or _bundled_gazetteer(where) is None:
                return path
    bundled = _bundled_gazetteer(where)
    if bundled is not None:
        return bundled
    raise InputFileError(f"{name}:{line or 1}: gazetteer: {excerpt(where)} is outside the mapping's folder; "
                         "put the gazetteer beside the mapping and name it relative to it")


RULE_SET_FOLDER = "mappings"  # issue 27: a rule set's own export mappings, rules/<set>/mappings/<format>.yaml


def rule_set_mapping(folder: Optional[str], fmt: str) -> Optional[str]:
    """The rule set's own mapping for an export format (`<folder>/mappings/acled.yaml`, `ucdp.yaml`),
    or None when it has none (the shipped mapping is then read). Only the two formats' names."""
    if not folder or fmt not in FORMATS:
        return None
    path = os.path.join(folder, RULE_SET_FOLDER, f"{fmt}.yaml")
    return path if os.path.isfile(path) else None


def rule_set_mappings(folder: Optional[str]) -> Dict[str, str]:
    """{format: path} of every mapping the rule set holds."""
    found = {fmt: rule_set_mapping(folder, fmt) for fmt in FORMATS}
    return {fmt: path for fmt, path in found.items() if path is not None}


def vocabulary_problems(mapping: Mapping, parties: Sequence[str], event_types: Sequence[str],
                        location_kinds: Sequence[str]) -> List[str]:
    """What a rule set's own mapping says that its agreement has no word for (`rules check`), each with
    the mapping's file:line: a party id that is no party (nor unknown/other), an event type that is not
    the agreement's (nor other), a location kind it does not declare. Every row mapped with such a word
    would be rejected, so the mapping is refused before any row is read."""
    actors = set(parties) | {OTHER, "unknown"}
    types = set(event_types) | {OTHER}
    out = []
    for entry in mapping.actors:
        if entry.party not in actors:
            out.append(f"{mapping.source}:{entry.line or 1}: actors: party {excerpt(entry.party)} is not one of the "
                       f"agreement's parties{did_you_mean(entry.party, sorted(actors))} (nor unknown / other)")
    for t in mapping.types:
        if t.type not in types:
            out.append(f"{mapping.source}:{t.line or 1}: types: {excerpt(t.type)} is not one of the agreement's "
                       f"event types{did_you_mean(t.type, sorted(types))} (nor other)")
        if t.target is not None and t.target not in actors:
            out.append(f"{mapping.source}:{t.line or 1}: types: target {excerpt(t.target)} is not one of the "
                       f"agreement's parties{did_you_mean(t.target, sorted(actors))}")
    kinds = set(location_kinds)
    kind = mapping.default_location_kind
    if kind is not None and kind not in kinds:
        declared = ", ".join(location_kinds) or "none"
        out.append(f"{mapping.source}:{mapping.lines.get('default_location_kind', 1)}: default_location_kind: "
                   f"{excerpt(kind)} is not one of the agreement's location kinds ({declared}); "
                   "leave it out when the export does not say what kind of place an event was at")
    if mapping.gazetteer is not None and "provincial_capital" not in kinds:
        out.append(f"{mapping.source}:{mapping.lines.get('gazetteer', 1)}: gazetteer: it places events at a "
                   "provincial_capital, which is not one of the agreement's location kinds")
    if mapping.coverage is not None:
        for name in mapping.coverage[0]:
            if name not in types:
                out.append(f"{mapping.source}:{mapping.lines.get('coverage', 1)}: coverage.types: {excerpt(name)} "
                           "is not one of the agreement's event types")
    if "country" not in mapping.columns:
        out.append(f"{mapping.source}:{mapping.lines.get('columns', 1)}: columns: 'country' is needed in a rule "
                   "set's mapping (an export's rows are placed in the agreement's area by it)")
    return out


def files_named(path: str) -> List[str]:
    """The files a user's mapping makes the run read: the mapping and its gazetteer (as the run will
    resolve it). A mapping that cannot be read or resolved yields only itself: loading it says why."""
    out = [path]
    try:
        text = read_data_file(path, "mapping file")
        data, node = safeyaml.load(text)
        where = data.get("gazetteer") if isinstance(data, dict) else None
        if isinstance(where, str) and where.strip() and where != NO_GAZETTEER:
            out.append(_gazetteer_path(where, os.path.dirname(os.path.abspath(path)), path, None))
    except (InputFileError, safeyaml.YamlProblem):
        pass
    return out


_MAPPINGS = Recent()  # (format, FileKey) -> (Mapping, its gazetteer's path and FileKey)


def load_mapping(fmt: str, path: Optional[str] = None) -> Mapping:
    """The shipped mapping for a format, or a user's file; raises InputFileError naming every problem.

    A user's mapping is read once while neither it nor its gazetteer changes (a run asks for it
    when it checks the arguments, sniffs the file and reads it)."""
    key = (fmt, file_key(path)) if path else None
    if key is not None and key[1] is not None:
        known = _MAPPINGS.get(key)
        if known is not None and (known[1] is None or file_key(known[1]) == known[2]):
            mapping: Mapping = known[0]
            return mapping
    found = _load_mapping(fmt, path)
    if key is not None and key[1] is not None and file_key(path or "") == key[1]:
        where = found[1]
        _MAPPINGS.put(key, (found[0], where, file_key(where) if where else None))
    return found[0]


def _load_mapping(fmt: str, path: Optional[str]) -> Tuple[Mapping, Optional[str]]:
    """The mapping, and the path of the user's gazetteer it names (None: the shipped one)."""
    text, name, folder = _read(fmt, path)
    try:
        loader, node = safeyaml.compose(text)
        data = safeyaml.construct(loader, node) if node is not None else None
    except safeyaml.YamlProblem as exc:
        raise InputFileError(f"{name}{':' + str(exc.line) if exc.line else ''}: {exc.message}") from None
    if not isinstance(data, dict) or not {"columns", "actors", "types"} <= set(data):
        raise InputFileError(f"{name}: a mapping needs 'columns', 'actors' and 'types'")
    problems = _Problems(name, node)
    lines = safeyaml.key_lines(node)
    for key in data:
        if key == "provincial_capitals":
            problems.add(lines.get(key), key, "capitals now come from a gazetteer (spellings per province, precision "
                                              "rules): remove this key, or name your own with 'gazetteer: FILE'")
        else:
            for message in _unknown([key], TOP_KEYS):
                problems.add(lines.get(key), label(key), message)
    fmt = data.get("format", fmt)
    if fmt not in FORMATS:
        problems.add(lines.get("format"), "format", f"{excerpt(fmt)} is not one of {', '.join(FORMATS)}")
    columns = _columns(data["columns"], problems, lines.get("columns"))
    date_formats = _text_list(data.get("date_formats", ["%Y-%m-%d"]), "date_formats", problems,
                              lines.get("date_formats"))
    if "date_formats" in data and not date_formats:
        problems.add(lines.get("date_formats"), "date_formats", "at least one strptime format, e.g. '%Y-%m-%d'")
    actors = _actors(data["actors"], _item_lines(node, "actors"), problems)
    types = _types(data["types"], _item_lines(node, "types"), problems)
    type_columns = _text_list(data.get("type_columns"), "type_columns", problems, lines.get("type_columns"))
    strip = _text_list(data.get("strip_from_province"), "strip_from_province", problems,
                       lines.get("strip_from_province"))
    default_kind = data.get("default_location_kind")
    if default_kind is not None and not isinstance(default_kind, str):
        problems.add(lines.get("default_location_kind"), "default_location_kind", "a location kind (text)")
    where = data.get("gazetteer")
    if where is not None and (not isinstance(where, str) or not where.strip()):
        problems.add(lines.get("gazetteer"), "gazetteer", "the path of a gazetteer file (relative to this mapping)")
        where = None
    scope = _coverage(data.get("coverage"), problems, lines.get("coverage"))
    if problems.items:
        raise InputFileError(f"the mapping cannot be used ({len(problems.items)} problem"
                             f"{'s' if len(problems.items) != 1 else ''}):\n  " + "\n  ".join(problems.items))
    gazetteer: Optional[Gazetteer] = None
    gazetteer_path = None
    if where != NO_GAZETTEER:  # issue 27: `gazetteer: none`, a country without a gazetteer of capitals
        gazetteer_path = None if where is None else _gazetteer_path(where, folder, name, lines.get("gazetteer"))
        gazetteer = load_gazetteer(gazetteer_path)
    return Mapping(format=fmt, columns=columns, date_formats=date_formats, actors=actors, types=types,
                   type_columns=type_columns, default_location_kind=default_kind, strip_from_province=strip,
                   gazetteer=gazetteer, source=name, coverage=scope,
                   lines=dict(lines)), gazetteer_path


def _coverage(value: Any, problems: "_Problems", line: Optional[int]) -> Optional[Tuple[Tuple[str, ...], int, str]]:
    """The mapping's `coverage:` (issue 24): the agreement types the export records systematically
    (`types`), optionally only lethal events (`min_fatalities`) and a `note`."""
    if value is None:
        return None
    if not isinstance(value, dict) or not set(value) <= {"types", "min_fatalities", "note"}:
        problems.add(line, "coverage", "a mapping of types (a list of event types), min_fatalities, note")
        return None
    types = value.get("types")
    if not isinstance(types, list) or not types or not all(isinstance(t, str) and t for t in types):
        problems.add(line, "coverage.types", "a non-empty list of the event types the export records systematically")
        return None
    fatalities = value.get("min_fatalities", 0)
    if type(fatalities) is not int or fatalities < 0:
        problems.add(line, "coverage.min_fatalities", "a whole number of deaths, 0 or more")
        return None
    return tuple(sorted(set(types))), fatalities, str(value.get("note", ""))
