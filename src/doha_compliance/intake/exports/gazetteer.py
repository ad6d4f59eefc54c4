"""Where an exported event happened, read as data: provinces, their capitals, every spelling.

ACLED and UCDP spell places in many ways ("Mazar-e Sharif", "Mazar-e-Sharif"; UCDP writes
"Taloqan city, the capital of northern Takhar province"), and both code an event whose place is
known only roughly at some point anyway. Whether a row is *at a provincial capital* decides a
Doha finding, so the spellings and the precision rules live in a YAML gazetteer
(`mappings/afghanistan.gazetteer.yaml`, which explains the rules), not in code; a mapping may name
another one with `gazetteer: FILE`.
"""
from __future__ import annotations

import os
import re
import stat
import unicodedata
from collections import OrderedDict
from importlib import resources
from typing import Any, Dict, FrozenSet, List, Mapping, Optional, Tuple

import attrs

from doha_compliance._util import safeyaml
from doha_compliance._util.files import excerpt, label
from doha_compliance.errors import InputFileError
from doha_compliance.intake.readers import read_data_file

DEFAULT = "afghanistan.gazetteer.yaml"  # in the package's mappings/ folder
TOWN_WORDS = ("city", "town")
NOT_THE_TOWN = ("province", "provinces", "district", "districts")
# "25 km north of", "20 kilometres", "10 miles": a place given by its distance from the capital.
_DISTANCE = re.compile(r"\d\s*(km|kms|kilomet|mile)", re.IGNORECASE)
_NOT_WORD = re.compile(r"[^0-9a-z]+")


def normal(text: str) -> str:
    """Lower case, no accents, punctuation and hyphens as single spaces: 'Qala-I- Naw' -> 'qala i naw'."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).lower()
    return _NOT_WORD.sub(" ", plain).strip()  # "city’s" -> "city s": any other character separates words


@attrs.frozen
class Capital:
    name: str
    spellings: FrozenSet[str]  # normalised
    shares_province_name: bool  # "Kandahar" alone may mean the province: text must say "city"/"town"


@attrs.frozen
class Gazetteer:
    source: str
    country: str
    precision: Mapping[str, int]  # format -> largest precision code at which a row can be at a capital
    provinces: Mapping[str, str]  # normalised spelling of a province -> its name in events
    capitals: Mapping[str, Capital]  # province name -> its capital

    def province(self, text: Optional[str]) -> Optional[str]:
        """The province's name in events, or None if the gazetteer does not know it."""
        if not text:
            return None
        key = normal(text)
        if key.endswith(" province"):
            key = key[: -len(" province")]
        return self.provinces.get(key)

    def capital_allowed(self, fmt: str, precision: Optional[int]) -> bool:
        limit = self.precision.get(fmt)
        return precision is None or limit is None or precision <= limit

    def is_capital_name(self, province: Optional[str], place: Optional[str]) -> bool:
        """The whole cell is a spelling of the province's capital (ACLED's `location`)."""
        capital = self.capitals.get(province or "")
        return bool(capital and place and normal(place) in capital.spellings)

    def names_capital(self, province: Optional[str], text: Optional[str]) -> bool:
        """Free text (UCDP's where_description) names the province's capital as the place."""
        capital = self.capitals.get(province or "")
        if not capital or not text or _DISTANCE.search(text):
            return False
        words = normal(text).split()
        for spelling in capital.spellings:
            size = len(spelling.split())
            for at in range(len(words) - size + 1):
                if " ".join(words[at:at + size]) != spelling:
                    continue
                after = words[at + size] if at + size < len(words) else ""
                if after in NOT_THE_TOWN:
                    continue
                if capital.shares_province_name and after not in TOWN_WORDS:
                    continue
                return True
        return False


def _text_of(path: Optional[str]) -> Tuple[str, str]:
    if path is None:
        bundled = resources.files("doha_compliance").joinpath(f"mappings/{DEFAULT}")
        return bundled.read_text("utf-8"), f"mappings/{DEFAULT}"
    return read_data_file(path, "gazetteer"), path


_CACHE: Dict[Optional[str], Gazetteer] = {}
FileKey = Tuple[str, str, int, int, int, int]


def file_key(path: str) -> Optional[FileKey]:
    """What tells one version of a regular file from another (the path as given, its real path, device,
    inode, modification time, size); None for anything else (a pipe, a missing file): never cached."""
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    if not stat.S_ISREG(st.st_mode):
        return None
    return (path, os.path.realpath(path), st.st_dev, st.st_ino, st.st_mtime_ns, st.st_size)


class Recent:
    """The last few values read from files, by FileKey-bearing keys: a bounded LRU (issue 23 item 10:
    a run read its mapping and gazetteer three times — a 30,000-entry gazetteer, 17 s for 8 rows)."""

    SIZE = 8

    def __init__(self) -> None:
        self._items: "OrderedDict[Any, Any]" = OrderedDict()

    def get(self, key: Any) -> Any:
        if key not in self._items:
            return None
        self._items.move_to_end(key)
        return self._items[key]

    def put(self, key: Any, value: Any) -> None:
        self._items[key] = value
        self._items.move_to_end(key)
        while len(self._items) > self.SIZE:
            self._items.popitem(last=False)


_FILES = Recent()  # a user's gazetteers, read again only when the file changed


def load_gazetteer(path: Optional[str] = None) -> Gazetteer:
    """The shipped gazetteer (Afghanistan), or a user's file; every problem is named with its line.

    Each is read once while it is unchanged: the shipped one once a process, a user's file again
    when its modification time, size or inode changed."""
    if path is None and None in _CACHE:
        return _CACHE[None]
    key = file_key(path) if path is not None else None
    if key is not None:
        known: Optional[Gazetteer] = _FILES.get(key)
        if known is not None:
            return known
    text, name = _text_of(path)
    try:
        loader, node = safeyaml.compose(text)
        data = safeyaml.construct(loader, node) if node is not None else None
    except safeyaml.YamlProblem as exc:
        raise InputFileError(f"{name}{':' + str(exc.line) if exc.line else ''}: {exc.message}") from None
    problems: List[str] = []
    lines = safeyaml.key_lines(node) if node is not None else {}

    def problem(key: str, message: str) -> None:
        problems.append(f"{name}:{lines.get(key, 1)}: {key}: {message}")

    if not isinstance(data, dict):
        raise InputFileError(f"{name}: a gazetteer is a mapping with 'provinces' (and 'country', 'precision')")
    for key in sorted(set(data) - {"country", "precision", "provinces"}):
        problem(label(key), "unknown key; a gazetteer has: country, precision, provinces")
    precision: Dict[str, int] = {}
    given = data.get("precision") or {}
    if not isinstance(given, dict):
        problem("precision", "a mapping of format -> the largest precision code that can be a capital")
        given = {}
    for fmt, limit in given.items():
        if isinstance(limit, bool) or not isinstance(limit, int):
            problem("precision", f"{label(fmt)}: give the largest precision code that can be a capital, a whole number")
        else:
            precision[str(fmt)] = limit
    provinces: Dict[str, str] = {}
    capitals: Dict[str, Capital] = {}
    entries = data.get("provinces")
    if not isinstance(entries, dict) or not entries:
        problem("provinces", "a mapping of province name -> {names, capital, spellings}")
        entries = {}
    for province, entry in entries.items():
        province = str(province)
        if not isinstance(entry, dict) or set(entry) - {"names", "capital", "spellings"} or "spellings" not in entry:
            problem("provinces",
                    f"{label(province)}: needs 'spellings' (and may have 'names', 'capital'), nothing else")
            continue
        texts = entry.get("names") or []
        spellings = entry["spellings"]
        if not all(isinstance(t, str) and t.strip() for t in list(texts) + list(spellings or [])) or not spellings:
            problem("provinces", f"{label(province)}: 'names' and 'spellings' are lists of names")
            continue
        for spelling in [province, *texts]:
            other = provinces.setdefault(normal(spelling), province)
            if other != province:
                problem("provinces", f"{label(province)}: {excerpt(spelling)} is also a name of {label(other)}")
        normalised = frozenset(normal(s) for s in spellings)
        capitals[province] = Capital(str(entry.get("capital") or spellings[0]), normalised,
                                     bool(normalised & {normal(t) for t in [province, *texts]}))
    if problems:
        raise InputFileError("the gazetteer cannot be used:\n  " + "\n  ".join(problems))
    gazetteer = Gazetteer(name, str(data.get("country", "")), precision, provinces, capitals)
    if path is None:
        _CACHE[None] = gazetteer
    elif key is not None and file_key(path) == key:  # unchanged while it was read
        _FILES.put(key, gazetteer)
    return gazetteer
