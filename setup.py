"""Build step that puts the shipped rule sets and examples into the wheel.

Everything else about the package is declared in pyproject.toml; this file exists only for this.

One source of truth: `rules/` and `examples/` stay at the repository's top level, where users and
the README look for them, and are copied at build time into the package as
`doha_compliance/data/rules/<set>/` and `doha_compliance/data/examples/<name>/`. Nothing is
committed twice, so nothing can drift. A rule set is a folder of `rules/` holding agreement.yaml;
`rules/schema.json` (a link to the package's own schemas/rules.schema.json) is not copied: the
package carries that schema already. Symbolic links are copied as the files they point to.

An editable install (`pip install -e .`) gets no copy: `bundled.py` then finds the repository's
own folders, so an edit to rules/doha counts at once.
"""
from __future__ import annotations

import os
import shutil

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join("doha_compliance", "data")


def shipped_folders():
    """(source folder, destination relative to the package data folder) for each shipped folder."""
    for kind, wanted in (("rules", "agreement.yaml"), ("examples", None)):
        top = os.path.join(HERE, kind)
        if not os.path.isdir(top):
            raise SystemExit(f"setup.py: {top} is missing; build from a clone or from the sdist")
        for name in sorted(os.listdir(top)):
            folder = os.path.join(top, name)
            if name.startswith((".", "_")) or not os.path.isdir(folder):
                continue
            if wanted and not os.path.isfile(os.path.join(folder, wanted)):
                continue
            yield folder, os.path.join(kind, name)


def _shipped_file(name: str) -> bool:
    return not name.startswith(".") and not name.endswith((".pyc", "~"))


class BuildPyWithData(build_py):
    """build_py, then a fresh copy of the shipped rule sets and examples into the build folder."""

    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return  # the editable install reads the repository's own folders
        target = os.path.join(self.build_lib, DATA)
        shutil.rmtree(target, ignore_errors=True)  # a file deleted from rules/ must not live on in build/
        for source, relative in shipped_folders():
            destination = os.path.join(target, relative)
            os.makedirs(destination, exist_ok=True)
            for name in sorted(os.listdir(source)):
                path = os.path.join(source, name)
                if _shipped_file(name) and os.path.isfile(path):
                    shutil.copyfile(path, os.path.join(destination, name))  # follows links
                elif os.path.isdir(path) and not name.startswith((".", "_")):
                    # a rule set's zones/ (issue 25): its files, as they are, links followed
                    shutil.copytree(path, os.path.join(destination, name),
                                    ignore=lambda _, names: [n for n in names if not _shipped_file(n)])

    def get_outputs(self, include_bytecode=True):
        outputs = super().get_outputs(include_bytecode)
        if getattr(self, "editable_mode", False):
            return outputs
        target = os.path.join(self.build_lib, DATA)
        for folder, _, files in os.walk(target):
            outputs.extend(os.path.join(folder, name) for name in files)
        return outputs


setup(cmdclass={"build_py": BuildPyWithData})
