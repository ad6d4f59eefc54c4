"""Which rule folder a run used, and a hash of its files (issue 23).

`--rules doha` is the folder ./doha when one exists, so a local copy silently wins over the bundled
set; every report therefore names the folder and hashes the rule files it read. The hash is taken of
the bytes read — not of the text after decoding — so two runs that say the same hash read the same
files. It is the same on every machine as long as the files are: the repository's `.gitattributes`
keeps git from rewriting the line endings of `rules/` on checkout (core.autocrlf), and the wheel
copies the files byte for byte.
"""
from __future__ import annotations

import hashlib
import os
from typing import Mapping

from doha_compliance import bundled
from doha_compliance.models import RuleSource


def digest(files: Mapping[str, bytes]) -> str:
    """sha256 over each rule file in sorted order of its name: the name (UTF-8), a NUL, the byte
    count in decimal, a NUL, then the bytes as read. Lengths make the concatenation unambiguous."""
    h = hashlib.sha256()
    for name in sorted(files):
        data = files[name]
        h.update(name.encode("utf-8") + b"\0" + str(len(data)).encode("ascii") + b"\0")
        h.update(data)
    return h.hexdigest()


def rule_source(folder: str, files: Mapping[str, bytes], on_disk: bool = True) -> RuleSource:
    """The folder as a report names it: a bundled set (found by the folder's real path, however it was
    typed) by its name, anything else as the path given."""
    sha = digest(files)
    sets = bundled.rule_sets()
    if on_disk:
        real = os.path.realpath(folder)
        for name, path in sets.items():
            if os.path.realpath(path) == real:
                return RuleSource(name=name, folder=f"rules/{name}", bundled=True, sha256=sha)
    own = os.path.basename(os.path.normpath(folder)) if on_disk else folder
    return RuleSource(name=own, folder=folder, bundled=False, sha256=sha, shadows=on_disk and own in sets)
