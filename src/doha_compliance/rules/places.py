"""Staged parts (issue 25): a `fulfilled_by` part met place by place.

`places: [khiam, naqoura]` on a part makes it one part per place, in the order written, each labelled
by the place's name (or `LABEL: place` when the part has a label), so a several-part deadline reports
"n of N parts met" and scores progress as parts always do (levels-and-scores.md); another rule's per-part
reading can align on the labels. Each place's part is the part's `when` and "the event is at this
place": the field `at_place:<place>` that intake sets to `yes` (`intake/fields_place.py`), when the
event's `place` names it (trimmed, without case) or, for a gazetteer place given as zones, when the
event lies in one of them. The field name holds a `:`, which no rule file can write: it is the
tool's own.
"""
from __future__ import annotations

from typing import Any, Dict, Iterable, List, Mapping, Sequence

import attrs

from doha_compliance._util.files import excerpt
from doha_compliance._util.hints import did_you_mean
from doha_compliance.errors import Location, RuleError
from doha_compliance.models import Fulfilment, Rule

from .zones import Place, place_key

AT_PLACE = "at_place:"


def at_place_field(place: str) -> str:
    """The event field that says an event is at a staged place."""
    return AT_PLACE + place_key(place)


def staged_parts(part: Fulfilment, places: Sequence[str]) -> List[Fulfilment]:
    """One part a place: the part's condition, at that place."""
    out = []
    for place in places:
        when: Dict[str, Any] = dict(part.when)
        when["all"] = [*part.when.get("all", []), {at_place_field(place): "yes"}]
        out.append(attrs.evolve(part, when=when, label=f"{part.label}: {place}" if part.label else place,
                                place=place))
    return out


def unplaced(part: Fulfilment) -> Mapping[str, Any]:
    """A place's part without its place: what an event must be to bear on it at all."""
    when = dict(part.when)
    rest = [c for c in when.get("all", []) if not any(k.startswith(AT_PLACE) for k in c)]
    if rest:
        when["all"] = rest
    else:
        when.pop("all", None)
    return when


def staged_places(rules: Iterable[Rule]) -> List[str]:
    """Every place a part is staged at, by the key intake compares with (sorted, once each)."""
    return sorted({place_key(f.place) for r in rules for f in r.fulfilments if f.place})


def check_places(rules: Iterable[Rule], gazetteer: Mapping[str, Place], errors: List[RuleError]) -> None:
    """A staged place must be in the agreement's gazetteer (else no event could ever be placed at it)."""
    for rule in rules:
        for f in rule.fulfilments:
            if f.place is not None and place_key(f.place) not in gazetteer:
                why = "agreement.yaml declares no gazetteer" if not gazetteer else "it is not in the gazetteer"
                errors.append(RuleError(Location(rule.file, rule.line, "fulfilled_by.places"),
                                        f"place {excerpt(f.place)}: {why}, and a staged place is a gazetteer place"
                                        f"{did_you_mean(f.place, [p.name for p in gazetteer.values()])}"))
                return
