"""Places on a map (issue 25): an agreement's named zones and its gazetteer, read from the rule folder.

`zones:` in agreement.yaml names zones, each a GeoJSON file in the rule folder: a Polygon or a
MultiPolygon (a Feature or a FeatureCollection of them is read as the union of its geometries), or a
LineString with `side: left|right` — the band on that side of the line, as drawn from its first point to
its last, `depth_km` deep (default 50 km): a line such as a border names one side of itself without
anyone having to draw the far edge of the region (rule-language.md, "Zones"). `gazetteer:` names a
YAML file of place names, each a point (`{latitude, longitude}`) or a list of zone names, for events
that carry a place but no coordinates.

The files come from whoever wrote the rule folder, so each is read with a bound: a path must stay in
the folder (no `..`, no absolute path, no link out), a file is read up to `limits.MAX_ZONE_FILE_BYTES`,
a geometry has at most `limits.MAX_ZONE_VERTICES` points, every coordinate is a WGS84 longitude and
latitude, and a polygon must be valid (a ring that crosses itself is refused, not repaired). Each
problem is one line naming the file. The bytes read join the rule set's hash (`source.digest`).

Where an event lies is decided once, at intake (`intake/fields_place.py`), with `zones_at`; the
matchers and both judges only read the result.
"""
from __future__ import annotations

import json
import math
import os
import stat
from typing import Any, Dict, List, Mapping, Optional, Tuple

import attrs
import shapely
import shapely.geometry
import shapely.prepared
import shapely.validation

from doha_compliance._util import files, safeyaml
from doha_compliance._util.files import excerpt, label
from doha_compliance._util.hints import did_you_mean
from doha_compliance._util.limits import (
    MAX_GAZETTEER_PLACES,
    MAX_RULE_FILE_BYTES,
    MAX_ZONE_FILE_BYTES,
    MAX_ZONE_VERTICES,
    MAX_ZONES,
)
from doha_compliance.errors import Location, RuleError

SIDES = ("left", "right")
DEFAULT_DEPTH_KM = 50.0
KM_PER_DEGREE = 111.32  # of latitude; a side's depth in degrees is depth_km / this (an approximation)
EARTH_RADIUS_KM = 6371.0088  # the mean radius (IUGG)


@attrs.frozen
class Zone:
    """A named zone: its area (a shapely geometry, prepared for many point tests) and where it came from."""

    name: str
    file: str
    area: Any = attrs.field(eq=False, repr=False)
    side: Optional[str] = None

    def covers(self, latitude: float, longitude: float) -> bool:
        """Inside or on the edge (a point on a boundary line is in the zone: DECISION, documented)."""
        return bool(self.area.covers(shapely.geometry.Point(longitude, latitude)))


@attrs.frozen
class Place:
    """A gazetteer entry: a point, or the zones the place is (a district named by the zones it lies in)."""

    name: str
    point: Optional[Tuple[float, float]] = None  # (latitude, longitude)
    zones: Tuple[str, ...] = ()


def place_key(name: str) -> str:
    """How place names are compared: trimmed, without case."""
    return " ".join(name.split()).casefold()


def zones_at(zones: Mapping[str, Zone], latitude: float, longitude: float) -> Tuple[str, ...]:
    """The names of the zones a point lies in, sorted."""
    return tuple(sorted(name for name, zone in zones.items() if zone.covers(latitude, longitude)))


def km_between(a: Tuple[float, float], b: Tuple[float, float]) -> float:
    """Great-circle distance in km between two (latitude, longitude) points (haversine, mean radius)."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def place_files(agreement: Mapping[str, Any]) -> set[str]:
    """The files agreement.yaml names as zones or gazetteer, by their path in the folder: the loader
    does not read them as rule files (a gazetteer is YAML beside the rules)."""
    specs = list((agreement.get("zones") or {}).values())
    if agreement.get("gazetteer"):
        specs.append(agreement["gazetteer"])
    return {os.path.normpath(spec["file"]).replace("\\", "/") for spec in specs if isinstance(spec.get("file"), str)}


# --- loading -----------------------------------------------------------------------------------------

class _Refused(Exception):
    """One line on why a zone or gazetteer file cannot be used."""


def load_places(folder: str, agreement: Mapping[str, Any], where: str, errors: List[RuleError],
                read: Dict[str, bytes], on_disk: bool) -> Tuple[Dict[str, Zone], Dict[str, Place]]:
    """The agreement's zones and gazetteer (by `place_key`), each problem an error at agreement.yaml."""
    zones: Dict[str, Zone] = {}
    specs = agreement.get("zones") or {}
    if len(specs) > MAX_ZONES:
        errors.append(RuleError(Location(where, None, "zones"), f"{len(specs)} zones: at most {MAX_ZONES}"))
        return {}, {}
    for name, spec in specs.items():
        at = Location(where, None, f"zones.{label(name)}")
        try:
            raw = _read(folder, spec["file"], MAX_ZONE_FILE_BYTES, "zone file", on_disk, read)
            zones[name] = Zone(name, spec["file"], _area(raw, spec), spec.get("side"))
        except _Refused as exc:
            errors.append(RuleError(at, f"{excerpt(spec['file'])}: {exc}"))
    gazetteer: Dict[str, Place] = {}
    spec = agreement.get("gazetteer")
    if spec:
        at = Location(where, None, "gazetteer")
        try:
            raw = _read(folder, spec["file"], MAX_RULE_FILE_BYTES, "gazetteer", on_disk, read)
            gazetteer = _gazetteer(raw, set(specs))
        except _Refused as exc:
            errors.append(RuleError(at, f"{excerpt(spec['file'])}: {exc}"))
    return zones, gazetteer


def _read(folder: str, relative: str, limit: int, what: str, on_disk: bool, read: Dict[str, bytes]) -> bytes:
    if not on_disk:
        raise _Refused(f"a {what} is read from a rule folder on disk (this rule set was given as texts)")
    if os.path.isabs(relative) or ".." in relative.replace("\\", "/").split("/"):
        raise _Refused(f"a {what} is named by a path inside the rule folder (no absolute path, no '..')")
    path = os.path.join(folder, relative)
    root = os.path.realpath(folder)
    real = os.path.realpath(path)
    if not real.startswith(root + os.sep):
        raise _Refused("is a link to a file outside the rule folder; refused (copy the file into the folder)")
    try:
        if not stat.S_ISREG(os.stat(real).st_mode):
            raise _Refused(f"not a regular file: a {what} is a file")
        raw = files.read_bounded(real, limit, what)
    except files.FileProblem as exc:
        raise _Refused(exc.message + "; refused") from None
    except FileNotFoundError:
        raise _Refused("no such file in the rule folder") from None
    except OSError as exc:
        raise _Refused(f"cannot read: {exc.strerror}") from None
    read[relative.replace("\\", "/")] = raw
    return raw


def _geometries(data: Any) -> List[Mapping[str, Any]]:
    """The geometries of a GeoJSON document: a bare geometry, a Feature or a FeatureCollection."""
    if not isinstance(data, dict):
        raise _Refused("not a GeoJSON object")
    kind = data.get("type")
    if kind == "FeatureCollection":
        feats = data.get("features")
        if not isinstance(feats, list) or not feats:
            raise _Refused("a FeatureCollection without features")
        return [g for f in feats for g in _geometries(f)]
    if kind == "Feature":
        return _geometries(data.get("geometry"))
    if kind in ("Polygon", "MultiPolygon", "LineString"):
        return [data]
    raise _Refused(f"GeoJSON type {excerpt(kind)}: a zone is a Polygon, a MultiPolygon or a LineString with a side")


def _count(coords: Any, depth: int = 0) -> int:
    """Points in a coordinate array, each checked to be [longitude, latitude] in range."""
    if not isinstance(coords, list) or depth > 4:
        raise _Refused("coordinates must be nested lists of [longitude, latitude]")
    if coords and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in coords):
        if len(coords) not in (2, 3):
            raise _Refused("a position is [longitude, latitude]")
        lon, lat = float(coords[0]), float(coords[1])
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise _Refused(f"position [{coords[0]}, {coords[1]}] is not a longitude and latitude (WGS84 degrees)")
        return 1
    total = 0
    for sub in coords:
        total += _count(sub, depth + 1)
        if total > MAX_ZONE_VERTICES:
            raise _Refused(f"over {MAX_ZONE_VERTICES} points; refused (simplify the geometry)")
    return total


def _area(raw: bytes, spec: Mapping[str, Any]) -> Any:
    try:
        data = json.loads(files.decode(raw))
    except files.FileProblem as exc:
        raise _Refused(exc.message) from None
    except (ValueError, RecursionError):
        raise _Refused("not valid JSON") from None
    geoms = _geometries(data)
    total = 0
    for g in geoms:
        total += _count(g.get("coordinates"))
        if total > MAX_ZONE_VERTICES:
            raise _Refused(f"over {MAX_ZONE_VERTICES} points; refused (simplify the geometry)")
    lines = [g for g in geoms if g["type"] == "LineString"]
    side = spec.get("side")
    if lines and (len(geoms) > 1):
        raise _Refused("a line with a side is one LineString, alone in its file")
    try:
        shapes = [shapely.geometry.shape(g) for g in geoms]
    except (ValueError, TypeError, AttributeError, IndexError, shapely.errors.ShapelyError):
        raise _Refused("not a readable geometry") from None
    if lines:
        if side not in SIDES:
            raise _Refused("a LineString zone needs `side: left` or `side: right` (which side of the line, "
                           "walking it from its first point to its last)")
        depth = float(spec.get("depth_km", DEFAULT_DEPTH_KM)) / KM_PER_DEGREE
        area = shapes[0].buffer(depth if side == "left" else -depth, single_sided=True)
    else:
        if side is not None:
            raise _Refused("`side` is for a zone drawn as a line; this file holds a polygon")
        for shape in shapes:
            if not shape.is_valid:
                raise _Refused(f"invalid polygon ({shapely.validation.explain_validity(shape)[:60]}); refused, "
                               "not repaired")
        area = shapely.union_all(shapes)
    if area.is_empty or area.area == 0:
        raise _Refused("the zone has no area")
    shapely.prepare(area)
    return area


def _number(value: Any, low: float, high: float, what: str, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not (low <= value <= high):
        raise _Refused(f"{label(name)}: {what} must be a number from {low:g} to {high:g}, got {excerpt(value)}")
    return float(value)


def _gazetteer(raw: bytes, zone_names: set[str]) -> Dict[str, Place]:
    try:
        data, _ = safeyaml.load(files.decode(raw))
    except files.FileProblem as exc:
        raise _Refused(exc.message) from None
    except safeyaml.YamlProblem as exc:
        raise _Refused(f"line {exc.line}: {exc.message}") from None
    if not isinstance(data, dict):
        raise _Refused("a gazetteer is a mapping: place name -> {latitude, longitude} or a list of zone names")
    if len(data) > MAX_GAZETTEER_PLACES:
        raise _Refused(f"{len(data)} places: at most {MAX_GAZETTEER_PLACES}")
    out: Dict[str, Place] = {}
    for name, entry in data.items():
        if not isinstance(name, str) or not name.strip():
            raise _Refused(f"a place name is text, got {excerpt(name)}")
        key = place_key(name)
        if key in out:
            raise _Refused(f"{label(name)} is listed twice (names are compared without case)")
        if isinstance(entry, dict):
            # a point may say where it comes from (`source`) and how far to trust it (`note`): provenance
            # belongs beside the coordinate it vouches for
            if not {"latitude", "longitude"} <= set(entry) <= {"latitude", "longitude", "source", "note"}:
                raise _Refused(f"{label(name)}: a point is {{latitude, longitude}}, with an optional source and note")
            for said in ("source", "note"):
                if said in entry and not (isinstance(entry[said], str) and entry[said].strip()):
                    raise _Refused(f"{label(name)}: {said} is text, got {excerpt(entry[said])}")
            point = (_number(entry["latitude"], -90, 90, "latitude", name),
                     _number(entry["longitude"], -180, 180, "longitude", name))
            out[key] = Place(name.strip(), point=point)
        elif isinstance(entry, list) and entry and all(isinstance(z, str) for z in entry):
            for z in entry:
                if z not in zone_names:
                    raise _Refused(f"{label(name)}: zone {excerpt(z)} is not one of the agreement's zones"
                                   f"{did_you_mean(z, zone_names)}")
            out[key] = Place(name.strip(), zones=tuple(sorted(set(entry))))
        else:
            raise _Refused(f"{label(name)}: give {{latitude, longitude}} or a list of zone names")
    return out
