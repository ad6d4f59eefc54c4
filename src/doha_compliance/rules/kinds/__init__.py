"""The rule kinds, in one place: each kind's module declares one `Kind`; this registry maps names to them.

Outside this package no code compares a rule's `kind` with a name (tests/test_kinds.py checks it):
it asks the kind's record (`kind_of(rule).continuing`, `.deadline`, ...). Adding a kind is one
module here, its fragment of rules/schema.json, and tests.
"""
from __future__ import annotations

from typing import Dict, Optional, Protocol, Tuple

from . import claim, claimable, conditional, deadline, level, prevent, prohibited
from .base import Kind

# In the order the loader's messages list them ("only for prohibited, conditional").
KINDS: Dict[str, Kind] = {k.name: k for k in (prohibited.KIND, conditional.KIND, deadline.KIND, claim.KIND,
                                              claimable.KIND, level.KIND, prevent.KIND)}
# The fields only some kinds allow, in the order the loader checks them (and reports them).
KIND_FIELDS: Tuple[str, ...] = ("due", "fulfilled_by", "justified_by", "scope", "lookback_days", "accused_field",
                                "measure", "period", "baseline", "limit", "level_from", "depends_on",
                                "answered_by")


class UnknownKind(KeyError):
    """A kind name no module declares (the schema refuses it in rule files; this is for code)."""

    def __str__(self) -> str:
        return f"unknown rule kind {self.args[0]!r}; the kinds are {', '.join(KINDS)}"


class Kinded(Protocol):
    """Anything with a `kind` name: a Rule, a rule spec (whose kind may be missing: UnknownKind)."""

    @property
    def kind(self) -> Optional[str]: ...


def kind_named(name: str) -> Kind:
    """The kind of that name; UnknownKind (a KeyError naming the known kinds) if none."""
    try:
        return KINDS[name]
    except KeyError:
        raise UnknownKind(name) from None


def kind_of(rule: Kinded) -> Kind:
    """The kind of a rule (anything with a `kind` name: a Rule, a rule spec). A loaded Rule also
    carries it as `Rule.traits` (set by the loader): models.py, below this layer, asks that, and so
    may any module that would otherwise import this one for a single query."""
    if rule.kind is None:  # a spec without one (KINDS[None] would say the same)
        raise UnknownKind(None) from None
    return kind_named(rule.kind)


def allowed_by(field: str) -> Tuple[str, ...]:
    """The kinds that allow a kind-specific field, in registry order."""
    return tuple(name for name, k in KINDS.items() if field in k.allows)


__all__ = ["KINDS", "KIND_FIELDS", "Kind", "UnknownKind", "allowed_by", "kind_named", "kind_of"]
