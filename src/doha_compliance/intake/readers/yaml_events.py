"""YAML event files: a list of events, or a mapping with an `events` list, each event keeping its line."""
from __future__ import annotations

from typing import Iterator

from doha_compliance._util import safeyaml
from doha_compliance._util.files import excerpt

from .rows import RawRow, empty, row, whole_text


def read_yaml(path: str) -> Iterator[RawRow]:
    text, problem = whole_text(path)
    if problem:
        yield problem
        return
    try:
        loader, node = safeyaml.compose(text or "")
    except safeyaml.YamlProblem as exc:
        yield RawRow(f"{path}:{exc.line}" if exc.line else path, None, exc.message)
        return
    if node is None:
        yield empty(path)
        return
    seq = node
    if node.tag.endswith(":map"):
        twice = safeyaml.duplicate_key(loader, node)
        if twice is not None:
            line, first, key = twice
            yield RawRow(f"{path}:{line}", None, f"the key {excerpt(key)} appears twice at the top of the file "
                                                 f"(first at line {first}); the file was not read")
            return
        seq = next((v for k, v in node.value if k.tag == safeyaml.STR and k.value == "events"), None)
    if seq is None or not node.tag.endswith((":seq", ":map")) or not seq.tag.endswith(":seq"):
        yield RawRow(f"{path}:{safeyaml.node_line(node)}", None,
                     "expected a list of events, or a mapping with a key 'events' holding that list")
        return
    if not seq.value:
        yield empty(path)
    for item in seq.value:
        where = f"{path}:{safeyaml.node_line(item)}"
        try:
            data = safeyaml.construct(loader, item)
        except safeyaml.YamlProblem as exc:
            yield RawRow(f"{path}:{exc.line}" if exc.line else where, None, exc.message)
            continue
        yield row(where, data)
