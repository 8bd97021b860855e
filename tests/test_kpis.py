"""KPIs end to end: `metrics.yml`, `kpis` on maps, stages and steps,
measurements from CSV files in `metrics/`, their checks, pages, export and diff."""

from __future__ import annotations

import json

import pytest
from conftest import REPO, KnowledgeBase, Site
from test_validation import at

from journeysite.core.changes import diff, redesign
from journeysite.core.schema import json_schema

STORM = "maps/storm-damage-claim.md"
STORM_PAGE = "maps/storm-damage-claim/"
SURVEY = "metrics/claims-survey.csv"


def test_the_example_measures_on_a_map_a_stage_and_a_step_and_from_csv(kb: KnowledgeBase) -> None:
    assert kb.errors() == []
    catalog = kb.catalog()
    assert set(catalog.metrics) == {"claims-csat", "storm-call-wait", "days-to-settle", "rekeying-minutes", "repair-first-visit"}
    tracks = {(t.metric, t.place): t for t in catalog.kpis("storm-damage-claim")}
    assert list(tracks) == [("claims-csat", ""), ("days-to-settle", ""),
                            ("storm-call-wait", "Report the storm damage / Call on the morning after the storm"),
                            ("rekeying-minutes", "Settle / Receive the settlement")]
    csat = tracks["claims-csat", ""]  # declared in the map with its target, measured in the CSV file
    assert csat.target == 85 and [(p.date.isoformat(), p.value, p.source) for p in csat.points] == [
        ("2026-03-31", 74, f"{SURVEY}:2"), ("2026-06-30", 76, f"{SURVEY}:3"), ("2026-09-30", 79, f"{SURVEY}:4")]
    assert csat.change == 3 and csat.improving("higher") and csat.on_target("higher") is False
    wait = tracks["storm-call-wait", "Report the storm damage / Call on the morning after the storm"]
    assert wait.stale(catalog.today, catalog.review_days(catalog.maps["storm-damage-claim"].data))  # type: ignore[arg-type]
    assert wait.change == -12 and wait.improving("lower")  # against the baseline: lower is better
    stage = [t for t in catalog.kpis("first-home-claim") if t.stage == "Repair the home"]
    assert [(t.metric, t.step, t.points) for t in stage] == [("repair-first-visit", None, ())]
    assert [(t.metric, [p.value for p in t.points]) for t in catalog.kpis(None)] == [("claims-csat", [80, 81])]


@pytest.mark.parametrize(("rel", "old", "new", "needle", "expected"), [
    (STORM, "  - metric: claims-csat\n    target: 85", "  - metric: claims-csta\n    target: 85", "claims-csta",
     "JS217 kpis[0].metric: unknown metric 'claims-csta' (no 'claims-csta' in metrics.yml) (did you mean 'claims-csat'?)"),
    (STORM, "    target: 85\n", "    target: 85%\n", "85%",
     "JS112 kpis[0].target: expected a number like 85 or 71.5, without its unit; got '85%'"),
    (STORM, "    target: 85\n", "    traget: 85\n", "traget",
     "JS110 kpis[0].traget: unknown key 'traget' (did you mean 'target'?)"),
    (STORM, "      - {date: 2026-10-31, value: 33}", "      - {date: 2026-12-31, value: 33}", "2026-12-31",
     "JS115 kpis[1].values[1].date: date 2026-12-31 is in the future (today is 2026-11-23)"),
    (STORM, "      - {date: 2026-10-31, value: 33}", "      - {date: 2026-04-30, value: 33}", "2026-04-30, value: 33",
     "JS218 kpis[1].values[1].date: two values of KPI 'days-to-settle' on 2026-04-30: keep one"),
    (STORM, "  - metric: days-to-settle\n", "  - metric: claims-csat\n", "claims-csat\n    target: 10",
     "JS218 kpis[1].metric: KPI 'claims-csat' is measured here twice: merge the two into one entry"),
    ("metrics.yml", "  better: lower\n  owner: contact-centre", "  better: down\n  owner: contact-centre", "down",
     "JS113 storm-call-wait.better: 'down' is not one of: higher, lower"),
    ("metrics.yml", "  owner: contact-centre", "  owner: contact-center", "contact-center",
     "JS202 storm-call-wait.owner: unknown team 'contact-center' (no teams/contact-center.md) (did you mean 'contact-centre'?)"),
])
def test_kpis_and_metrics_are_checked_at_their_place(kb: KnowledgeBase, rel: str, old: str, new: str, needle: str, expected: str) -> None:
    kb.edit(rel, old, new)
    assert f"{at(kb, rel, needle)}: {expected}" in kb.errors()


def csv_errors(kb: KnowledgeBase, rows: str, header: str = "metric,date,value,map,stage,step") -> list[str]:
    kb.write("metrics/new.csv", f"{header}\n{rows}")
    return [e for e in kb.errors() if e.startswith("metrics/new.csv")]


@pytest.mark.parametrize(("row", "expected"), [
    ("claims-csat,2026-13-01,80,,,", "metrics/new.csv:2:13: JS114 date: expected a date like 2026-09-14, got '2026-13-01'"),
    ("claims-csat,30/09/2026,80,,,", "metrics/new.csv:2:13: JS114 date: expected a date like 2026-09-14, got '30/09/2026'"),
    ("claims-csat,2026-09-30,80%,,,", "metrics/new.csv:2:24: JS112 value: expected a number like 85 or 71.5, without its unit; got '80%'"),
    ("claims-cast,2026-09-30,80,,,", "metrics/new.csv:2:1: JS217 metric: unknown metric 'claims-cast' (no 'claims-cast' in metrics.yml) "
                                    "(did you mean 'claims-csat'?)"),
    ("claims-csat,2026-11-30,80,,,", "metrics/new.csv:2:13: JS115 date: date 2026-11-30 is in the future (today is 2026-11-23)"),
    ("claims-csat,2026-09-30,80,storm-damage-clam,,", "metrics/new.csv:2:27: JS205 map: unknown map 'storm-damage-clam' "
                                                     "(no maps/storm-damage-clam.md) (did you mean 'storm-damage-claim'?)"),
    ("claims-csat,2026-09-30,80,storm-damage-claim,Setle,", "metrics/new.csv:2:46: JS207 stage: map 'storm-damage-claim' has no stage "
                                                           "'Setle' (did you mean 'Settle'?)"),
    ("claims-csat,2026-09-30,80,storm-damage-claim,Settle,Receive settlement",
     "metrics/new.csv:2:53: JS207 step: stage 'Settle' of map 'storm-damage-claim' has no step 'Receive settlement' "
     "(did you mean 'Receive the settlement'?)"),
    ("claims-csat,2026-09-30,80,,Settle,", "metrics/new.csv:2:28: JS119 stage: a stage needs its map in the same row"),
    ("claims-csat,2026-09-30,80,storm-damage-claim,,", "metrics/new.csv:2:24: JS218 (warning) value: claims-csat on 2026-09-30 is 80 here "
                                                      f"but 79 in {SURVEY}:4: the first value counts; keep one"),
    ('claims-csat,2026-09-30,"80,,,', "metrics/new.csv:2:1: JS125 a quoted cell that starts at column 24 does not end on its line"),
])
def test_every_bad_row_of_a_measurement_file_is_reported_at_its_cell(kb: KnowledgeBase, row: str, expected: str) -> None:
    assert csv_errors(kb, row + "\n") == [expected]


def test_a_measurement_file_needs_its_columns(kb: KnowledgeBase) -> None:
    assert csv_errors(kb, "claims-csat,2026-09-30,80\n", header="metric,dat,value") == [
        "metrics/new.csv:1:1: JS125 no column 'date' (did you mean 'dat'?): the first line names the columns, metric, date, value and, "
        "to say where a value belongs, map, stage, step"]


def test_spreadsheet_exports_are_read_as_written(kb: KnowledgeBase) -> None:
    """A BOM, semicolons with decimal commas, quoted cells, extra columns and
    columns in another order, as survey tools and spreadsheets write them."""
    kb.write("metrics/new.csv", "\ufeffRespondents;Value;Date;Metric;Map;Stage;Step\r\n"
             '120;"82,5";2026-10-31;claims-csat;storm-damage-claim;"Settle";\r\n\r\n')
    assert kb.errors() == []
    csat = kb.catalog().kpis("storm-damage-claim")
    assert [(t.place, [p.value for p in t.points]) for t in csat if t.metric == "claims-csat"] == [
        ("", [74, 76, 79]), ("Settle", [82.5])]  # a place the map declares no KPI for starts a track of its own


def test_the_map_page_shows_each_kpi_against_its_target(example_site: Site) -> None:
    article = example_site.article(STORM_PAGE)
    table = article.find("h2", id="measures").find_next("table")
    rows = [[td.get_text(" ", strip=True) for td in tr.select("td")] for tr in table.select("tbody tr")]
    assert rows[0] == ["Claims satisfaction x-dashboard: Claims survey board", "whole map", "79 % 2026-09-30", "85 % 6 % to go baseline 71 % on 2026-01-31",
                       "▲ +3 % since 2026-06-30"]
    assert rows[2][:3] == ["Hotline wait on the morning after a storm", "Report the storm damage / Call on the morning after the storm",
                           "40 min 2026-03-02 ⚠ stale"]
    assert rows[2][4] == "▼ -12 min since 2024-01-22"
    assert table.select_one(".js-trend--better") is not None and table.select(".js-spark polyline")
    link = table.find("a", string="Claims satisfaction")
    assert link["href"] == "../../insights/metrics/#claims-csat"
    assert table.find("a", string="Settle / Receive the settlement")["href"] == "./#stage-3"
    settle = article.select_one("#stage-3").find_next("table")
    lanes = {tr.td.get_text(): [td.get_text(" ", strip=True) for td in tr.select("td")[1:]] for tr in settle.select("tbody tr")}
    assert lanes["Measures"] == ["Re-keying per storm claim : 31 min (target 5 min) ▼"]
    repair = example_site.article("maps/first-home-claim/").find("h3", id="stage-3").find_next("p").get_text(" ", strip=True)
    assert repair.endswith("KPI: Repairs done on the first visit : not measured yet (target 90 %)")


def test_the_metrics_page_lists_every_metric_and_where_it_is_measured(example_site: Site) -> None:
    page = example_site.article("insights/metrics/")
    assert [h.get("id") for h in page.select("h2")] == [
        "claims-csat", "days-to-settle", "storm-call-wait", "rekeying-minutes", "repair-first-visit"]
    assert "4 of 5 metrics measured · 1 stale · 0 on target" in page.get_text(" ", strip=True)
    csat = page.find("h2", id="claims-csat").find_next("table")
    where = [tr.td.get_text(" ", strip=True) for tr in csat.select("tbody tr")]
    assert where == ["Settle a storm-damage claim (service blueprint)", "Settle a storm-damage claim in days, not weeks (future state)",
                     "organisation-wide"]
    wait = page.find("h2", id="storm-call-wait").find_next("table")
    assert "⚠ stale" in wait.get_text() and wait.find("a", string="Report the storm damage / Call on the morning after the storm")[
        "href"] == "../../maps/storm-damage-claim/#stage-1"
    repair = page.find("h2", id="repair-first-visit").find_next("table")
    assert [td.get_text(" ", strip=True) for td in repair.select("tbody td")] == [
        "Make a first home-insurance claim \u203a Repair the home", "not measured yet", "90 %", ""]
    assert "Lower is better · unit: min · owner: Contact centre" in page.get_text(" ", strip=True)


def test_maps_json_carries_metrics_and_each_maps_kpis(example_site: Site) -> None:
    data = json.loads((example_site.root / "maps.json").read_text())
    assert data["metrics"]["claims-csat"]["better"] == "higher"
    (csat, *_) = data["maps"]["storm-damage-claim"]["derived"]["kpis"]
    assert csat["metric"] == "claims-csat" and csat["target"] == 85 and csat["on_target"] is False and csat["change"] == 3
    assert csat["values"][-1] == {"date": "2026-09-30", "value": 79, "source": "metrics/claims-survey.csv:4"}
    assert [k["stale"] for k in data["maps"]["storm-damage-claim"]["derived"]["kpis"]] == [False, False, True, False]
    assert data["kpis"][0]["values"][-1]["value"] == 81


def test_diff_names_kpi_changes(kb: KnowledgeBase) -> None:
    before = kb.catalog()
    kb.write(SURVEY, (kb.root / SURVEY).read_text() + "claims-csat,2026-10-31,77,storm-damage-claim,,\n")
    kb.edit(STORM, "    target: 10\n", "    target: 7\n")
    kb.edit(STORM, "        kpis:\n          - metric: rekeying-minutes\n            target: 5\n", "")
    kb.edit("metrics.yml", "repair-first-visit:", "nps:\n  name: NPS\n  unit: score\n  better: higher\nrepair-first-visit:")
    result = diff(before, kb.catalog())
    (change,) = result.maps
    lines = {(line.kind, line.subject, line.before, line.after, line.trend) for line in change.sections["KPIs"]}
    assert lines == {
        ("changed", "Claims satisfaction", "79 % on 2026-09-30", "77 % on 2026-10-31", "↓"),
        ("changed", "target of Days from report to settlement", "10 days", "7 days", ""),
        # The CSV rows still measure it there: the declaration (and its target) went, not the measurements.
        ("changed", "target of Re-keying per storm claim (Settle / Receive the settlement)", "5 min", "none", ""),
    }
    assert [(x.kind, x.subject, x.after) for x in result.registry] == [("added", "metric", "NPS (nps)")]


def test_a_future_map_sets_its_targets_against_todays_values(kb: KnowledgeBase, example_site: Site) -> None:
    catalog = kb.catalog()
    change = redesign(catalog, catalog.maps["storm-damage-claim"], catalog.maps["storm-damage-claim-future"])
    assert [(x.subject, x.before, x.after, x.trend) for x in change.sections["KPIs"]] == [
        ("Claims satisfaction", "79 % today", "target 90 %", "↑"), ("Days from report to settlement", "33 days today", "target 5 days", "↑")]
    heading = example_site.article("maps/storm-damage-claim-future/").find("h2", id="what-changes")
    kpis = heading.find_next(lambda tag: tag.name == "p" and tag.get_text(strip=True) == "KPIs")
    assert kpis is not None
    assert "Claims satisfaction: 79 % today → target 90 % ↑" in [li.get_text(" ", strip=True) for li in kpis.find_next("ul").select("li")]


def test_the_schema_describes_metrics_and_kpis() -> None:
    import jsonschema
    import yaml

    metrics = yaml.safe_load((REPO / "content/metrics.yml").read_text(encoding="utf-8"))
    jsonschema.validate(metrics, json_schema("metrics"))
    front = yaml.safe_load((REPO / "content" / STORM).read_text(encoding="utf-8").split("---\n")[1])
    jsonschema.validate(json.loads(json.dumps(front, default=str)), json_schema("map"))
    front["kpis"][0]["target"] = "85 %"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(json.loads(json.dumps(front, default=str)), json_schema("map"))
    metrics["claims-csat"]["better"] = "up"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(metrics, json_schema("metrics"))


def test_a_site_without_metrics_has_no_metrics_page(kb: KnowledgeBase) -> None:
    from journeysite.core.indexes import Insights
    from journeysite.pages.views import Paths, generated_jobs

    assert Paths.metrics in {j.path for j in generated_jobs(Insights(kb.catalog()))}
    (kb.root / "metrics.yml").unlink()
    catalog = kb.catalog()
    assert Paths.metrics not in {j.path for j in generated_jobs(Insights(catalog))}
    assert any("JS217" in e for e in kb.errors())  # the maps still name their metrics
