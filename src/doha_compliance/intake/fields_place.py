"""Where an event lies (issue 25): `latitude` and `longitude`, and the zones and staged places they put it in.

`latitude`/`longitude` are WGS84 decimal degrees, both or neither (a number, or text holding one, as a
CSV cell does), checked like any other field: a bad value rejects the row with its file:line.

For an agreement with `zones:` or a `gazetteer:` the event is placed here, once, so the matchers and
both judges only read the result (commitment-semantics.md §8):
- its point: its own coordinates, else its `place` looked up in the gazetteer (trimmed, without case);
  a gazetteer place given as zones puts the event in those zones without a point;
- `zones`: the zones it lies in (sorted), and `in_zone:<zone>` for every zone: `in`, `out`, or
  `unknown` when neither coordinates nor the gazetteer place it (`located_by: unknown`): an event of
  unknown location is not outside;
- `at_place:<place>` (`yes`/`no`) for every place a part is staged at (`rules/places.py`);
- `point` ([latitude, longitude]) when it has one, which `justified_by.within_km` measures from;
- `located_by`: `coordinates`, `gazetteer` or `unknown`.
Those names are the tool's: whatever a row says under them is replaced (an Event handed back to
`evaluate` is checked again as a row, and is placed again the same way).
"""
from __future__ import annotations

import math
from typing import Any, Callable, Dict, List, Mapping, Optional, Set, Tuple

from doha_compliance._util.files import excerpt
from doha_compliance.models import Agreement
from doha_compliance.rules.conditions import ZONE_FIELD
from doha_compliance.rules.places import AT_PLACE, staged_places
from doha_compliance.rules.zones import Place, place_key, zones_at

FIELDS = ("latitude", "longitude")
RANGES = {"latitude": 90.0, "longitude": 180.0}


def _degrees(name: str, value: Any, bad: Callable[[str, str], Exception]) -> float:
    number: Optional[float] = None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            number = None
    if number is None or not math.isfinite(number):
        raise bad(name, f"{name} must be a number of decimal degrees (WGS84), got {excerpt(value)}")
    if abs(number) > RANGES[name]:
        raise bad(name, f"{name} must be from -{RANGES[name]:g} to {RANGES[name]:g} degrees, got {excerpt(value)}")
    return number


def _given(value: Any) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


_STAGED: Dict[int, Tuple[Agreement, Tuple[List[str], bool]]] = {}


def _staged(agreement: Agreement) -> Tuple[List[str], bool]:
    """The agreement's staged places, and whether a rule measures distances (`within_km`): worked out
    once per agreement (one at a time in practice)."""
    cached = _STAGED.get(id(agreement))
    if cached is None or cached[0] is not agreement:
        _STAGED.clear()
        km = any(r.justified_by is not None and r.justified_by.within_km is not None for r in agreement.rules)
        cached = _STAGED[id(agreement)] = (agreement, (staged_places(agreement.rules), km))
    return cached[1]


def places_nothing(agreement: Agreement) -> bool:
    """Whether `check` adds nothing to any event of this agreement (no zones, no gazetteer, no
    distances): a row without coordinates then needs no look here at all."""
    return not agreement.zones and not agreement.gazetteer and not _staged(agreement)[1]


def check(data: Mapping[str, Any], place: Optional[str], agreement: Agreement,
          bad: Callable[[str, str], Exception]) -> Optional[Dict[str, Any]]:
    """The fields to add to the event's extras (None: nothing to add); raises `bad(field, reason)`."""
    if not agreement.zones and not agreement.gazetteer and not _staged(agreement)[1]:  # nothing to place
        if "latitude" in data or "longitude" in data:  # (the common row has neither: nothing more to do)
            _point(data, [name for name in FIELDS if _given(data.get(name))], bad)  # a bad coordinate is bad anywhere
        return None
    given = [name for name in FIELDS if _given(data.get(name))]
    out: Dict[str, Any] = {}
    point = _point(data, given, bad)
    entry: Optional[Place] = agreement.gazetteer.get(place_key(place)) if place else None
    zones: Optional[Tuple[str, ...]] = None
    if point is not None:
        out["latitude"], out["longitude"] = point
        zones, out["located_by"] = zones_at(agreement.zones, *point), "coordinates"
    elif entry is not None:
        point = entry.point
        zones = zones_at(agreement.zones, *point) if point is not None else entry.zones
        out["located_by"] = "gazetteer"
    else:
        out["located_by"] = "unknown"
    # None where there is none (so a row's own value under these names never survives)
    out["point"] = [point[0], point[1]] if point is not None else None
    out["zones"] = list(zones) if zones is not None else None
    inside: Set[str] = set(zones or ())
    for name in agreement.zones:
        out[ZONE_FIELD + name] = "unknown" if zones is None else ("in" if name in inside else "out")
    own = place_key(place) if place else None
    for key in _staged(agreement)[0]:
        staged = agreement.gazetteer.get(key)
        at = own == key or bool(staged is not None and staged.zones and inside & set(staged.zones))
        out[AT_PLACE + key] = "yes" if at else "no"
    return out


def _point(data: Mapping[str, Any], given: List[str], bad: Callable[[str, str], Exception]
           ) -> Optional[Tuple[float, float]]:
    if not given:
        return None
    if len(given) == 1:
        missing = "longitude" if given[0] == "latitude" else "latitude"
        raise bad(missing, f"{given[0]} without {missing}: give both coordinates or neither")
    return _degrees("latitude", data["latitude"], bad), _degrees("longitude", data["longitude"], bad)
