"""The rule sets and example streams that ship with the package, found by name.

The agreement we ship is part of the product: someone who installed the wheel (`pip install`,
`pipx install`) has no clone, yet `--rules doha` and the examples must work for them. The files
have one home, the repository's top-level `rules/` and `examples/`; the wheel build (setup.py)
copies them into the package as `doha_compliance/data/`. An editable install has no such copy and
finds the repository's own folders instead, so both installs resolve a name to the same files.

Names never hide a folder the user has: `--rules doha` is the folder ./doha when it exists, and
`--events example:oct2020` is a file of that name when one exists.
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Dict, List, Mapping, Optional, Tuple, TypeVar

import attrs

from .errors import ComplianceError

_T = TypeVar("_T")

PACKAGE = Path(__file__).resolve().parent
INSTALLED = PACKAGE / "data"      # inside a wheel: rules/, examples/ copied at build time
REPOSITORY = PACKAGE.parent.parent  # an editable install runs from src/doha_compliance
EXAMPLE_PREFIX = "example:"
AGREEMENT_FILE = "agreement.yaml"


def data_root() -> Optional[Path]:
    """Where the bundled rules/ and examples/ are: the wheel's copy, else the repository's own."""
    if (INSTALLED / "rules").is_dir():
        return INSTALLED
    if (REPOSITORY / "pyproject.toml").is_file() and (REPOSITORY / "rules").is_dir():
        return REPOSITORY
    return None


def _folders(kind: str) -> List[Path]:
    root = data_root()
    if root is None or not (root / kind).is_dir():
        return []
    return [p for p in sorted((root / kind).iterdir()) if p.is_dir() and not p.name.startswith((".", "_"))]


def rule_sets() -> Dict[str, Path]:
    """Bundled rule sets by name (the folder's name, e.g. "doha"): the folders holding agreement.yaml."""
    return {p.name: p for p in _folders("rules") if (p / AGREEMENT_FILE).is_file()}


def is_bare_name(text: str) -> bool:
    """A name, not a path: no folder separator and not "." or ".."."""
    separators = [s for s in (os.sep, os.altsep, "/") if s]
    return bool(text) and text not in (".", "..") and not any(s in text for s in separators)


def resolve_rules(text: str) -> str:
    """A --rules value as a folder path: an existing folder as given, else a bundled set's folder.

    A path (anything with a separator) is returned unchanged, so the loader reports a missing folder
    as it always has. A bare name that is neither raises ComplianceError naming the bundled sets."""
    if os.path.isdir(text) or not is_bare_name(text):
        return text
    sets = rule_sets()
    if text not in sets:
        raise ComplianceError(f"'{text}' is neither a rule folder nor a bundled rule set (bundled: {_known(sets)}); "
                              "give a folder path such as ./my-rules, or list the bundled sets with: "
                              "doha-compliance rules list")
    return str(sets[text])


def rule_set(name: str) -> Path:
    """A bundled rule set's folder, for load_rules: `load_rules(bundled.rule_set("doha"))`."""
    return _by_name(rule_sets(), "rule set", name)


def _by_name(found: Mapping[str, _T], kind: str, name: str) -> _T:
    if name not in found:
        raise ComplianceError(f"no bundled {kind} '{name}' (bundled: {_known(found)})")
    return found[name]


def _known(found: Mapping[str, object]) -> str:
    return ", ".join(found) or "none in this installation"


@attrs.frozen
class Example:
    """A bundled example: its folder, the event file it is about, and the reports expected from it."""

    name: str
    folder: Path
    events: Optional[Path]
    expected: Tuple[Path, ...]
    readme: Optional[Path]

    @property
    def title(self) -> str:
        """The README's first heading, or a description made from the files."""
        if self.readme is not None:
            for line in self.readme.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    return line.lstrip("# ").strip()
        reports = len([p for p in self.expected if p.suffix == ".json"])
        if not reports:
            return "event stream"
        return f"event stream with {reports} expected report{'s' if reports != 1 else ''}"

    @property
    def agreement(self) -> Optional[str]:
        """The agreement id the expected reports were made with, if any."""
        return next(filter(None, (_expected_field(p, "agreement") for p in self.expected)), None)

    def runs(self, rule_set: str) -> List[Tuple[Optional[Path], Tuple[str, ...]]]:
        """(expected report, the arguments after `doha-compliance` that give it) for each expected report;
        one run without --as-of when none is expected; none when there is no single event file."""
        if self.events is None:
            return []
        events = ("--events", EXAMPLE_PREFIX + self.name)
        runs: List[Tuple[Optional[Path], Tuple[str, ...]]] = []
        for path in sorted(self.expected, key=lambda p: (p.suffix != ".txt", p.name)):  # the text report first
            as_of = _expected_field(path, "as_of")
            runs.append((path, ("report", "--rules", rule_set, *events, *(("--as-of", as_of) if as_of else ()),
                                *(("--format", "json") if path.suffix == ".json" else ()))))
        return runs or [(None, ("report", "--rules", rule_set, *events))]


def _expected_field(path: Path, field: str) -> Optional[str]:
    """A field of an expected report: from the JSON, or from the .json beside a .txt."""
    try:
        return str(json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))[field])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _example(folder: Path) -> Example:
    files = sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
    expected = tuple(p for p in files if p.name.startswith("expected"))
    readme = next((p for p in files if p.name.lower() == "readme.md"), None)
    streams = [p for p in files if p not in expected and p != readme]
    events = next((p for p in streams if p.stem == "events"), streams[0] if len(streams) == 1 else None)
    return Example(folder.name, folder, events, expected, readme)


def examples() -> Dict[str, Example]:
    """Bundled examples by name (their folder's name, e.g. "oct2020")."""
    return {p.name: _example(p) for p in _folders("examples")}


def example(name: str) -> Example:
    """A bundled example by name; its `events` is the file to read."""
    return _by_name(examples(), "example", name)


def resolve_events(text: str) -> str:
    """An --events value as a file path: `example:NAME` is that bundled example's event file,
    unless a file of that very name exists; anything else is returned unchanged."""
    if not text.startswith(EXAMPLE_PREFIX) or os.path.exists(text):
        return text
    found = example(text[len(EXAMPLE_PREFIX):])
    if found.events is None:
        raise ComplianceError(f"the bundled example '{found.name}' has no single event file; "
                              f"see: doha-compliance example {found.name}")
    return str(found.events)
