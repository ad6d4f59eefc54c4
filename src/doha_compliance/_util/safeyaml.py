"""YAML reading that is safe with files from many hands, and that means what JSON means.

Every YAML file the tool reads (events, rules, mappings) goes through `compose` and `construct`:
- Safe construction only, and only plain data: mappings, lists, text, whole and decimal
  numbers, true/false, null. Tags such as ``!!python/...``, ``!!binary`` or ``!!set`` are refused.
- Scalars follow YAML 1.2's JSON rules, not YAML 1.1's: a plain scalar is a number only when
  JSON would read it as one (``10``, ``-3``, ``2.5``), a boolean only as ``true``/``false``,
  null as ``null``/``~``/nothing; everything else is text. So ``010`` is the text "010" (as in
  CSV; JSON refuses it), ``1:20`` is "1:20" (not 80), ``no`` is "no" (not False), ``0x1F`` is
  "0x1F". Dates stay text too, checked by whoever reads them, as in JSON and CSV.
- A key written twice in one mapping is refused with its line (``<<`` merge keys may still be
  overridden, as YAML intends).
- Nesting is capped, and so is what aliases add: a document's size counted as if every alias
  were expanded (memoised over the node graph, so it costs one visit per node) may exceed its
  written size by at most `limits.MAX_ALIAS_GROWTH` nodes. A "billion laughs" fails fast; a
  hundred events sharing one ``source: *src`` anchor are fine.
- Characters YAML forbids (control characters such as NUL or ESC) are reported with their line.
"""
from __future__ import annotations

import re
from typing import Any, Dict, Optional, Tuple

import yaml
from yaml.composer import Composer
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.parser import Parser
from yaml.reader import Reader, ReaderError
from yaml.resolver import BaseResolver
from yaml.scanner import Scanner

from doha_compliance.errors import YamlProblem as YamlProblem  # re-exported: what this module raises

from .limits import MAX_ALIAS_GROWTH, MAX_INT_DIGITS, MAX_NESTING

MAX_DEPTH = MAX_NESTING
STR, INT, FLOAT, BOOL, NULL, MERGE = (f"tag:yaml.org,2002:{t}"
                                      for t in ("str", "int", "float", "bool", "null", "merge"))


class _JsonScalars(BaseResolver):  # type: ignore[misc]  # yaml ships no types
    """Implicit tags for plain scalars: YAML 1.2's JSON-compatible rules (see the module docstring)."""


_DIGITS_START = list("-0123456789")
_JsonScalars.add_implicit_resolver(BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
_JsonScalars.add_implicit_resolver(INT, re.compile(r"^-?(?:0|[1-9][0-9]*)$"), _DIGITS_START)
_JsonScalars.add_implicit_resolver(
    FLOAT, re.compile(r"^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+(?:[eE][-+]?[0-9]+)?|[eE][-+]?[0-9]+)$"), _DIGITS_START)
_JsonScalars.add_implicit_resolver(NULL, re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""])
_JsonScalars.add_implicit_resolver(MERGE, re.compile(r"^(?:<<)$"), ["<"])

_EXPLICIT_INT = re.compile(r"[-+]?[0-9]+")
_EXPLICIT_FLOAT = re.compile(r"[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")


class _PlainData(SafeConstructor):  # type: ignore[misc]  # yaml ships no types
    """SafeConstructor restricted to plain data, with JSON's meaning for explicit scalar tags too."""

    yaml_constructors: Dict[Any, Any] = {}
    yaml_multi_constructors: Dict[Any, Any] = {}

    def construct_yaml_int(self, node: ScalarNode) -> int:
        text: str = self.construct_scalar(node)
        if not _EXPLICIT_INT.fullmatch(text):
            raise ConstructorError(None, None, f"{text!r} is not a whole number written in decimal", node.start_mark)
        if len(text.lstrip("+-")) > MAX_INT_DIGITS:
            raise ConstructorError(None, None,
                                   f"a number of {len(text):,} digits (at most {MAX_INT_DIGITS:,} are read)",
                                   node.start_mark)
        return int(text)

    def construct_yaml_float(self, node: ScalarNode) -> float:
        text: str = self.construct_scalar(node)
        if not _EXPLICIT_FLOAT.fullmatch(text):
            raise ConstructorError(None, None, f"{text!r} is not a decimal number", node.start_mark)
        return float(text)

    def construct_yaml_bool(self, node: ScalarNode) -> bool:
        text: str = self.construct_scalar(node)
        if text.lower() not in ("true", "false"):
            raise ConstructorError(None, None, f"{text!r} is not true or false", node.start_mark)
        return text.lower() == "true"

    def construct_text(self, node: ScalarNode) -> str:
        text: str = self.construct_scalar(node)
        return text

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        if isinstance(node, MappingNode):
            duplicate = _duplicate_key(self, node)
            if duplicate is not None:
                key_node, first = duplicate
                raise YamlProblem(node_line(key_node), key_node.start_mark.column + 1,
                                  f"the key {key_node.value!r} appears twice in one mapping (first at line {first}); "
                                  "keep one")
        return super().construct_mapping(node, deep)


for _tag, _method in ((NULL, SafeConstructor.construct_yaml_null), (BOOL, _PlainData.construct_yaml_bool),
                      (INT, _PlainData.construct_yaml_int), (FLOAT, _PlainData.construct_yaml_float),
                      (STR, SafeConstructor.construct_yaml_str),
                      ("tag:yaml.org,2002:seq", SafeConstructor.construct_yaml_seq),
                      ("tag:yaml.org,2002:map", SafeConstructor.construct_yaml_map),
                      ("tag:yaml.org,2002:timestamp", _PlainData.construct_text)):
    _PlainData.add_constructor(_tag, _method)
_PlainData.add_constructor(None, SafeConstructor.construct_undefined)


def _duplicate_key(constructor: Any, node: MappingNode) -> Optional[Tuple[Node, int]]:
    """The first key written twice in a mapping (by its value, as a dict would see it) and the first line."""
    seen: Dict[Any, int] = {}
    for key_node, _ in node.value:
        if key_node.tag == MERGE or not isinstance(key_node, ScalarNode):
            continue
        key = constructor.construct_object(key_node)
        if key in seen:
            return key_node, seen[key]
        seen[key] = node_line(key_node)
    return None


class CappedLoader(Reader, Scanner, Parser, Composer, _PlainData, _JsonScalars):  # type: ignore[misc]  # yaml
    """The loader every YAML file goes through: plain data, JSON's scalars, nesting capped."""

    def __init__(self, stream: Any):
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)
        Composer.__init__(self)
        _PlainData.__init__(self)
        _JsonScalars.__init__(self)
        self._depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:  # yaml's own signature, untyped
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                mark = self.peek_event().start_mark
                raise YamlProblem(mark.line + 1, mark.column + 1, f"nesting deeper than {MAX_DEPTH} levels: refused")
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _problem(exc: yaml.YAMLError, text: str) -> YamlProblem:
    if isinstance(exc, ReaderError):
        line = text.count("\n", 0, exc.position) + 1
        column = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        code = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "\0")
        return YamlProblem(line, column, f"invalid YAML at column {column}: character U+{code:04X} (a control "
                                         "character) is not allowed in a YAML file; inside double quotes write it "
                                         f"as an escape (\\u{code:04x}), or remove it")
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    if isinstance(exc, ConstructorError) and "tag" in str(problem):
        problem = f"{problem} (only plain YAML data is accepted; tags like !!python/... are refused)"
    if mark is None:
        return YamlProblem(None, None, f"invalid YAML: {problem}")
    return YamlProblem(mark.line + 1, mark.column + 1, f"invalid YAML at column {mark.column + 1}: {problem}")


def _children(node: Node) -> list[Node]:
    if isinstance(node, SequenceNode):
        items: list[Node] = node.value
        return items
    if isinstance(node, MappingNode):
        return [n for pair in node.value for n in pair]
    return []


def check_expansion(root: Node) -> None:
    """Refuse a document whose aliases, expanded, add more than MAX_ALIAS_GROWTH nodes or nest too deep.

    One visit per node: sizes and depths are memoised on the node graph (aliases share nodes)."""
    size: Dict[int, int] = {}
    depth: Dict[int, int] = {}
    stack = [(root, False)]
    while stack:
        node, ready = stack.pop()
        key = id(node)
        if key in size:
            continue
        kids = _children(node)
        if not ready:
            stack.append((node, True))
            stack.extend((k, False) for k in kids if id(k) not in size)
            continue
        size[key] = 1 + sum(size[id(k)] for k in kids)
        depth[key] = 1 + max((depth[id(k)] for k in kids), default=0)
        if depth[key] > MAX_DEPTH:
            raise YamlProblem(node_line(node), node.start_mark.column + 1,
                              f"through its aliases (*name) this value nests deeper than {MAX_DEPTH} levels: refused")
        if size[key] > MAX_ALIAS_GROWTH + len(size):
            raise YamlProblem(node_line(node), node.start_mark.column + 1,
                              f"YAML aliases (*name) expand this value to {size[key]:,} nodes, far more than the "
                              f"file holds: refused (aliases may add at most {MAX_ALIAS_GROWTH:,})")
    if size[id(root)] > MAX_ALIAS_GROWTH + len(size):
        raise YamlProblem(node_line(root), None, f"YAML aliases (*name) expand this document to {size[id(root)]:,} "
                                                 f"nodes: refused (aliases may add at most {MAX_ALIAS_GROWTH:,})")


def compose(text: str) -> Tuple[CappedLoader, Any]:
    """Parse text to a node tree; returns the loader (to construct nodes) and the root node (None if empty)."""
    try:
        loader = CappedLoader(text)
        node = loader.get_single_node()
    except YamlProblem:
        raise
    except yaml.YAMLError as exc:
        raise _problem(exc, text) from None
    except RecursionError:
        raise YamlProblem(None, None, "invalid YAML: nested too deeply to read") from None
    if node is not None:
        check_expansion(node)
    return loader, node


def construct(loader: CappedLoader, node: Any) -> Any:
    """Build plain Python data from one node (safe constructors only)."""
    try:
        return loader.construct_document(node)
    except YamlProblem:
        raise
    except yaml.YAMLError as exc:
        raise _problem(exc, "") from None
    except (ValueError, TypeError, RecursionError) as exc:
        raise YamlProblem(node_line(node), None, f"cannot read this YAML value: {exc}") from None
    finally:
        loader.constructed_objects = {}
        loader.recursive_objects = {}
        loader.state_generators = []


def load(text: str) -> Tuple[Any, Any]:
    """(data, root node) of a whole document; data is None for an empty one."""
    loader, node = compose(text)
    return (construct(loader, node) if node is not None else None), node


def duplicate_key(loader: CappedLoader, node: Any) -> Optional[Tuple[int, int, str]]:
    """(line, first line, key) of a key written twice in a mapping node, else None (not constructing the values)."""
    if not isinstance(node, MappingNode):
        return None
    try:
        found = _duplicate_key(loader, node)
    except yaml.YAMLError:
        return None  # an odd key (e.g. a refused tag): left to construction, which reports it
    if found is None:
        return None
    key_node, first = found
    return node_line(key_node), first, key_node.value


def node_line(node: Any) -> int:
    line: int = node.start_mark.line
    return line + 1


def key_lines(node: Any) -> dict[str, int]:
    """Line of each key of a mapping node, so a bad field can be pointed at."""
    if not isinstance(node, MappingNode):
        return {}
    return {k.value: k.start_mark.line + 1 for k, _ in node.value if isinstance(k, ScalarNode)}
