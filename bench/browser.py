"""The dashboard's first render in a real browser (Debian's chromium, driven by Playwright)."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
RENDERED = '[data-testid="stApp"][data-test-script-state="notRunning"] [data-testid="stMetric"]'


def available() -> bool:
    """Whether the browser is installed."""
    return Path(CHROMIUM).exists()


def overview_first_render_s(url: str, *, runs: int = 3) -> float:
    """Seconds from opening the overview in a fresh browser context until its figures show.

    One visit first warms the services and the dashboard's cache; the median of `runs` follows.
    """
    from playwright.sync_api import sync_playwright

    timings = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for attempt in range(runs + 1):
            context = browser.new_context()
            page = context.new_page()
            started = time.perf_counter()
            page.goto(url, wait_until="domcontentloaded")
            page.wait_for_selector(RENDERED, timeout=60_000)
            if attempt:
                timings.append(time.perf_counter() - started)
            context.close()
        browser.close()
    return sorted(timings)[len(timings) // 2]
