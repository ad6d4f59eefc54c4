"""Fast constructors for frozen attrs classes, for the few places where millions are built.

Events and findings are built once for every input row, again whenever a spool reads one back,
and copied whenever a pass adds a field: there, attrs' own __init__ and evolve cost a third more.
"""
from __future__ import annotations

import operator
from typing import TYPE_CHECKING, Any, Callable, Dict, Type, TypeVar

import attrs

if TYPE_CHECKING:
    from attrs import AttrsInstance

# --- building records fast on hot paths ------------------------------------------------------
#
# A million events make millions of Events and Findings: each built when a row is checked, and
# again whenever a spool reads it back or a pass adds a field to a finding. attrs' frozen __init__
# sets each field through object.__setattr__ by name, and attrs.evolve rebuilds its arguments by
# introspection (4.5 µs a call); `builder` sets the slots directly and `replacer` changes a few
# fields of a copy, each about a third cheaper, with the same resulting object.

_BUILDERS: Dict[type, Any] = {}
_T = TypeVar("_T", bound="AttrsInstance")


def builder(cls: Type[_T]) -> Callable[..., _T]:
    """A function taking every field of the frozen, slotted attrs class `cls` in order (as
    positional arguments) and returning the instance, equal to `cls(*values)`, built without
    running attrs' __init__. Only for classes whose fields have no validator, converter or
    on_setattr (checked here): their __init__ does nothing but set the fields."""
    found: Callable[..., _T] | None = _BUILDERS.get(cls)
    if found is not None:
        return found
    fields = attrs.fields(cls)
    if not all(a.validator is None and a.converter is None and a.on_setattr is None and a.init for a in fields):
        raise TypeError(f"{cls.__name__} checks or converts fields in __init__: build it with {cls.__name__}(...)")
    names = [a.name for a in fields]
    # One line a field, as attrs writes its own __init__: a loop over setters costs more than it saves.
    lines = [f"def build({', '.join(names)}):", "    obj = new(cls)"]
    lines += [f"    set_{name}(obj, {name})" for name in names]
    lines.append("    return obj")
    namespace: Dict[str, Any] = {"new": object.__new__, "cls": cls}
    namespace.update({f"set_{name}": cls.__dict__[name].__set__ for name in names})  # the slots' own setters
    exec("\n".join(lines), namespace)  # noqa: S102 - code made from the class's own field names only
    found = _BUILDERS[cls] = namespace["build"]
    return found


def replacer(cls: Type[_T], *names: str) -> Callable[..., _T]:
    """A function (instance, new value of each of `names`) -> a copy with those fields replaced:
    attrs.evolve(instance, **dict(zip(names, values))) for a class `builder` serves, at a third of
    its cost."""
    build = builder(cls)
    every = [a.name for a in attrs.fields(cls)]
    spots = [every.index(name) for name in names]
    get = operator.attrgetter(*every)

    def replace(instance: _T, *values: Any) -> _T:
        fields = list(get(instance))
        for spot, value in zip(spots, values):
            fields[spot] = value
        return build(*fields)
    return replace
