"""Headless Debian Chromium through Playwright: what the browser test and tools/screenshots.py share.

Playwright's own browser download cannot work here (no network); Debian's `chromium` is used
instead (`apt-get install chromium`; `.ci/run` installs it)."""
from __future__ import annotations

import contextlib
import shutil
from typing import Any, Iterator, Optional

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


def chromium_path() -> Optional[str]:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def launch(playwright: Any, chromium: str) -> Any:
    return playwright.chromium.launch(executable_path=chromium, args=ARGS)


def screenshot(page: Any, selector: str, path: str) -> bytes:
    """A PNG of one element of the page (written to `path`), at twice the pixels for sharp text."""
    return page.locator(selector).screenshot(path=path)


@contextlib.contextmanager
def page_of(html: str, folder: Any, viewport: Optional[dict] = None) -> Iterator[Any]:
    """An HTML page open in headless Chromium (a pytest skip, saying why, where it cannot be)."""
    import pytest
    chromium = chromium_path()
    if not chromium:
        pytest.skip("no Chromium on this machine (.ci/run installs Debian's chromium; apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install -e '.[test]')")
    path = folder / "report.html"
    path.write_text(html, encoding="utf-8")
    with sync_api.sync_playwright() as p:
        browser = launch(p, chromium)
        try:
            page = browser.new_page(viewport=viewport) if viewport else browser.new_page()
            page.goto(path.as_uri())
            yield page
        finally:
            browser.close()
