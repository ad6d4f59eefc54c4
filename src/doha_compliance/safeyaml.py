"""YAML reading that is safe with files from many hands.

Only ``yaml.SafeLoader`` is used (no python tags, nothing executed). Alias
expansion is capped so a "billion laughs" document fails fast instead of
eating memory, and nodes keep their line so errors can point at them.
"""
from __future__ import annotations

from typing import Any, Tuple

import yaml

from .errors import ComplianceError

MAX_ALIASES = 100
MAX_DEPTH = 64


class YamlProblem(ComplianceError):
    def __init__(self, line: int | None, column: int | None, message: str):
        self.line = line
        self.column = column
        self.message = message
        super().__init__(message)


class CappedLoader(yaml.SafeLoader):
    """SafeLoader that refuses documents with too many aliases or too deep nesting."""

    def __init__(self, stream: Any):
        super().__init__(stream)
        self._aliases = 0
        self._depth = 0

    def compose_node(self, parent, index):  # type: ignore[override]
        if self.check_event(yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                mark = self.peek_event().start_mark
                raise YamlProblem(mark.line + 1, mark.column + 1,
                                  f"more than {MAX_ALIASES} YAML aliases (&/*): refused, "
                                  "a document like this can expand without bound")
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                mark = self.peek_event().start_mark
                raise YamlProblem(mark.line + 1, mark.column + 1,
                                  f"nesting deeper than {MAX_DEPTH} levels: refused")
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _timestamp(loader: CappedLoader, node: Any) -> Any:
    """YAML reads 2020-02-30 as a timestamp and PyYAML then crashes; keep it as text for the date check."""
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError:
        return loader.construct_scalar(node)


CappedLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)


def _problem(exc: yaml.YAMLError) -> YamlProblem:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    if isinstance(exc, yaml.constructor.ConstructorError) and "tag" in str(problem):
        problem = f"{problem} (only plain YAML data is accepted; tags like !!python/... are refused)"
    if mark is None:
        return YamlProblem(None, None, f"invalid YAML: {problem}")
    return YamlProblem(mark.line + 1, mark.column + 1, f"invalid YAML at column {mark.column + 1}: {problem}")


def compose(text: str) -> Tuple[CappedLoader, Any]:
    """Parse text to a node tree; returns the loader (to construct nodes) and the root node."""
    loader = CappedLoader(text)
    try:
        return loader, loader.get_single_node()
    except YamlProblem:
        raise
    except yaml.YAMLError as exc:
        raise _problem(exc) from None


def construct(loader: CappedLoader, node: Any) -> Any:
    """Build plain Python data from one node (safe constructors only)."""
    try:
        return loader.construct_document(node)
    except yaml.YAMLError as exc:
        raise _problem(exc) from None
    except (ValueError, TypeError, RecursionError) as exc:
        raise YamlProblem(node_line(node), None, f"cannot read this YAML value: {exc}") from None


def node_line(node: Any) -> int:
    return node.start_mark.line + 1


def key_lines(node: Any) -> dict:
    """Line of each key of a mapping node, so a bad field can be pointed at."""
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {k.value: k.start_mark.line + 1 for k, _ in node.value if isinstance(k, yaml.ScalarNode)}
