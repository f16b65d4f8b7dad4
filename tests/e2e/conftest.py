"""Browser fixtures: Debian's Chromium driven by Playwright (sync API), never downloaded."""

from __future__ import annotations

import os

import pytest

# Playwright's sync API runs an event loop in this thread; Django's ORM must still be usable here.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def demo(settings, tmp_path):
    """The demo world (400 ads, seed 7) loaded with its users, files kept under a temporary home:
    ``{username: login}`` of the demo accounts."""
    from tipwatch.web.demo import ensure_demo_users, load_demo

    settings.TIPWATCH_HOME = tmp_path
    load_demo(seed=7, n_ads=400)
    return {u["username"]: u for u in ensure_demo_users()}
