import importlib
import os
import shutil
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.apps import apps as django_apps
from django.contrib.auth.models import Group, Permission

from campaign.models import SpendFigure

MODERATORS = importlib.import_module("pledges.migrations.0003_moderators_group")

# Playwright runs an event loop in the main thread; Django's ORM calls from the
# test body and from live_server set-up are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ARTIFACTS = Path(__file__).resolve().parent.parent.parent / "test-artifacts"
INSTALL_HINT = (
    "Chromium is not installed: run `sudo apt-get install -y chromium` to run the browser tests."
)


def browser_items(items):
    here = Path(__file__).parent
    return [item for item in items if here in Path(item.fspath).parents]


def pytest_collection_modifyitems(config, items):
    # Before `-m` deselects anything, so that `-m browser` and `-m "not slow"` see the marks.
    for item in browser_items(items):
        item.add_marker(pytest.mark.browser)
        item.add_marker(pytest.mark.slow)  # each starts a live server and a browser


@pytest.fixture(scope="session", autouse=True)
def _chromium():
    """Skip the browser tests without Chromium, or fail them under REQUIRE_BROWSER=1.

    A fixture rather than a collection hook: only the browser tests that are about to run
    ask for it, so a run that deselects them needs no browser, and under pytest -n the
    message reaches the report (a worker's collection error does not). Session-scoped
    and autouse, it comes before Playwright's own browser fixture.
    """
    if shutil.which(CHROMIUM) or Path(CHROMIUM).exists():
        return
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"REQUIRE_BROWSER=1 but {INSTALL_HINT}", pytrace=False)
    pytest.skip(INSTALL_HINT)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(autouse=True)
def _unhashed_static(settings):
    # live_server serves static files through the finders, which never see hashed
    # names: with the manifest storage every stylesheet would 404 in the browser.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def site(live_server):
    """The live site, with the brief's content as the data migration loads it.

    Each browser test ends by emptying the database. Django's serialized rollback
    cannot put the content back here: once Playwright runs, the test sees a new
    connection object, which lacks the saved copy. So load it again directly.
    """
    if not SpendFigure.objects.exists():
        brief = importlib.import_module("campaign.migrations.0002_load_brief_content")
        brief.load(django_apps, None)
        importlib.import_module("campaign.migrations.0005_spend").fill_spend_facts(
            django_apps, None
        )
        importlib.import_module(
            "campaign.migrations.0006_spend_dates_from_the_sources"
        ).fill_spend_dates(django_apps, None)
    return live_server.url


@pytest.fixture
def moderators_group():
    """The Moderators group, made again as its migration makes it.

    Each browser test ends by emptying the database, the migration's group with it.
    """
    group, _ = Group.objects.get_or_create(name="Moderators")
    for app_label, codename in MODERATORS.PERMISSIONS:
        group.permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return group


@pytest.fixture
def console_errors(page):
    """Errors the browser reports, such as a resource blocked by the CSP."""
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def screenshot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)


def assert_accessible(page):
    """No violation the axe-core engine finds, reported in full when there is one."""
    result = Axe().run(page)
    assert result.violations_count == 0, result.generate_report()
