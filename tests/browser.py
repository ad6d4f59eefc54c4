"""Headless Debian Chromium through Playwright: what the browser test and tools/screenshots.py share.

Playwright's own browser download cannot work here (no network); Debian's `chromium` is used
instead (`apt-get install chromium`; `.ci/run` installs it)."""
from __future__ import annotations

import shutil
from typing import Any, Optional

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


def chromium_path() -> Optional[str]:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def launch(playwright: Any, chromium: str) -> Any:
    return playwright.chromium.launch(executable_path=chromium, args=ARGS)


def screenshot(page: Any, selector: str, path: str) -> bytes:
    """A PNG of one element of the page (written to `path`), at twice the pixels for sharp text."""
    return page.locator(selector).screenshot(path=path)
