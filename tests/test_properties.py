"""Property-based tests: arbitrary input never raises and never injects markup."""

from __future__ import annotations

import datetime as dt
import re

import markdown
import yaml
from conftest import TODAY
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pymdownx import superfences

from journeysite.core.catalog import Catalog
from journeysite.core.diagnostics import Diagnostic
from journeysite.core.frontmatter import parse_markdown, parse_yaml
from journeysite.core.indexes import Insights
from journeysite.core.model import Entry, Map
from journeysite.core.validate import check_map, future_dates, to_model
from journeysite.pages.markdown import RawBlocks, set_aside
from journeysite.pages.views import map_page

MAP_FIELDS = list(Map.model_fields)
scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30) | st.dates()
yaml_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from([*MAP_FIELDS, "name", "steps", "emotion"]) | st.text(max_size=8), inner, max_size=5),
    max_leaves=25,
)
front_matter = st.dictionaries(st.sampled_from(MAP_FIELDS) | st.text(max_size=10), yaml_values, max_size=12)


def load(raw: bytes) -> tuple[Map | None, list[Diagnostic]]:
    doc = parse_markdown(raw, "maps/x.md")
    if doc.diagnostics:
        return None, doc.diagnostics
    m, problems = to_model(Map, doc.data, doc.marks, "maps/x.md")
    if m is not None:
        problems += check_map(m, doc.marks, "maps/x.md") + future_dates(m, doc.marks, "maps/x.md", TODAY)
    return m, doc.diagnostics + problems


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(front_matter)
def test_any_yaml_front_matter_gives_a_model_or_diagnostics(data: dict) -> None:
    raw = ("---\n" + yaml.safe_dump(data, allow_unicode=True) + "---\nBody\n").encode()
    m, diagnostics = load(raw)
    assert (m is not None) or diagnostics
    for d in diagnostics:
        assert d.line >= 1 and d.col >= 1 and re.fullmatch(r"JS\d{3}", d.code)


@settings(max_examples=300)
@given(st.text(max_size=300))
def test_any_text_as_front_matter_gives_a_model_or_diagnostics(text: str) -> None:
    m, diagnostics = load(("---\n" + text + "\n---\n").encode("utf-8", "surrogatepass"))
    assert (m is not None) or diagnostics


@settings(max_examples=200)
@given(st.binary(max_size=200))
def test_any_bytes_give_a_model_or_diagnostics(raw: bytes) -> None:
    m, diagnostics = load(raw)
    assert (m is not None) or diagnostics


@settings(max_examples=300)
@given(yaml_values, st.sampled_from([None, True, False]))
def test_our_yaml_builder_reads_what_pyyaml_reads(value: object, flow: bool | None) -> None:
    """We build values from libyaml's nodes ourselves (for speed and
    positions): the data must be PyYAML's, in block and flow style."""
    text = yaml.safe_dump(value, allow_unicode=True, default_flow_style=flow)
    doc = parse_yaml(text, "x.yml")
    assert not doc.diagnostics
    assert doc.data == yaml.safe_load(text)



@settings(max_examples=300)
@given(yaml_values, st.sampled_from([None, True, False]))
def test_every_key_and_value_is_found_where_yaml_wrote_it(value: object, flow: bool | None) -> None:
    """Diagnostics point at the line and column PyYAML's composer gives each
    key and value."""
    text = yaml.safe_dump({"top": value}, allow_unicode=True, default_flow_style=flow)
    marks = parse_yaml(text, "x.yml").marks
    checked = 0

    def at(node: yaml.Node) -> tuple[int, int]:
        return node.start_mark.line + 1, node.start_mark.column + 1

    def walk(node: yaml.Node, path: tuple[str | int, ...]) -> None:
        nonlocal checked
        items = [(k, v) for k, v in node.value] if isinstance(node, yaml.MappingNode) else list(enumerate(node.value)) if isinstance(node, yaml.SequenceNode) else []
        for key, item in items:
            here = (*path, key.value if isinstance(key, yaml.Node) else key)
            for found in (marks,):
                assert found.value(here) == at(item)
                assert found.key(here) == (at(key) if isinstance(key, yaml.Node) else at(item))
                assert found.value((*here, -1)) == at(item)  # no such item: its nearest ancestor
            checked += 1
            walk(item, here)

    walk(yaml.compose(text, Loader=yaml.SafeLoader), ())
    assert checked >= 1

#: Plain scalars as people type them, which YAML reads as other types or not.
HAND_WRITTEN = ["yes", "No", "ON", "off", "y", "n", "true", "False", "~", "null", "Null", "NULL", "0", "-12", "+7",
                "0x1F", "0o17", "017", "0b101", "1_000", "1:20", "190:20:30", "3.5", "-.5", "1e3", "6.8523015e+5",
                ".inf", "-.Inf", ".NaN", "2026-01-05", "2001-12-14t21:59:43.10-05:00", "2001-12-14 21:59:43.10",
                "Onboarding", "nothing", "offline", "0.0.1", "12abc", "-1-2", ".", "Yes please", "~x"]


@settings(max_examples=200)
@given(st.lists(st.sampled_from(HAND_WRITTEN) | st.from_regex(r"[A-Za-z0-9~.+]([A-Za-z0-9.+_:-]{0,9}[A-Za-z0-9.+_-])?", fullmatch=True),
                min_size=1, max_size=12))
def test_plain_scalars_get_the_types_pyyaml_gives_them(words: list[str]) -> None:
    """We find the type of a plain scalar ourselves (libyaml asks for
    every node): it must be the one PyYAML finds."""
    text = "".join(f"- {w}\n" for w in words)
    try:
        expected = yaml.safe_load(text)
    except ValueError:  # a date that does not exist: not this test's business
        return
    doc = parse_yaml(text, "x.yml")
    assert not doc.diagnostics
    assert repr(doc.data) == repr(expected)  # NaN is not equal to itself


def test_a_key_is_the_text_written() -> None:
    """Unlike PyYAML, which reads `1:` and `yes:` as 1 and True: ids and
    field names are text, and a touchpoint may be called `404`."""
    assert parse_yaml("1: a\nyes: b\n0x1F: d\n", "x.yml").data == {"1": "a", "yes": "b", "0x1F": "d"}


# Letters x and q start every tag a user string could smuggle in: our own HTML uses neither.
user_text = st.text(alphabet=st.sampled_from(list("xq <>/&\"'=*_[]()`|#{}:;!-\\\n")), min_size=1, max_size=40).filter(str.strip)
EXTENSIONS = ["admonition", "def_list", "attr_list", "md_in_html", "tables", "toc", "pymdownx.superfences"]
#: As the site is configured: without the Mermaid fence, Pygments would look
#: for a `mermaid` lexer among its plugins, importing whatever registers one.
CONVERTER = markdown.Markdown(extensions=EXTENSIONS, extension_configs={"pymdownx.superfences": {
    "custom_fences": [{"name": "mermaid", "class": "mermaid", "format": superfences.fence_code_format}]}})


@settings(max_examples=150, deadline=None)
@given(title=user_text, stage=user_text, step=user_text, thoughts=user_text, pain=user_text, source=user_text)
def test_user_text_never_becomes_markup(title: str, stage: str, step: str, thoughts: str, pain: str, source: str) -> None:
    m = Map.model_validate({
        "title": title, "persona": "p", "phase": "own", "owner": "t", "sponsor": title, "gaps": [pain],
        "sources": [{"id": "s", "type": "crm", "title": source}],
        "stages": [{"name": stage, "goal": thoughts, "steps": [
            {"name": step, "emotion": 3, "thoughts": thoughts, "actions": pain, "pain_points": [pain], "evidence": ["s"]}]}],
        "actions": [{"title": title, "step": f"{stage} / {step}", "owner": "t", "effort": "low", "impact": "high", "status": "idea", "metric": thoughts}],
        "wins": [{"date": dt.date(2026, 1, 1), "title": title, "result": pain}],
    })
    catalog = Catalog({"x": Entry("x", "maps/x.md", title, m)}, {}, {}, {}, (), TODAY)
    html = CONVERTER.reset().convert(map_page(Insights(catalog), catalog.maps["x"]))
    assert not re.search(r"<\s*/?\s*[xq]", html, re.I), html
    assert "javascript:" not in html.lower()


#: Lines a page is made of: our raw blocks, fences of code blocks (closed or
#: not), and other Markdown.
page_lines = st.lists(st.sampled_from([
    "<table data-js-raw>\n<tr><td>a</td></tr>\n</table>", "<div data-js-raw class=\"c\">\n<p>b</p>\n</div>", "<table data-js-raw>",
    "</table>", "<ul data-js-raw>\n<li>\tc</li>\n  \n</ul>", "<p data-js-raw>\nd\x02wzxhzdk:0\x03\n</p>", "```", "```html", "~~~~",
    "````", "  ```", "> ```", "\t~~~", "x ```", "` ```", "<p>e</p> <table data-js-raw>", "text *x*", "", "    code", "## Heading", "- item", "<div data-js-raw-ref=\"0:4\"></div>",
]), max_size=14)


@settings(max_examples=500, deadline=None)
@given(lines=page_lines)
def test_a_page_with_its_blocks_set_aside_converts_to_the_same_html(lines: list[str]) -> None:
    """What MkDocs gets from the plugin (the page with references, the blocks
    beside it) converts to the HTML of the page as written, whatever code
    blocks around or inside the blocks."""
    page = "\n".join(lines) + "\n"
    kept, blocks = set_aside(page)

    def convert(text: str, extension: RawBlocks) -> str:
        return markdown.Markdown(extensions=[*EXTENSIONS, extension]).convert(text)

    assert convert(kept, RawBlocks(lambda: blocks)) == convert(page, RawBlocks())
