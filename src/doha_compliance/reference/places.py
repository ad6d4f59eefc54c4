"""The reference judge's reading of places (issue 25), written apart from the pipeline's.

SPEC §8: intake has placed every event (its `point`, `located_by`, and `in_zone:<zone>` = in, out or
unknown). An act of unknown location that a rule's `when` would judge were it in the zone is
unresolved; a justifier counts for `within_km` only when both it and the act have a point and the
great-circle distance between them is at most that many km.
"""
from __future__ import annotations

import math
from typing import Any, Dict

from doha_compliance.models import Event

MEAN_EARTH_RADIUS_KM = 6371.0088


def _great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The haversine formula, atan2 form."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return MEAN_EARTH_RADIUS_KM * 2 * math.atan2(math.sqrt(a), math.sqrt(1 - a))


def near(act: Event, other: Event, km: float) -> bool:
    a = act.extra.get("point") if act.extra else None
    b = other.extra.get("point") if other.extra else None
    if a is None or b is None:  # SPEC §8.3: then only the same named place is near (0 km)
        return bool(act.place and other.place
                    and act.place.strip().lower().split() == other.place.strip().lower().split())
    return _great_circle_km(a[0], a[1], b[0], b[1]) <= km


def as_if_inside(act: Event) -> Event:
    """The act with every zone its location leaves unknown read as holding it."""
    extra: Dict[str, Any] = dict(act.extra)
    for key, value in act.extra.items():
        if key.startswith("in_zone:") and value == "unknown":
            extra[key] = "in"
    return Event(id=act.id, date=act.date, type=act.type, actor=act.actor, target=act.target,
                 province=act.province, place=act.place, location_kind=act.location_kind,
                 fatalities=act.fatalities, wounded=act.wounded, count=act.count, accused=act.accused,
                 rule=act.rule, source=act.source, description=act.description,
                 stated_justification=act.stated_justification, extra=extra)
