"""Loading a rule folder: YAML -> JSON Schema check -> attrs models, with every error located.

A rule set that cannot be used must stop the run, so this module collects *all*
problems of a folder (file:line: field: message) before raising one RuleSetError.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import stat
from functools import lru_cache
from importlib import resources
from typing import Any, Dict, List, Mapping, Optional, Tuple

import attrs
import cattrs
import jsonschema
import yaml

from doha_compliance._util import files, safeyaml
from doha_compliance._util.dates import add_offset
from doha_compliance._util.hints import did_you_mean
from doha_compliance._util.limits import MAX_RULE_FILE_BYTES
from doha_compliance._util.values import iso_day
from doha_compliance.errors import Location, RuleError, RuleSetError
from doha_compliance.models import (
    RESERVED_ACTORS,
    Agreement,
    Fulfilment,
    JustifiedBy,
    Rule,
    Trigger,
)
from doha_compliance.rules.kinds import level as levels

from . import conditions

AGREEMENT_FILE = "agreement.yaml"
KIND_REQUIRES = {
    "prohibited": ("when",),
    "conditional": ("when", "justified_by"),
    "deadline": ("fulfilled_by",),
    "claim": ("when",),
    "claimable": (),
    "level": ("when", "baseline", "limit"),  # issue 15 (levels.py)
}
# Fields that only make sense for some kinds: a typo in `kind` should not pass silently.
KIND_ALLOWS = {
    "due": ("deadline",), "fulfilled_by": ("deadline",), "justified_by": ("conditional",),
    "scope": ("prohibited", "conditional"), "lookback_days": ("claim",), "accused_field": ("claim",),
    "measure": ("level",), "period": ("level",), "baseline": ("level",), "limit": ("level",), "level_from": ("level",),
}
# What an amendment never inherits: its own identity, place and end.
_NOT_INHERITED = ("id", "amends", "file", "line", "key_lines", "effective_until")
BASE_REQUIRES = ("party", "title", "source", "basis", "kind")


@lru_cache(maxsize=1)
def rule_schema() -> dict:
    text = resources.files("doha_compliance").joinpath("schemas/rules.schema.json").read_text("utf-8")
    return json.loads(text)


@attrs.define
class RuleSpec:
    """A rule entry as written in YAML (after the schema check); amendments leave fields unset."""

    id: str
    amends: Optional[str] = None
    party: Any = None
    title: Optional[str] = None
    source: Optional[str] = None
    basis: Optional[str] = None
    kind: Optional[str] = None
    when: Optional[Dict[str, Any]] = None
    status: Optional[str] = None
    justified_by: Optional[Dict[str, Any]] = None
    due: Any = None
    fulfilled_by: Any = None  # one part (a mapping) or a list of parts (SPEC-12 §3)
    covered_by: Optional[Dict[str, Any]] = None
    modality: Optional[str] = None
    wording: Optional[str] = None
    performed_by: Any = None
    starts_when: Optional[Dict[str, Any]] = None
    linked: Optional[List[str]] = None
    scope: Optional[Dict[str, Any]] = None
    accused_field: Optional[str] = None
    lookback_days: Optional[int] = None
    effective_from: Optional[str] = None
    effective_until: Optional[str] = None
    notes: Optional[str] = None
    measure: Any = None      # issue 15: the `level` kind's fields (levels.py); `from` is read as level_from
    period: Optional[str] = None
    baseline: Any = None
    limit: Optional[Dict[str, Any]] = None
    level_from: Optional[str] = None
    file: str = ""
    line: Optional[int] = None
    key_lines: Dict[str, int] = attrs.field(factory=dict)

    def at(self, field: Optional[str]) -> Location:
        return Location(self.file, self.key_lines.get(field or "", self.line), field)


_converter = cattrs.Converter(forbid_extra_keys=True)


def _jsonable(data: Any) -> Any:
    """YAML turns 2020-02-29 into a date; the schema speaks JSON, so dates become ISO text."""
    if isinstance(data, (dt.date, dt.datetime)):
        return data.isoformat()
    if isinstance(data, dict):
        return {str(k) if not isinstance(k, str) else k: _jsonable(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_jsonable(v) for v in data]
    return data


def _path_line(node: Any, path: List[Any]) -> Tuple[int, Optional[str]]:
    """Follow a JSON path into the YAML node tree: the deepest line found and the field name."""
    line = safeyaml.node_line(node)
    field = None
    for step in path:
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                if k.value == step:
                    line, node, field = k.start_mark.line + 1, v, str(step)
                    break
            else:
                break
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
            node = node.value[step]
            line = safeyaml.node_line(node)
        else:
            break
    return line, field


def _schema_messages(error: jsonschema.ValidationError, allowed: Dict[str, Any]) -> List[Tuple[List[Any], str]]:
    """Turn one schema error into analyst-readable messages with a path each."""
    if error.validator == "oneOf" and error.context:
        # Report the branch that got furthest, rather than "is not valid under any schema".
        best = max(error.context, key=lambda e: (len(e.absolute_path), e.validator != "type"))
        if best.validator not in ("type", "const"):
            return _schema_messages(best, allowed)
    path = list(error.absolute_path)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        known = sorted(error.schema.get("properties", {}))
        out = []
        for key in sorted(k for k in error.instance if k not in error.schema.get("properties", {})):
            out.append((path + [key], f"unknown field '{key}'{did_you_mean(key, known)}; allowed: {', '.join(known)}"))
        return out
    if error.validator == "required":
        return [(path, error.message.replace("is a required property", "is required but missing"))]
    if error.validator == "minimum":
        return [(path, f"must be {error.validator_value:,} or more, got {error.instance!r:.40}")]
    if error.validator == "maximum":
        return [(path, f"must be at most {error.validator_value:,}, got {error.instance!r:.40}")]
    if error.validator == "pattern" and error.schema == rule_schema()["$defs"]["date"]:
        return [(path, f"{error.instance!r} is not a date written YYYY-MM-DD")]
    if error.validator == "enum":
        return [(path, f"{error.instance!r} is not one of {', '.join(map(str, error.validator_value))}")]
    if error.validator == "oneOf" and path and path[-1] == "party":
        return [(path, "must be a party id or a list of party ids")]
    return [(path, error.message)]


def _parse_date(text: str, where: Location, errors: List[RuleError]) -> Optional[dt.date]:
    """A rule's date, real and within the supported range (so that it plus or minus any window is a date)."""
    try:
        return iso_day(text)
    except ValueError as exc:
        errors.append(RuleError(where, str(exc)))
        return None


def _resolve_due(spec: RuleSpec, signed: dt.date, errors: List[RuleError]) -> Tuple[Optional[dt.date], Optional[str]]:
    """A deadline is a date, or an offset from signature the YAML spells out (and may pin).
    An offset from the trigger is resolved when the trigger is known (`_offset_after_trigger`)."""
    due = spec.due
    if due is None:
        return None, None
    if isinstance(due, str):
        return _parse_date(due, spec.at("due"), errors), None
    if due["from"] == "trigger":
        how = _offset_text(due)
        return None, f"{how} after the trigger" + (f" ({due['note']})" if due.get("note") else "")
    start = signed if due["from"] == "signature" else _parse_date(due["from"], spec.at("due"), errors)
    if start is None:
        return None, None
    computed = add_offset(start, due.get("days", 0), due.get("months", 0))
    note = f"{_offset_text(due)} from {'signature' if due['from'] == 'signature' else due['from']} ({start.isoformat()}) = {computed.isoformat()}"
    if "date" in due:
        pinned = _parse_date(due["date"], spec.at("due"), errors)
        if pinned is None:
            return None, None
        note += f"; the date used is {pinned.isoformat()}"
        if due.get("note"):
            note += f" ({due['note']})"
        return pinned, note
    if due.get("note"):
        note += f" ({due['note']})"
    return computed, note


def _offset_text(due: Dict[str, Any]) -> str:
    how = []
    if due.get("months"):
        how.append(f"{due['months']} months")
    if due.get("days") or not due.get("months"):
        how.append(f"{due.get('days', 0)} days")
    return " and ".join(how)


def _read_file(path: str, errors: List[RuleError], text: Optional[str] = None) -> Optional[Tuple[Any, Any]]:
    """The file's data and its YAML node tree, or None after recording why not."""
    name = path
    if text is not None:
        return _parse_text(name, text, errors)
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            errors.append(RuleError(Location(name), "not a regular file (a pipe or a device): rule files are files"))
            return None
        text = files.read_text(path, MAX_RULE_FILE_BYTES, "rule file")
    except files.FileProblem as exc:
        errors.append(RuleError(Location(name, exc.line), exc.message + ("; refused" if exc.size else "")))
        return None
    except OSError as exc:
        errors.append(RuleError(Location(name), f"cannot read: {exc.strerror}"))
        return None
    return _parse_text(name, text, errors)


def _parse_text(name: str, text: str, errors: List[RuleError]) -> Optional[Tuple[Any, Any]]:
    try:
        data, node = safeyaml.load(text)
    except safeyaml.YamlProblem as exc:
        errors.append(RuleError(Location(name, exc.line), exc.message))
        return None
    if node is None:
        errors.append(RuleError(Location(name), "file is empty"))
        return None
    return data, node


def _check_schema(path: str, data: Any, node: Any, errors: List[RuleError]) -> Optional[set]:
    """Schema errors of a file. Returns None if the file as a whole is unusable, else the
    indexes of the rules that are, so the other rules can still be checked further."""
    schema = rule_schema()
    sub = "#/$defs/agreementFile" if os.path.basename(path) == AGREEMENT_FILE else "#/$defs/ruleFile"
    validator = jsonschema.Draft202012Validator({"$ref": sub, "$defs": schema["$defs"]})
    bad_rules: set = set()
    whole_file = False
    for error in sorted(validator.iter_errors(_jsonable(data)), key=lambda e: list(map(str, e.absolute_path))):
        for p, message in _schema_messages(error, schema):
            line, field = _path_line(node, p)
            errors.append(RuleError(Location(path, line, _dotted(p) or field), message))
            if len(p) >= 2 and p[0] == "rules" and isinstance(p[1], int):
                bad_rules.add(p[1])
            else:
                whole_file = True
    return None if whole_file else bad_rules


def _dotted(path: List[Any]) -> str:
    out = ""
    for step in path:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else str(step))
    return out


def _specs(path: str, data: dict, node: Any, skip: set) -> List[RuleSpec]:
    rules_node = next(v for k, v in node.value if k.value == "rules")
    specs = []
    for index, (item, item_node) in enumerate(zip(data["rules"], rules_node.value, strict=True)):
        if index in skip:
            continue
        item = _jsonable(item)
        if "from" in item:  # a level rule's `from` (a Python keyword) is the spec's level_from
            item["level_from"] = item.pop("from")
        spec = _converter.structure(item, RuleSpec)
        spec.file, spec.line, spec.key_lines = path, safeyaml.node_line(item_node), safeyaml.key_lines(item_node)
        if "from" in spec.key_lines:
            spec.key_lines["level_from"] = spec.key_lines["from"]
        specs.append(spec)
    return specs


def _check_condition(spec: RuleSpec, field: str, cond: Optional[Mapping[str, Any]], agreement: dict,
                     errors: List[RuleError]) -> None:
    """Values named in a condition must exist in the agreement's vocabulary (typos match nothing, silently)."""
    if not cond:
        return
    parties = set(agreement["parties"]) | {conditions.PARTY} | set(RESERVED_ACTORS)
    vocab = {
        "type": set(agreement["event_types"]) | {"other"},
        "actor": parties, "target": parties, "accused": parties,
        "location_kind": set(agreement.get("location_kinds", [])),
    }
    for key, ops in conditions.leaves(cond):
        if key not in vocab:
            continue
        for arg in ops.values():
            for v in (arg if isinstance(arg, list) else [arg]):
                if v not in vocab[key]:
                    errors.append(RuleError(spec.at(field), f"{key} '{v}' is not declared in {AGREEMENT_FILE}"
                                                            f"{did_you_mean(v, vocab[key])}"))


def _overlay(base: RuleSpec, amendment: RuleSpec) -> RuleSpec:
    """An amendment over the version it amends: every field it sets replaces the base's; the rest is
    inherited, except what identifies a version (its id, place and end)."""
    merged = attrs.evolve(base)
    for f in attrs.fields(RuleSpec):
        value = getattr(amendment, f.name)
        if f.name not in _NOT_INHERITED and value is not None:
            setattr(merged, f.name, value)
    return merged


def _party_list(value: Any) -> List[str]:
    return value if isinstance(value, list) else ([value] if value else [])


def _check_parties(spec: RuleSpec, field: str, parties: List[str], agreement: dict, errors: List[RuleError]) -> None:
    for p in parties:
        if p in RESERVED_ACTORS:
            errors.append(RuleError(spec.at(field), f"'{p}' is reserved for acts nobody claimed or by actors the "
                                                    "agreement does not name; it cannot owe or perform a commitment"))
        elif p not in agreement["parties"]:
            errors.append(RuleError(spec.at(field), f"unknown party '{p}'{did_you_mean(p, agreement['parties'])}; "
                                                    f"parties are declared in {AGREEMENT_FILE}"))


def _fulfilments(spec: RuleSpec, value: Any, errors: List[RuleError]) -> Tuple[Fulfilment, ...]:
    parts = value if isinstance(value, list) else ([value] if value else [])
    out = []
    for part in parts:
        f = Fulfilment(part["when"], part.get("total_of"), part.get("at_least"), part.get("up_to"), part.get("label"))
        if f.up_to is not None and not f.total_of:
            errors.append(RuleError(spec.at("fulfilled_by"), "'up_to' (a ceiling) needs 'total_of': the field whose values add up"))
        if f.up_to is not None and f.at_least is not None and f.at_least > f.up_to:
            errors.append(RuleError(spec.at("fulfilled_by"), f"'at_least' ({f.at_least}) is above the ceiling 'up_to' ({f.up_to})"))
        out.append(f)
    return tuple(out)


def _build_rule(spec: RuleSpec, base: Optional[RuleSpec], agreement: dict, signed: dt.date,
                errors: List[RuleError]) -> Optional[Rule]:
    """Merge an amendment over its base and check the kind's needs; None if unusable."""
    merged = _overlay(base, spec) if base else spec
    merged.effective_until = spec.effective_until
    start_errors = len(errors)
    for name in BASE_REQUIRES:
        if getattr(merged, name) is None:
            errors.append(RuleError(spec.at(spec.id and "id"), f"rule '{spec.id}' has no '{name}'"))
    if merged.kind:
        for name in KIND_REQUIRES[merged.kind]:
            if getattr(merged, name) is None:
                errors.append(RuleError(spec.at("kind"), f"a '{merged.kind}' rule needs '{name}'"))
        for name, kinds in KIND_ALLOWS.items():
            if getattr(merged, name) is not None and merged.kind not in kinds:
                name = "from" if name == "level_from" else name
                errors.append(RuleError(spec.at(name), f"'{name}' has no meaning for a '{merged.kind}' rule "
                                                       f"(only for {', '.join(kinds)})"))
    parties = _party_list(merged.party)
    _check_parties(spec, "party", parties, agreement, errors)
    performers = _party_list(merged.performed_by)
    _check_parties(spec, "performed_by", performers, agreement, errors)
    fulfilments = _fulfilments(spec, merged.fulfilled_by, errors)
    trigger = merged.starts_when or {}
    for field_name, cond in (("when", merged.when), ("scope", merged.scope),
                             ("justified_by", (merged.justified_by or {}).get("when")),
                             ("covered_by", merged.covered_by), ("starts_when", trigger.get("when")),
                             *(("fulfilled_by", f.when) for f in fulfilments)):
        _check_condition(spec, field_name, cond, agreement, errors)
    eff_from = signed
    if merged.effective_from and merged.effective_from != "signature":
        eff_from = _parse_date(merged.effective_from, spec.at("effective_from"), errors) or signed
    eff_until = None
    if merged.effective_until:
        eff_until = _parse_date(merged.effective_until, spec.at("effective_until"), errors)
        if eff_until and eff_until < eff_from:
            errors.append(RuleError(spec.at("effective_until"), f"ends ({eff_until}) before it starts ({eff_from})"))
    due, due_note = _resolve_due(merged, signed, errors)
    after_trigger = None
    if isinstance(merged.due, dict) and merged.due["from"] == "trigger":
        if not merged.starts_when:
            errors.append(RuleError(spec.at("due"), "'from: trigger' needs 'starts_when' (what starts the commitment)"))
        after_trigger = (merged.due.get("days", 0), merged.due.get("months", 0))
    level = None
    if merged.kind == "level":  # issue 15: the level kind's data (levels.py)
        level = levels.build(merged, signed, lambda f, m: errors.append(RuleError(spec.at(f), m)))
    if due is not None and due < signed:
        errors.append(RuleError(spec.at("due"), f"due {due} is before the agreement was signed ({signed}): a "
                                                "commitment cannot fall due before it is made"))
    if len(errors) > start_errors:
        return None
    jb = merged.justified_by
    return Rule(
        id=base.id if base else spec.id, version=spec.id, parties=tuple(parties), title=merged.title or "",
        source=merged.source or "", basis=merged.basis or "", kind=merged.kind or "",
        effective_from=eff_from, effective_until=eff_until,
        when=merged.when or {},
        justified_by=JustifiedBy(jb["when"], jb["within_days"], tuple(jb.get("same", ()))) if jb else None,
        due=due, due_note=due_note, fulfilments=fulfilments, covered_by=merged.covered_by,
        modality=merged.modality or "obligation", wording=merged.wording, performed_by=tuple(performers),
        starts_when=Trigger(trigger.get("rule"), trigger.get("when")) if trigger else None,
        due_after_trigger=after_trigger, linked=tuple(merged.linked or ()), scope=merged.scope,
        accused_field=merged.accused_field or "accused",
        lookback_days=merged.lookback_days if merged.lookback_days is not None else 30,
        status=merged.status or "violation", amends=spec.amends, notes=merged.notes,
        file=spec.file, line=spec.line, level=level,
    )


def _versions(specs: List[RuleSpec], agreement: dict, signed: dt.date, errors: List[RuleError]) -> List[Rule]:
    """Each base rule with its amendments, in effective order; a version ends where the next begins."""
    bases: Dict[str, RuleSpec] = {}
    seen: Dict[str, RuleSpec] = {}
    for spec in specs:
        if spec.id in seen:
            first = seen[spec.id]
            errors.append(RuleError(spec.at("id"), f"duplicate rule id '{spec.id}' (first defined at {first.file}:{first.line})"))
            continue
        seen[spec.id] = spec
        if spec.amends is None:
            bases[spec.id] = spec
    amendments: Dict[str, List[RuleSpec]] = {}
    for spec in seen.values():
        if spec.amends is None:
            continue
        if spec.amends not in bases:
            errors.append(RuleError(spec.at("amends"), f"amends '{spec.amends}', which is not a rule in this set"
                                                       f"{did_you_mean(spec.amends, bases)}"))
            continue
        if not spec.effective_from or spec.effective_from == "signature":
            errors.append(RuleError(spec.at("amends"), "an amendment needs 'effective_from' (the date it takes effect)"))
            continue
        amendments.setdefault(spec.amends, []).append(spec)
    rules: List[Rule] = []
    for base_id in sorted(bases):
        base = bases[base_id]
        chain = sorted(amendments.get(base_id, []), key=lambda s: s.effective_from or "")
        built = _build_rule(base, None, agreement, signed, errors)
        versions = [built] if built else []
        previous = base
        for amendment in chain:
            rule = _build_rule(amendment, previous, agreement, signed, errors)
            if rule is None:
                continue
            if versions and rule.kind != versions[0].kind:
                errors.append(RuleError(amendment.at("kind"), f"an amendment cannot change the kind of '{base_id}' "
                                                              f"({versions[0].kind} to {rule.kind})"))
                continue
            versions.append(rule)
            previous = _overlay(previous, amendment)
        for i in range(len(versions) - 1):
            nxt = versions[i + 1]
            cut = nxt.effective_from - dt.timedelta(days=1)
            cur = versions[i]
            if cur.effective_until is None or cur.effective_until > cut:
                if cut < cur.effective_from:
                    errors.append(RuleError(Location(nxt.file, nxt.line, "effective_from"),
                                            f"takes effect on or before the version it amends ({cur.version}, from {cur.effective_from})"))
                    continue
                versions[i] = attrs.evolve(cur, effective_until=cut)
        rules.extend(versions)
    _check_references(rules, errors)
    return rules


def _check_references(rules: List[Rule], errors: List[RuleError]) -> None:
    """Triggers and links name rules of this set; a trigger is a deadline's fulfilment; no trigger cycles."""
    kinds = {r.id: r.kind for r in rules}
    starts: Dict[str, str] = {}
    for r in rules:
        where = Location(r.file, r.line, "starts_when")
        if r.starts_when and r.starts_when.rule:
            target = r.starts_when.rule
            if target not in kinds:
                errors.append(RuleError(where, f"starts when '{target}' is fulfilled, which is not a rule in this set"
                                               f"{did_you_mean(target, kinds)}"))
            elif kinds[target] != "deadline":
                errors.append(RuleError(where, f"starts when '{target}' is fulfilled, but '{target}' is a "
                                               f"'{kinds[target]}' rule: only a deadline is fulfilled on a date"))
            else:
                starts[r.id] = target
        for other in r.linked:
            if other not in kinds:
                errors.append(RuleError(Location(r.file, r.line, "linked"),
                                        f"linked to '{other}', which is not a rule in this set{did_you_mean(other, kinds)}"))
            elif other == r.id:
                errors.append(RuleError(Location(r.file, r.line, "linked"), "a rule cannot be linked to itself"))
    for first in sorted(starts):
        seen, current = [first], starts[first]
        while current in starts and current not in seen:
            seen.append(current)
            current = starts[current]
        if current == first:
            r = next(r for r in rules if r.id == first)
            errors.append(RuleError(Location(r.file, r.line, "starts_when"),
                                    f"triggers form a circle: {' -> '.join(seen + [first])}"))


def load_rules(folder: str | os.PathLike) -> Agreement:
    """Load and check a rule folder; raises RuleSetError listing every problem found."""
    if not isinstance(folder, (str, os.PathLike)) or not isinstance(os.fspath(folder), str):
        raise TypeError(f"load_rules takes the path of a rule folder (str or os.PathLike), got {type(folder).__name__}")
    folder = os.fspath(folder)
    if not os.path.isdir(folder):
        raise RuleSetError([RuleError(Location(folder), "rule folder not found" if not os.path.exists(folder) else "not a folder")])
    files = sorted(f for f in os.listdir(folder) if f.endswith((".yaml", ".yml")))
    return _load(folder, files, lambda name: None)


def load_rules_from_texts(files: Dict[str, str], folder: str = "<rules>") -> Agreement:
    """The same checks on rule files held in memory ({file name: YAML text}), e.g. generated by tests."""
    return _load(folder, sorted(files), lambda name: files[name])


def _load(folder: str, files: List[str], text_of: Any) -> Agreement:
    errors: List[RuleError] = []
    if AGREEMENT_FILE not in files:
        raise RuleSetError([RuleError(Location(os.path.join(folder, AGREEMENT_FILE)),
                                      "missing: a rule folder needs agreement.yaml (its parties and event types)"
                                      + ("" if files else "; the folder has no YAML files at all"))])
    agreement_path = os.path.join(folder, AGREEMENT_FILE)
    loaded = _read_file(agreement_path, errors, text_of(AGREEMENT_FILE))
    if loaded is None or _check_schema(agreement_path, *loaded, errors) is None or errors:
        raise RuleSetError(errors)
    agreement = _jsonable(loaded[0])["agreement"]
    signed = _parse_date(agreement["signed"], Location(agreement_path, None, "signed"), errors)
    for field in ("signatories", "monitors"):
        for p in agreement.get(field, []):
            if p not in agreement["parties"]:
                errors.append(RuleError(Location(agreement_path, None, field), f"'{p}' is not one of the parties"
                                                                                f"{did_you_mean(p, agreement['parties'])}"))
    if signed is None or errors:
        raise RuleSetError(errors)
    specs: List[RuleSpec] = []
    for name in files:
        if name == AGREEMENT_FILE:
            continue
        path = os.path.join(folder, name)
        loaded = _read_file(path, errors, text_of(name))
        if loaded is None:
            continue
        skip = _check_schema(path, *loaded, errors)
        if skip is not None:
            specs.extend(_specs(path, *loaded, skip))
    if not specs and not errors:
        errors.append(RuleError(Location(folder), "no rules: the folder has agreement.yaml but no rule files"))
    rules = _versions(specs, agreement, signed, errors)
    if errors:
        raise RuleSetError(sorted(errors, key=lambda e: (e.location.file, e.location.line or 0)))
    return Agreement(
        id=agreement["id"], title=agreement["title"], signed=signed, parties=dict(agreement["parties"]),
        event_types=tuple(agreement["event_types"]), location_kinds=tuple(agreement.get("location_kinds", [])),
        rules=tuple(rules), folder=folder, signatories=tuple(agreement.get("signatories", ())),
        monitors=tuple(agreement.get("monitors", ())),
    )
