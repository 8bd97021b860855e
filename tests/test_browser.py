"""What only a browser shows: diagrams rendered, no outside requests, looks."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from collections.abc import Iterator

import pytest
from conftest import REPO, Site, canvas_rows

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = REPO / "test-artifacts"
FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1 , EXCLUDE localhost",
]
#: Material renders Mermaid into a closed shadow root; open it for the test.
OPEN_SHADOW_ROOTS = """
const attach = Element.prototype.attachShadow;
Element.prototype.attachShadow = function (init) { return attach.call(this, { ...init, mode: "open" }); };
"""

pytestmark = pytest.mark.browser


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def serve(site: Site) -> Iterator[str]:
    handler = functools.partial(_Quiet, directory=str(site.root))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


@pytest.fixture(scope="module")
def server(example_site: Site) -> Iterator[str]:
    yield from serve(example_site)


@pytest.fixture(scope="module", params=["plugin", "zensical"])
def any_site(request: pytest.FixtureRequest) -> Site:
    """The example built by MkDocs with the plugin, and by Zensical from `journeysite generate`."""
    return request.getfixturevalue("example_site" if request.param == "plugin" else "zensical_site")  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def any_server(any_site: Site) -> Iterator[str]:
    yield from serve(any_site)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but Chromium is missing: .ci/run installs it with apt")
        pytest.skip("Chromium is not installed (apt-get install chromium libatomic1)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield instance
        instance.close()


def new_tab(browser, dark: bool = False, requests: list[str] | None = None):  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 1400, "height": 1000}, color_scheme="dark" if dark else "light")
    page.add_init_script(OPEN_SHADOW_ROOTS)
    if requests is not None:
        page.on("request", lambda r: requests.append(r.url))
    return page


JOURNEY_SVG = "document.querySelector('.mermaid')?.shadowRoot?.querySelector('svg[aria-roledescription=journey]')"


def test_every_map_renders_its_journey_diagram(browser, any_server: str, any_site: Site) -> None:  # type: ignore[no-untyped-def]
    pages = sorted(p.parent.relative_to(any_site.root).as_posix() + "/" for p in (any_site.root / "maps").glob("*/index.html"))
    assert len(pages) == 9
    tab = new_tab(browser)
    for path in pages:
        tab.goto(any_server + path)
        tab.wait_for_function(JOURNEY_SVG)
        drawn = tab.evaluate(f"{JOURNEY_SVG}.textContent")
        grid = any_site.article(path).select_one(".js-canvas table")
        steps = [th.get_text(" ", strip=True).removesuffix(" ★") for th in grid.select("thead tr:nth-of-type(2) th[scope=col]")[1:]]
        scores = canvas_rows(any_site.article(path))["Score"]
        names = [name for name, score in zip(steps, scores, strict=True) if score != "not measured"]  # unmeasured: not drawn
        assert len(names) >= 3
        for name in names:
            assert name in drawn, f"{path}: step {name!r} is not in the diagram"
    tab.close()


def test_no_request_leaves_the_host(browser, any_server: str, any_site: Site) -> None:  # type: ignore[no-untyped-def]
    pages = sorted(p.relative_to(any_site.root).as_posix() for p in any_site.root.rglob("index.html"))
    assert len(pages) > 40
    requests: list[str] = []
    tab = new_tab(browser, requests=requests)
    for path in pages:
        tab.goto(any_server + path, wait_until="load")
        if tab.query_selector(".mermaid"):
            tab.wait_for_function(JOURNEY_SVG)
        outside = [u for u in requests if not u.startswith(any_server) and not u.startswith("data:")]
        assert outside == [], f"{path} requested {outside}"
    assert len(requests) > len(pages)  # the listener did see the site's own requests
    tab.close()


def test_no_page_scrolls_sideways_on_a_phone(browser, server: str, example_site: Site) -> None:  # type: ignore[no-untyped-def]
    """At 390 px wide, wide tables scroll inside their own box; the page itself never does."""
    tab = browser.new_page(viewport={"width": 390, "height": 800})
    wide = []
    for page in sorted(example_site.root.rglob("index.html")):
        path = page.parent.relative_to(example_site.root).as_posix()
        tab.goto(server + ("" if path == "." else path + "/"), wait_until="load")
        if (width := tab.evaluate("document.documentElement.scrollWidth")) > 390:
            wide.append((path, width))
    assert wide == []
    tab.close()


#: axe-core, pinned in tests/axe/package-lock.json and installed by .ci/run.
AXE = REPO / "tests" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
AXE_RUN = """
async () => {
  const result = await axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } });
  return result.violations.filter(v => v.impact === "serious" || v.impact === "critical")
    .map(v => `${v.id} (${v.impact}) at ${v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(", ")}`);
}
"""


@pytest.fixture(scope="module")
def axe() -> str:
    if not AXE.exists():
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but axe-core is missing: .ci/run installs it with npm ci --prefix tests/axe")
        pytest.skip("axe-core is not installed (npm ci --prefix tests/axe)")
    return AXE.read_text(encoding="utf-8")


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_every_page_passes_axe_wcag_a_and_aa(browser, server: str, example_site: Site, axe: str, dark: bool) -> None:  # type: ignore[no-untyped-def]
    """An organisation-wide site must meet WCAG 2.1 AA: axe-core finds no
    serious or critical violation of its A and AA rules on any page."""
    pages = sorted(p.relative_to(example_site.root).as_posix() for p in example_site.root.rglob("*.html"))
    assert len(pages) > 50
    tab = new_tab(browser, dark=dark)
    found = []
    for path in pages:
        tab.goto(server + path, wait_until="load")
        if tab.query_selector(".mermaid"):
            tab.wait_for_function(JOURNEY_SVG)
        tab.add_script_tag(content=axe)
        found += [f"{path}: {v}" for v in tab.evaluate(AXE_RUN)]
    assert found == []
    tab.close()


DIAGRAM_LAYOUT = """
() => {
  const svg = document.querySelector('.mermaid').shadowRoot.querySelector('svg[aria-roledescription=journey]');
  const frame = document.querySelector('.js-diagram');
  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  const labels = [...svg.querySelectorAll('text')].filter(t => t.textContent.trim());
  const drawn = svg.getBBox(), box = svg.viewBox.baseVal;
  return {
    smallest: Math.min(...labels.map(t => parseFloat(getComputedStyle(t).fontSize) * scale)),
    blank: svg.getBoundingClientRect().height - (drawn.y + drawn.height - box.y) * scale,
    scrolls: frame.scrollWidth > frame.clientWidth,
    focusable: frame.tabIndex === 0,
    hidden: frame.scrollWidth - frame.scrollLeft - frame.clientWidth,
    title: labels.map(t => t.textContent).filter(t => t === document.title.split(' - ')[0]),
  };
}
"""


def test_journey_diagrams_are_readable_at_desktop_width(browser, server: str, example_site: Site) -> None:  # type: ignore[no-untyped-def]
    """At 1,440 px every label is at least 11 px (no shrinking to fit), no
    blank band sits under the drawing, the page heading is not drawn again,
    and a journey wider than the column scrolls in a frame a keyboard reaches."""
    tab = browser.new_page(viewport={"width": 1440, "height": 900})
    tab.add_init_script(OPEN_SHADOW_ROOTS)
    scrolling = []
    for page in sorted((example_site.root / "maps").glob("*/index.html")):
        path = page.parent.relative_to(example_site.root).as_posix() + "/"
        tab.goto(server + path, wait_until="load")
        tab.wait_for_function(JOURNEY_SVG)
        layout = tab.evaluate(DIAGRAM_LAYOUT)
        assert layout["smallest"] >= 11, (path, layout)
        assert layout["blank"] < 40, (path, layout)
        assert layout["title"] == [], (path, layout)
        if layout["scrolls"]:
            scrolling.append(path)
            assert layout["focusable"], path
            tab.focus(".js-diagram")
            for _ in range(200):  # the arrow key scrolls the frame, a few dozen pixels a press
                tab.keyboard.press("ArrowRight")
                if tab.evaluate(DIAGRAM_LAYOUT)["hidden"] <= 1:
                    break
            assert tab.evaluate(DIAGRAM_LAYOUT)["hidden"] <= 1, path  # the keyboard reaches the last step
    assert "maps/first-home-claim/" in scrolling  # ten steps do not fit: the case above is exercised
    tab.close()


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_screenshots(browser, server: str, dark: bool) -> None:  # type: ignore[no-untyped-def]
    """One screenshot of every page type, both palettes, kept as test artifacts to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    scheme = "dark" if dark else "light"
    for name, path in (("home", ""), ("maps-index", "maps/"), ("map-page", "maps/first-home-claim/"),
                       ("canvas", "maps/storm-damage-claim/#journey"), ("blueprint", "maps/storm-damage-claim/#stage-1"),
                       ("measures", "maps/storm-damage-claim/#measures"), ("persona", "personas/first-time-homeowner/"),
                       ("team", "teams/claims/"), ("touchpoint", "touchpoints/claims-hotline/"),
                       ("system", "systems/adjuster-portal/"), ("glance", "insights/"), ("freshness", "insights/freshness/"),
                       ("action-board", "insights/actions/"), ("evidence", "insights/evidence/"),
                       ("coverage", "insights/coverage/"), ("wins", "insights/wins/"), ("metrics", "insights/metrics/"),
                       ("tags", "tags/"), ("search", "?q=repeat+the+policy+number")):
        page = new_tab(browser, dark=dark)
        page.goto(server + path, wait_until="networkidle")
        if name in ("map-page", "blueprint"):
            page.wait_for_function(JOURNEY_SVG)
        shot = ARTIFACTS / f"{name}-{scheme}.png"
        page.screenshot(path=str(shot))
        assert shot.stat().st_size > 20_000
        page.close()


CONTRAST = """
([fgSel, bgSel]) => {
  const root = document.querySelector('.mermaid')?.shadowRoot;
  const find = (sel) => sel.startsWith('svg') ? root.querySelector(sel) : document.querySelector(sel);
  const rgb = (c) => c.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const lum = (c) => { const v = rgb(c).map(x => { x /= 255; return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4; });
                       return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2]; };
  const fgEl = find(fgSel), bgEl = find(bgSel);
  const fg = fgSel.startsWith('svg') ? getComputedStyle(fgEl).fill : getComputedStyle(fgEl).color;
  let bg = getComputedStyle(bgEl).backgroundColor;
  const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
  return (a + 0.05) / (b + 0.05);
}
"""


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_diagram_and_badges_are_readable_in_both_palettes(browser, server: str, dark: bool) -> None:  # type: ignore[no-untyped-def]
    tab = new_tab(browser, dark=dark)
    tab.goto(server + "maps/renew-landlord-policies/", wait_until="networkidle")
    tab.wait_for_function(JOURNEY_SVG)
    assert tab.evaluate("document.body.getAttribute('data-md-color-scheme')") == ("slate" if dark else "default")
    pairs = [
        ("svg[aria-roledescription=journey] .legend", "body"),      # who owns which steps
        (".js-badge--overdue", ".js-badge--overdue"),
        (".js-badge--validated", ".js-badge--validated"),
    ]
    for fg, bg in pairs:
        ratio = tab.evaluate(CONTRAST, [fg, bg])
        assert ratio >= 4.5, f"{fg} on {bg}: contrast {ratio:.2f} in the {'dark' if dark else 'light'} palette"
    tab.close()


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_kpi_signs_are_readable_in_both_palettes(browser, server: str, dark: bool) -> None:  # type: ignore[no-untyped-def]
    """The trend, stale and to-go signs of the Measures table carry words and
    arrows, and their colours must still be readable on the page."""
    tab = new_tab(browser, dark=dark)
    tab.goto(server + "maps/storm-damage-claim/", wait_until="networkidle")
    for fg in (".js-trend--better", ".js-stale", ".js-kpi--short"):
        ratio = tab.evaluate(CONTRAST, [fg, "body"])
        assert ratio >= 4.5, f"{fg}: contrast {ratio:.2f} in the {'dark' if dark else 'light'} palette"
    width = tab.evaluate("document.querySelector('.js-spark').getBoundingClientRect().width")
    assert width == 96  # drawn at its size, not collapsed by the table
    tab.close()


@pytest.mark.parametrize(
    "query, expected",
    [
        ("Loss adjuster home visit", "maps/first-home-claim/"),       # a touchpoint's name
        ("Four-day average wait", "maps/repair-booking/"),            # a pain point
        ("Referral link hidden in the portal", "maps/recommend-larkspur/"),
    ],
)
def test_search_finds_maps_by_touchpoint_and_pain_point(browser, server: str, query: str, expected: str) -> None:  # type: ignore[no-untyped-def]
    tab = new_tab(browser)
    tab.goto(server, wait_until="networkidle")
    tab.click(".md-search__input")
    tab.keyboard.type(query)  # Material searches on key events, not on a set value
    tab.wait_for_selector(".md-search-result__item a", timeout=10_000)
    links = tab.eval_on_selector_all(".md-search-result__item a", "els => els.map(a => a.href)")
    assert server + expected in [link.split("?")[0] for link in links], f"{query!r} found {links}"
    tab.close()


@pytest.mark.parametrize(
    "query, expected",
    [
        ("repeat the policy number", "maps/first-home-claim/"),   # a pain point; "policy" is also a stage heading elsewhere
        ("hotline wait", "maps/first-home-claim/"),
    ],
)
def test_search_ranks_the_map_holding_the_words_first(browser, server: str, query: str, expected: str) -> None:  # type: ignore[no-untyped-def]
    """A page with one searched word in a heading must not outrank the map that
    holds them all, and the snippet reads as words, not cells run together."""
    tab = new_tab(browser)
    tab.goto(server, wait_until="networkidle")
    tab.click(".md-search__input")
    tab.keyboard.type(query)
    tab.wait_for_selector(".md-search-result__item a", timeout=10_000)
    first = tab.eval_on_selector(".md-search-result__item", "el => [el.querySelector('a').href, el.innerText]")
    assert first[0].split("?")[0] == server + expected, f"{query!r} found {first[0]} first"
    assert "StageReport" not in first[1] and "the damageAssess" not in first[1]  # cells are separate words
    tab.close()


def test_print_stylesheet_makes_a_landscape_poster(browser, server: str) -> None:  # type: ignore[no-untyped-def]
    tab = new_tab(browser)
    tab.goto(server + "maps/first-home-claim/", wait_until="networkidle")
    tab.wait_for_function(JOURNEY_SVG)
    tab.emulate_media(media="print")
    hidden = tab.evaluate("['.md-header', '.md-sidebar--primary', '.md-sidebar--secondary', '.md-footer']"
                          ".map(s => getComputedStyle(document.querySelector(s)).display)")
    assert hidden == ["none"] * 4
    shown = tab.evaluate("['#ownership', '#stage-1', '.js-diagram'].map(s => getComputedStyle(document.querySelector(s)).display)")
    assert "none" not in shown
    pdf = tab.pdf(prefer_css_page_size=True, print_background=True)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "map-poster.pdf").write_bytes(pdf)
    import re
    width, height = map(float, re.search(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf).groups())
    assert (round(width), round(height)) == (1191, 842)  # A3 landscape, in points
    tab.close()


MERMAID_CHECK = """
async (sources) => {
  const out = [];
  for (const [i, [source, names]] of sources.entries()) {
    try {
      await mermaid.parse(source);
      const { svg } = await mermaid.render(`fuzz${i}`, source);
      const doc = new DOMParser().parseFromString(svg, "image/svg+xml");
      const text = doc.documentElement.textContent.replace(/\\s+/g, " ");
      out.push(names.filter(n => !text.includes(n)).map(n => `missing ${JSON.stringify(n)}`));
    } catch (e) {
      out.push([`parse error: ${e.message || e}`]);
    }
  }
  return out;
}
"""
HOSTILE = [*list("abc :;#%\"'<>&,`=\\{}[]|-"), "-->", "%%", "#58;", "click", "section", "title", "\u200b", "א", "<b>", "&amp;"]


def fuzz_sources(count: int) -> list[tuple[str, list[str]]]:
    import random

    from journeysite.core.model import Map
    from journeysite.pages.mermaid import journey

    rng = random.Random(2026)
    corpus = []
    for _ in range(count):
        names = ["".join(rng.choice(HOSTILE) for _ in range(rng.randint(1, 8))).strip() or "x" for _ in range(4)]
        m = Map.model_validate({"title": names[0], "persona": "p", "phase": "own", "owner": "o",
                                "stages": [{"name": names[1], "steps": [{"name": names[2], "emotion": 3}, {"name": names[3], "emotion": 1}]}]})
        shown = [" ".join(n.split()) for n in names[1:]]  # the title is the page's heading, not drawn
        owner = names[0]
        corpus.append((journey(m, lambda stage, step, owner=owner: owner), [n for n in shown if n and "\u200b" not in n]))
    return corpus


def test_mermaid_parses_every_generated_diagram(browser, server: str, example_site: Site) -> None:  # type: ignore[no-untyped-def]
    example = [(pre.get_text(), []) for p in sorted((example_site.root / "maps").glob("*/index.html"))
               for pre in example_site.html(p.relative_to(example_site.root).as_posix()).select("pre.mermaid")]
    assert len(example) == 9
    tab = new_tab(browser)
    tab.goto(server + "maps/first-home-claim/", wait_until="networkidle")
    tab.wait_for_function(JOURNEY_SVG)
    corpus = example + fuzz_sources(150)
    problems = tab.evaluate(MERMAID_CHECK, corpus)
    failures = [(source, p) for (source, _), p in zip(corpus, problems, strict=True) if p]
    assert failures == []
    tab.close()


def test_listings_sort_by_the_heading_a_reader_selects(browser, server: str) -> None:  # type: ignore[no-untyped-def]
    tab = new_tab(browser)
    tab.goto(server + "maps/", wait_until="networkidle")
    column = "document.querySelectorAll('article tbody tr td:nth-of-type(6)')"
    evidence = f"Array.from({column}).map(td => parseFloat(td.textContent))"
    tab.click("article thead th:nth-of-type(6) button")
    ascending = tab.evaluate(evidence)
    assert ascending == sorted(ascending) and len(set(ascending)) > 1
    assert tab.get_attribute("article thead th:nth-of-type(6)", "aria-sort") == "ascending"
    tab.click("article thead th:nth-of-type(6) button")
    assert tab.evaluate(evidence) == sorted(ascending, reverse=True)
    assert tab.get_attribute("article thead th:nth-of-type(6)", "aria-sort") == "descending"
    tab.click("article thead th:nth-of-type(5) button")  # freshness: by urgency, overdue first
    first = tab.evaluate("document.querySelector('article tbody tr td:nth-of-type(5)').textContent")
    assert "overdue" in first.lower()
    tab.close()
