import os

import pytest

# The PLAT'AU hub scripted by the tests (tests/platau/conftest.py).
from tests.platau.conftest import hub  # noqa: F401

CHROMIUM = "/usr/bin/chromium"  # Debian's package: Playwright never downloads a browser


@pytest.fixture
def browser_page():
    from playwright.sync_api import sync_playwright

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's loop runs in this thread
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                  "--disable-background-networking", "--disable-component-update",
                  "--no-first-run", "--disable-sync"],
        )  # fmt: skip
        context = browser.new_context(accept_downloads=True, locale="fr-FR")
        page = context.new_page()
        page.set_default_timeout(20_000)
        yield page
        browser.close()


def record_axe(page, name: str, response: dict) -> None:
    """Keeps a page's axe-core result for the accessibility statement (accessibility.results:
    var/accessibility/axe-results.json, then `manage.py accessibility_results`)."""
    from accessibility.results import record

    record(name, page.url, response, page.context.browser.version)
