"""Whether a row belongs to an agreement's area and period (issue 27), before it is checked at all.

One export (ACLED's global history, a UCDP download) holds the events of many conflicts; an agreement
reads only the rows in the area and period its agreement.yaml declares (`area:`, `period:`;
rules/area.py). A row outside is counted (`Inputs.outside`: read = evaluated + rejected + outside) and
never validated against the agreement's vocabulary: a Syrian row's actors are no Doha party, and
calling it a rejection would be spurious.

What places a row, in order (docs/many-agreements.md):
- its `date`, against the period (both ends inclusive);
- its `country` (as ACLED and UCDP write it; compared trimmed and without case), against `countries`;
- where it lies, against `zones`: its coordinates, else its `place` in the agreement's gazetteer.
The area is the union of its countries and zones: a row is inside when its country is listed or it
lies in a listed zone. A row that says nothing placing it outside (no country, no point, a date this
module cannot read — validation then rejects it, with its file:line) is inside: it is never dropped
for what it does not say.
"""
from __future__ import annotations

import datetime as dt
import math
from typing import Any, Dict, Mapping, Optional, Set, Tuple

from doha_compliance.models import Agreement, Area
from doha_compliance.rules.area import country_key
from doha_compliance.rules.zones import place_key, zones_at

from .readers import RawRow


class _Filter:
    """An agreement's area, prepared once: the countries by key, the zones as a set, the period's ends as
    ISO text (a row's date is text in every format but YAML, and ISO text sorts as the days do)."""

    def __init__(self, agreement: Agreement):
        area: Area = agreement.area
        self.agreement = agreement
        self.countries: Set[str] = {country_key(c) for c in area.countries}
        self.exact: Set[str] = set(area.countries)  # the common case, an export's own spelling: no key made
        self.zones = {name: agreement.zones[name] for name in area.zones if name in agreement.zones}
        self.start, self.until = area.start, area.until
        self.start_text = area.start.isoformat() if area.start else None
        self.until_text = area.until.isoformat() if area.until else None
        self.named = ", ".join(area.countries)
        self.zone_names = ", ".join(area.zones)

    def __call__(self, data: Mapping[str, Any]) -> Optional[str]:
        if self.start is not None or self.until is not None:
            why = self._when(data.get("date"))
            if why is not None:
                return why
        if not self.countries and not self.zones:
            return None
        country = data.get("country")
        given = isinstance(country, str) and bool(country.strip())
        if given and (country in self.exact or country_key(country) in self.countries):  # type: ignore[arg-type]
            return None
        if self.zones:
            placed = self._zones(data)
            if placed is not None:
                if placed & set(self.zones):
                    return None
                if not given or not self.countries:
                    at = ", ".join(sorted(placed)) if placed else "none of the agreement's zones"
                    return f"lies in {at}, outside the agreement's area (zones {self.zone_names})"
        if given and self.countries:
            return f"country {' '.join(str(country).split())} is outside the agreement's area ({self.named})"
        return None

    def _when(self, value: Any) -> Optional[str]:
        if isinstance(value, str):
            text = value.strip()[:10]
            if len(text) != 10 or text[4] != "-" or text[7] != "-":
                return None  # not a date this module reads: validation says why, with the row's file:line
        elif isinstance(value, dt.datetime):
            text = value.date().isoformat()
        elif isinstance(value, dt.date):
            text = value.isoformat()
        else:
            return None
        if self.start_text is not None and text < self.start_text:
            return f"dated {text}, before the agreement's period (from {self.start_text})"
        if self.until_text is not None and text > self.until_text:
            return f"dated {text}, after the agreement's period (until {self.until_text})"
        return None

    def _zones(self, data: Mapping[str, Any]) -> Optional[Set[str]]:
        """The agreement's zones the row lies in (by its point, else its place in the gazetteer); None
        when nothing places it."""
        point = _point(data.get("latitude"), data.get("longitude"))
        if point is None:
            place = data.get("place")
            entry = self.agreement.gazetteer.get(place_key(place)) if isinstance(place, str) and place.strip() else None
            if entry is None:
                return None
            if entry.point is None:
                return set(entry.zones)
            point = entry.point
        return set(zones_at(self.agreement.zones, *point))


def _point(latitude: Any, longitude: Any) -> Optional[Tuple[float, float]]:
    out = []
    for value, bound in ((latitude, 90.0), (longitude, 180.0)):
        if isinstance(value, bool):
            return None
        try:
            number = float(value.strip()) if isinstance(value, str) else float(value)
        except (TypeError, ValueError):
            return None
        if not math.isfinite(number) or abs(number) > bound:
            return None  # validation rejects it, saying why
        out.append(number)
    return out[0], out[1]


_FILTERS: Dict[int, Tuple[Agreement, _Filter]] = {}


def area_filter(agreement: Agreement) -> Optional[_Filter]:
    """The agreement's filter, made once per agreement (a few at a time); None when it declares no area."""
    if not agreement.area:
        return None
    cached = _FILTERS.get(id(agreement))
    if cached is None or cached[0] is not agreement:
        if len(_FILTERS) > 64:
            _FILTERS.clear()
        cached = _FILTERS[id(agreement)] = (agreement, _Filter(agreement))
    return cached[1]


def outside(agreement: Agreement, row: RawRow) -> Optional[str]:
    """None when the row belongs to the agreement's area and period (or the agreement declares none, or
    the row says nothing that places it outside); else a short reason for an analyst."""
    found = area_filter(agreement)
    if found is None or row.data is None:
        return None
    return found(row.data)
