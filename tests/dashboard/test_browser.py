"""The dashboard in a real browser (Debian's chromium, driven by Playwright): every page."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from dashboard import i18n
from services.common.settings import PROJECT_ROOT
from tests.dashboard.conftest import dashboard_process, needs_chromium
from tests.served import Services

ARTIFACTS = PROJECT_ROOT / "test-artifacts" / "dashboard"
PAGES = {
    "overview": "",
    "universalization": "universalization",
    "stockpiles": "stockpiles",
    "clearance": "clearance",
    "victim assistance": "victim_assistance",
    "actions": "actions",
    "party profile": "party",
    "calendar": "calendar",
    "changes": "changes",
    "record": "record",
}
pytestmark = needs_chromium


@pytest.fixture(scope="module")
def dashboard(services: Services, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The dashboard as a process on loopback, pointed at the shared services."""
    with dashboard_process(services.urls, tmp_path_factory.mktemp("dashboard")) as url:
        yield url


def open_page(browser: object, url: str):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})  # type: ignore[attr-defined]
    page.goto(url, wait_until="domcontentloaded")
    page.wait_for_selector("h1", timeout=60_000)
    # Wait until the page's script has run to its end, then until every chart has drawn.
    page.wait_for_selector(
        '[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=60_000
    )
    # Charts and tables load their code lazily: a skeleton stands in for each until it has.
    page.wait_for_function(
        "() => document.querySelectorAll('[data-testid=\"stSkeleton\"]').length === 0",
        timeout=60_000,
    )
    tables = page.locator('[data-testid="stDataFrame"]').count()
    if tables:
        # A table draws its cells on a canvas once its data has arrived.
        page.wait_for_function(
            f"() => document.querySelectorAll('[data-testid=\"stDataFrame\"] canvas').length "
            f">= {tables}",
            timeout=60_000,
        )
    charts = page.locator('[data-testid="stPlotlyChart"]').count()
    if charts:
        page.wait_for_function(
            f"() => document.querySelectorAll('.js-plotly-plot .main-svg').length >= {charts}",
            timeout=60_000,
        )
    return page


@pytest.mark.parametrize("name", list(PAGES))
def test_every_page_renders_without_an_exception(
    browser: object, dashboard: str, name: str
) -> None:
    # In French: the screenshots of docs/dashboard.md show the pages in one of their languages.
    page = open_page(browser, f"{dashboard}/{PAGES[name]}?lang=fr")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{PAGES[name] or 'overview'}-fr.png"), full_page=True)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert "Traceback" not in page.content()
    page.close()


def test_the_overview_shows_156_states_parties(browser: object, dashboard: str) -> None:
    page = open_page(browser, dashboard)
    # Streamlit draws the page in pieces: wait for this metric itself, not the first of any.
    metric = page.locator('[data-testid="stMetric"]', has_text="States Parties, of 195 States")
    metric.first.wait_for(timeout=60_000)
    assert "156" in metric.first.inner_text()
    # The README's picture of the dashboard, in English.
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "overview.png"))
    page.close()


def test_no_headline_figure_is_cut(browser: object, dashboard: str) -> None:
    page = open_page(browser, dashboard)
    funding = page.locator('[data-testid="stMetric"]', has_text="since 2004")
    funding.first.wait_for(timeout=60_000)
    values = page.locator('[data-testid="stMetricValue"]')
    assert values.count() >= 6
    cut = page.evaluate(
        """() => [...document.querySelectorAll('[data-testid="stMetricValue"]')]
            .flatMap(value => [value, ...value.querySelectorAll('*')])
            .filter(node => node.scrollWidth > node.clientWidth + 1)
            .map(node => node.innerText)"""
    )
    assert cut == []
    assert "…" not in " ".join(values.all_inner_texts())
    page.close()


def test_a_shared_link_keeps_its_day_across_the_pages(browser: object, dashboard: str) -> None:
    context = browser.new_context()  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(f"{dashboard}/clearance?as_of=2010-03-01", wait_until="domcontentloaded")
    # The timeline's line names the day of the link, not "today".
    page.wait_for_selector("text=as of 1 March 2010", timeout=60_000)
    page.locator('[data-testid="stSidebarNav"] a', has_text="Overview").click()
    page.wait_for_selector("text=As of 1 March 2010", timeout=60_000)
    assert "as_of=2010-03-01" in page.url
    context.close()


def test_the_map_draws_the_country_shapes_offline(browser: object, dashboard: str) -> None:
    page = open_page(browser, f"{dashboard}/universalization")
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    shapes = page.locator(".js-plotly-plot .choroplethlocation")
    shapes.first.wait_for(timeout=60_000)
    assert shapes.count() >= 190
    assert not [r for r in requests if not r.startswith(dashboard)], (
        "the map fetched from elsewhere"
    )
    page.close()


def test_a_first_visit_to_a_page_url_keeps_the_navigation_and_as_of(
    browser: object, dashboard: str
) -> None:
    context = browser.new_context()  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(f"{dashboard}/clearance", wait_until="domcontentloaded")
    page.wait_for_selector(
        '[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=60_000
    )
    links = page.locator('[data-testid="stSidebarNav"] a').all_inner_texts()
    assert [link.strip() for link in links][:2] == ["Overview", "Universalization"]
    # The sidebar is drawn in pieces after the script state flips: wait for the control itself.
    page.wait_for_selector('[data-testid="stSidebar"] >> text=View as of', timeout=60_000)
    context.close()


def test_the_language_is_chosen_in_the_sidebar_and_kept_in_the_link(
    browser: object, dashboard: str
) -> None:
    context = browser.new_context()  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(f"{dashboard}/clearance?lang=fr&as_of=2010-03-01", wait_until="domcontentloaded")
    overview, universalization = (_in("fr", "Overview"), _in("fr", "Universalization"))
    page.wait_for_selector(f'[data-testid="stSidebarNav"] >> text="{overview}"', timeout=60_000)
    links = page.locator('[data-testid="stSidebarNav"] a').all_inner_texts()
    assert [link.strip() for link in links][:2] == [overview, universalization]
    # The timeline's line is worded and dated in French.
    page.wait_for_selector(f"text={_in('fr', 'as of {day}').format(day='1er mars 2010')}")
    # Choosing Spanish rewords the page and names the language in the address.
    page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').first.click()
    page.get_by_role("option", name="Español").click()
    page.wait_for_selector(f'[data-testid="stSidebarNav"] >> text="{_in("es", "Overview")}"')
    page.locator('[data-testid="stSidebarNav"] a').first.click()
    page.wait_for_selector(f"text={_in('es', 'As of {day}').format(day='1 de marzo de 2010')}")
    assert "lang=es" in page.url and "as_of=2010-03-01" in page.url
    context.close()


def _in(language: str, message: str) -> str:
    """A message of the dashboard's catalogue in `language`."""
    return i18n.translations(language).gettext(message)
