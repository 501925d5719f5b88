"""The public pages in a real browser (Debian's Chromium through Playwright):
axe-core finds no WCAG 2.1 A/AA or best-practice violation, at phone and
desktop widths; no console error or CSP violation; a skip link and a visible
focus ring; no sideways scrolling on a phone; the suggest form with and
without JavaScript. Screenshots land in screenshots/ (git-ignored)."""

from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser import load_demo, needs_chromium

pytestmark = [pytest.mark.django_db(transaction=True), needs_chromium]

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "screenshots"
WIDTHS = {"phone": (375, 812), "desktop": (1280, 900)}
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": AXE_TAGS}}
PAGES = {
    "home": "/",
    "article": "/q/what-causes-hiccups/",
    "topic index": "/topics/",
    "type index": "/types/",
    "topic": "/topics/health-body/",
    "type": "/types/what-causes/",
    "topic x type": "/topics/health-body/what-causes/",
    "trending": "/trending/",
    "search with results": "/search/?q=hiccups",
    "search without results": "/search/?q=purple+snowfall",
    "suggest": "/suggest/",
    "404": "/q/no-such-answer/",
}


@pytest.fixture
def site(db, settings):
    """The demo content, with some answers read (so Trending shows)."""
    settings.SUGGEST_MIN_FILL_SECONDS = 0
    settings.SEARCH_RATE_LIMIT = settings.SUGGEST_RATE_LIMIT = 1000
    load_demo(read=8)


@pytest.fixture
def watched(page):
    """The page, with every console error and CSP violation it reports."""
    page.problems = []

    def console(message):
        # Chromium logs a page answered 404 as an error; that 404 is wanted.
        where = message.location.get("url", "")
        if message.type == "error" and not where.endswith(PAGES["404"]):
            page.problems.append(f"console: {message.text} ({where})")

    page.on("console", console)
    page.on("pageerror", lambda error: page.problems.append(f"error: {error}"))
    return page


def open_page(page, url):
    response = page.goto(url)
    page.wait_for_load_state("load")
    return response


def report(violations):
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(str(node["target"]) for node in v["nodes"][:5])
        for v in violations
    )


@pytest.mark.parametrize("width", WIDTHS)
def test_every_page_passes_axe_and_logs_nothing(watched, live_server, site, width):
    watched.set_viewport_size(
        dict(zip(("width", "height"), WIDTHS[width], strict=True))
    )
    axe = Axe()
    failures = {}
    for name, path in PAGES.items():
        response = open_page(watched, live_server.url + path)
        assert response.status == (404 if name == "404" else 200), name
        results = axe.run(
            watched, options={"runOnly": {"type": "tag", "values": AXE_TAGS}}
        )
        if results.response["violations"]:
            failures[name] = report(results.response["violations"])
        # Nothing sticks out sideways on a phone (or anywhere).
        overflow = watched.evaluate(
            "document.documentElement.scrollWidth"
            " - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at {width}"
        # Content keeps its distance from the "Missing an answer?" band.
        gap = watched.evaluate(
            """() => {
              const band = document.querySelector('.suggest-box');
              if (!band) return null;
              const bottoms = [...document.querySelectorAll('main *')]
                .map(el => el.getBoundingClientRect().bottom);
              return band.getBoundingClientRect().top - Math.max(...bottoms);
            }"""
        )
        assert gap is None or gap >= 24, f"{name}: {gap}px above the band"
        if name in ("home", "article"):
            SCREENSHOTS.mkdir(exist_ok=True)
            watched.screenshot(path=SCREENSHOTS / f"{name}-{width}.png", full_page=True)
    # The thank-you page, reached as a visitor reaches it.
    open_page(watched, live_server.url + "/suggest/")
    watched.fill("#id_question", "Why do owls turn their heads so far?")
    watched.click("button:has-text('Send suggestion')")
    watched.wait_for_load_state("load")
    assert "Thank you for your suggestion" in watched.content()
    results = axe.run(watched, options=AXE_OPTIONS)
    if results.response["violations"]:
        failures["thank-you"] = report(results.response["violations"])
    assert failures == {}, "\n\n".join(f"{k}:\n{v}" for k, v in failures.items())
    assert watched.problems == []


def focus_is_visible(page):
    """The focused element draws an outline (our ring) or a shadow."""
    return page.evaluate(
        """() => {
          const el = document.activeElement;
          if (!el || el === document.body) return false;
          const style = getComputedStyle(el);
          return (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2)
                 || style.boxShadow !== 'none';
        }"""
    )


@pytest.mark.parametrize("name", PAGES)
def test_keyboard_skip_link_and_visible_focus(page, live_server, site, name):
    open_page(page, live_server.url + PAGES[name])
    page.keyboard.press("Tab")
    skip = page.evaluate("document.activeElement.textContent")
    assert skip == "Skip to content"
    box = page.evaluate(
        "JSON.stringify(document.activeElement.getBoundingClientRect())"
    )
    assert '"top":-' not in box  # shown on screen when focused
    assert focus_is_visible(page)
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#content"
    # Every stop of the first 25 Tab presses shows where the focus is.
    open_page(page, live_server.url + PAGES[name])
    for step in range(25):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement === document.body"):
            break  # past the last control: the browser's own UI is next
        label = page.evaluate("document.activeElement.outerHTML.slice(0, 80)")
        assert focus_is_visible(page), f"Tab {step + 1}: no visible focus on {label}"


def test_suggest_form_works_without_javascript(browser, live_server, site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    open_page(page, live_server.url + "/suggest/?q=Why+do+owls+hoot+at+night%3F")
    assert page.input_value("#id_question") == "Why do owls hoot at night?"
    page.click("button:has-text('Send suggestion')")
    page.wait_for_load_state("load")
    assert "Thank you for your suggestion" in page.content()
    context.close()


def test_already_answered_appears_while_typing(watched, live_server, site):
    open_page(watched, live_server.url + "/suggest/")
    watched.click("#id_question")
    watched.keyboard.type("What causes hiccups in adults", delay=20)
    box = watched.locator("#already-answered")
    box.get_by_text("Already answered?").wait_for(timeout=5000)
    assert box.get_by_role("link", name="What causes hiccups?").is_visible()
    assert watched.problems == []


def test_dark_mode_passes_axe_too(watched, live_server, site):
    """The dark colour scheme has its own contrast to get right."""
    watched.emulate_media(color_scheme="dark")
    axe = Axe()
    failures = {}
    for name in ("home", "article", "search with results", "suggest"):
        open_page(watched, live_server.url + PAGES[name])
        background = watched.evaluate("getComputedStyle(document.body).backgroundColor")
        assert background != "rgb(255, 255, 255)", "dark mode is not applied"
        results = axe.run(watched, options=AXE_OPTIONS)
        if results.response["violations"]:
            failures[name] = report(results.response["violations"])
    assert failures == {}, "\n\n".join(f"{k}:\n{v}" for k, v in failures.items())


def test_an_answer_prints_without_navigation(page, live_server, site):
    open_page(page, live_server.url + PAGES["article"])
    page.emulate_media(media="print")
    for hidden in (".site-header", ".suggest-box", ".rail", ".related", ".breadcrumbs"):
        assert not page.locator(hidden).first.is_visible(), hidden
    for shown in ("h1", ".key-facts", ".body", ".sources"):
        assert page.locator(shown).first.is_visible(), shown
    # Sources print their addresses, since a link cannot be followed on paper.
    after = page.evaluate(
        "getComputedStyle(document.querySelector('.sources a'), '::after').content"
    )
    assert "attr(href)" in after or "http" in after
