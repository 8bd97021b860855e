"""Service blueprints and the other additions of the format: actors,
unmeasured and per-actor emotions, lanes, systems, moments that matter,
quotes, durations, branches and extension fields, end to end."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import REPO, KnowledgeBase, Site, SiteProject, canvas_rows
from test_validation import at

from journeysite.core.changes import diff
from journeysite.core.indexes import Insights
from journeysite.core.schema import json_schema

STORM = "maps/storm-damage-claim.md"
STORM_PAGE = "maps/storm-damage-claim/"


def test_the_blueprint_example_is_valid_and_every_addition_is_used(kb: KnowledgeBase) -> None:
    assert kb.errors() == []
    catalog = kb.catalog()
    m = catalog.maps["storm-damage-claim"].data
    assert m is not None and m.actors == ("claims-handler", "loss-adjuster")
    steps = [step for stage in m.stages for step in stage.steps]
    assert {type(s.emotion).__name__ for s in steps} == {"int", "dict", "NoneType"}
    assert all(any(getattr(s, f) for s in steps) for f in (
        "frontstage", "backstage", "support", "moment_that_matters", "bright_spots", "quotes", "duration", "optional", "branches"))
    assert m.extensions == {"x-programme": "Storm readiness 2027"}
    assert catalog.personas["claims-handler"].data.kind == "employee"  # type: ignore[union-attr]
    assert set(catalog.systems) == {"claims-system", "telephony", "photo-store", "adjuster-portal"}


@pytest.mark.parametrize(("old", "new", "needle", "expected"), [
    ("support: [telephony, claims-system]", "support: [telephony, claim-system]", "claim-system]",
     "JS214 stages[0].steps[0].support[1]: unknown system 'claim-system' (no 'claim-system' in systems.yml) (did you mean 'claims-system'?)"),
    ("actors: [claims-handler, loss-adjuster]", "actors: [claims-handler, loss-adjustor]", "loss-adjustor",
     "JS201 actors[1]: unknown persona 'loss-adjustor' (no personas/loss-adjustor.md) (did you mean 'loss-adjuster'?)"),
    ("emotion: {first-time-homeowner: 1, claims-handler: 2}", "emotion: {first-time-homeowner: 1, claims-handlr: 2}", "claims-handlr",
     "JS215 stages[0].steps[0].emotion: 'claims-handlr' is not an actor of this map: add it to actors, or score one of "
     "first-time-homeowner, claims-handler, loss-adjuster (did you mean 'claims-handler'?)"),
    ("emotion: 3\n        touchpoints: [photo-upload]", "emotion: happy\n        touchpoints: [photo-upload]", "happy",
     "JS113 stages[0].steps[1].emotion: expected a score from 1 (very negative) to 5 (very positive), or one per actor "
     "like {customer: 2, loan-officer: 4}; got 'happy'"),
    ("duration: 6 days", "duration: 6d", "6d",
     "JS113 stages[1].steps[0].duration: '6d' is not a duration: write a number and a unit (minutes, hours, days, weeks or months), like '3 days'"),
    ("to: Settle / Receive the settlement", "to: Settle / Receive settlement", "Settle / Receive settlement",
     "JS207 stages[1].steps[0].branches[0].to: no step 'Settle / Receive settlement' in this map; write it as 'Stage / Step', "
     "or 'exit' (did you mean 'Settle / Receive the settlement'?)"),
    ("source: storm-interviews\n            x-consent", "source: storm-interview\n            x-consent", "storm-interview\n",
     "JS204 stages[0].steps[0].quotes[0].source: unknown source 'storm-interview': sources of this map are "
     "'storm-interviews', 'storm-claims-data', 'claims-nps-2026', 'storm-review-2024' (did you mean 'storm-interviews'?)"),
    ("optional: true", "optional: maybe", "maybe", None),
    ("x-journey-id: CX-STORM-04", "journey-id: CX-STORM-04", "journey-id", None),
])
def test_each_addition_is_checked_at_its_place(kb: KnowledgeBase, old: str, new: str, needle: str, expected: str | None) -> None:
    kb.edit(STORM, old, new)
    errors = kb.errors()
    (error,) = [e for e in errors if e.startswith(f"{at(kb, STORM, needle)}: ")] or errors
    if expected is not None:
        assert error.endswith(expected), error
    assert "JS11" in error or "JS2" in error


def test_systems_file_is_checked_like_touchpoints(kb: KnowledgeBase) -> None:
    kb.edit("systems.yml", "  owner: digital", "  owner: digitl")
    (error,) = kb.errors()
    assert error.startswith(f"{at(kb, 'systems.yml', 'digitl')}: JS202 photo-store.owner: unknown team 'digitl'")


def test_staff_never_count_in_customer_figures(kb: KnowledgeBase) -> None:
    insights = Insights(kb.catalog())
    # The hotline: the storm map's first step scores 1 for the customer and 2 for the handler.
    hotline = insights.touchpoint_usage["claims-hotline"]
    storm = [u for u in hotline.uses if u.map_id == "storm-damage-claim"]
    assert len(storm) == 1 and 2 not in hotline.scores[-1:]  # the handler's 2 is not a customer's score
    customers = [s for u in hotline.uses for s in ([u.step.emotion] if isinstance(u.step.emotion, int) else [u.step.emotion["first-time-homeowner"]])]
    assert hotline.mean_emotion == sum(customers) / len(customers)
    assert "claims-handler" not in insights.coverage.matrix and "loss-adjuster" not in insights.coverage.matrix
    assert insights.takes_part["claims-handler"] == ["storm-damage-claim-future", "storm-damage-claim"]


def test_the_blueprint_page(example_site: Site) -> None:
    article = example_site.article(STORM_PAGE)
    lanes = canvas_rows(article)
    assert lanes["Score"][0].startswith("First-time homeowner: 1 · very negative Claims handler: 2 · negative")
    assert "Moment that matters" in lanes["Score"][0]
    assert lanes["Frontstage"][0] == "The handler takes the details and books an emergency repair"
    assert lanes["Support"][0] == "Contact-centre telephony and call recording Claims administration system"
    assert lanes["Score"][2] == "not measured"
    # The line of visibility sits above the backstage row.
    assert "js-visibility" in article.select_one(".js-canvas").find("th", string="Backstage").parent["class"]
    first = article.select_one("#stage-1").find_next("table")
    rows = {tr.td.get_text(): [td.get_text(" ", strip=True) for td in tr.select("td")[1:]] for tr in first.select("tbody tr")}
    assert rows["Path"] == ["40 minutes", "optional"]
    assert rows["Quotes"][0].startswith("I was holding a bucket under the ceiling")
    assert rows["Bright spots"][1] == "Uploading from the SMS link takes under two minutes"
    second = article.select_one("#stage-2").find_next("table")
    rows = {tr.td.get_text(): [td.get_text(" ", strip=True) for td in tr.select("td")[1:]] for tr in second.select("tbody tr")}
    branch = second.find("a", string="Settle / Receive the settlement")
    assert branch["href"] == "./#stage-3"
    assert rows["More"][1] == "x-journey-id: CX-STORM-04"
    assert "Mean emotion: 4.0" in article.find("h3", id="stage-2").find_next("p").get_text()  # the unmeasured step is left out
    extensions = article.select_one("table.js-extensions")
    assert [td.get_text() for td in extensions.select("th, td")] == ["x-programme", "Storm readiness 2027"]
    # The diagram leaves the unmeasured step out and scores the persona's emotion.
    (diagram,) = article.select("pre.mermaid")
    assert "Wait for the adjuster" not in diagram.get_text()
    assert "      Call on the morning after the storm: 1: Contact centre\n" in diagram.get_text()
    system = example_site.article("systems/adjuster-portal/")
    assert [tr.td.get_text() for tr in system.select("tbody tr")] == ["Settle a storm-damage claim (service blueprint)"] * 3
    assert "Loss-adjuster portal" in example_site.article("systems/").get_text()
    handler = example_site.article("personas/claims-handler/")
    assert handler.select_one(".js-badge").get_text() == "Employee"
    assert [a.get_text() for a in handler.find("h2", id="takes-part-in").find_next("ul").select("a")] == [
        "Settle a storm-damage claim in days, not weeks (future state)", "Settle a storm-damage claim (service blueprint)"]
    personas = example_site.article("personas/")
    assert [h.get_text(strip=True).rstrip("¶") for h in personas.select("h2")] == ["Customers", "Employees and partners"]
    data = json.loads((example_site.root / "maps.json").read_text())
    storm = data["maps"]["storm-damage-claim"]
    assert storm["x-programme"] == "Storm readiness 2027"
    assert storm["stages"][1]["steps"][1]["x-journey-id"] == "CX-STORM-04"
    assert storm["derived"]["stage_emotion"]["Assess the loss"] == 4.0
    assert data["systems"]["telephony"]["owner"] == "contact-centre"


def test_the_schema_accepts_the_additions_and_extension_fields() -> None:
    import jsonschema
    import yaml

    text = (REPO / "content" / STORM).read_text(encoding="utf-8")
    front = yaml.safe_load(text.split("---\n")[1])
    jsonschema.validate(json.loads(json.dumps(front, default=str)), json_schema("map"))
    systems = yaml.safe_load((REPO / "content/systems.yml").read_text(encoding="utf-8"))
    jsonschema.validate(systems, json_schema("systems"))
    front["stages"][0]["steps"][0]["surprise"] = 1
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(json.loads(json.dumps(front, default=str)), json_schema("map"))


def test_diff_names_the_blueprint_changes(kb: KnowledgeBase) -> None:
    before = kb.catalog()
    kb.edit(STORM, "support: [telephony, claims-system]", "support: [telephony]")
    kb.edit(STORM, "emotion: {first-time-homeowner: 4, loss-adjuster: 3}", "emotion: {first-time-homeowner: 5, loss-adjuster: 3}")
    kb.edit(STORM, "        moment_that_matters: true\n        pain_points: [Forty", "        pain_points: [Forty")
    kb.edit(STORM, "backstage: The adjuster writes", "backstage: The adjuster dictates")
    (change,) = diff(before, kb.catalog()).maps
    lines = {(section, line.kind, line.subject, line.before, line.after) for section, items in change.ordered for line in items}
    assert ("Blueprint", "removed", "system supporting Report the storm damage / Call on the morning after the storm", "claims-system", "") in lines
    assert ("Emotions", "changed", "Assess the loss / Meet the adjuster at home", "first-time-homeowner 4, loss-adjuster 3",
            "first-time-homeowner 5, loss-adjuster 3") in lines
    assert ("Other", "removed", "moment that matters", "Report the storm damage / Call on the morning after the storm", "") in lines
    assert ("Blueprint", "changed", "backstage of Assess the loss / Meet the adjuster at home", "The adjuster writes the report in the portal "
            "after the visit", "The adjuster dictates the report in the portal after the visit") in lines
    (edited,) = [x for x in change.sections["Blueprint"] if x.subject.startswith("backstage of")]
    assert edited.words == ((" ", "The adjuster "), ("-", "writes"), ("+", "dictates"), (" ", " the report in the …"))


def test_new_map_skeleton_offers_the_lanes(tmp_path: object) -> None:
    out = subprocess.run([sys.executable, "-m", "journeysite.cli", "schema", "systems"], capture_output=True, text=True)
    assert out.returncode == 0 and json.loads(out.stdout)["title"] == "systems.yml"


def test_actions_aim_at_stages_and_lists_have_outside_owners_and_can_be_late(example_site: Site) -> None:
    plan = example_site.article(STORM_PAGE).find("h2", id="action-plan").find_next("table")
    rows = {tr.td.get_text(" ", strip=True).split(" Hypothesis:")[0]: tr for tr in plan.select("tbody tr")}
    named = rows["Name the adjusting firm in the first claim update"]
    assert [(a.get_text(), a["href"]) for a in named.select("td:nth-of-type(2) a")] == [
        ("Report the storm damage", "./#stage-1"), ("Assess the loss / Wait for the adjuster's visit", "./#stage-2")]
    assert "Hypothesis: Customers who know who will call stop calling the hotline to ask" in named.td.get_text(" ", strip=True)
    assert named.select_one(".js-late").get_text() == "⚠ late"  # due 2026-10-31, still planned on 2026-11-23
    outside = rows["Publish a storm-response standard for adjusting firms"]
    assert outside.select("td")[2].get_text(" ", strip=True) == "Association of Loss Adjusters (external)"
    assert not outside.select(".js-late")
    badge = example_site.article(STORM_PAGE).select_one(".js-badge--validated").get_text()
    assert badge == "Last validated 2026-10-12 · interviews, workshop · 9 customers · 6 staff"
    board = example_site.article("insights/actions/").get_text(" ", strip=True)
    assert "Association of Loss Adjusters (external)" in board
    updates = example_site.article("touchpoints/claim-updates/").get_text(" ", strip=True)
    assert "Channel: sms, email" in updates


@pytest.mark.parametrize(("old", "new", "needle", "expected"), [
    ("step: Assess the loss\n", "step: Asess the loss\n", "Asess the loss",
     "JS207 actions[2].step: no stage or step 'Asess the loss' in this map; write a stage's name, or 'Stage / Step' (did you mean 'Assess the loss'?)"),
    ("step: [Report the storm damage, Assess", "step: [Report the storm damages, Assess", "Report the storm damages",
     "JS207 actions[1].step[0]: no stage or step 'Report the storm damages' in this map; write a stage's name, or 'Stage / Step' "
     "(did you mean 'Report the storm damage'?)"),
    ("owner: {external: Association of Loss Adjusters}", "owner: {externl: Association of Loss Adjusters}", "externl",
     "JS110 actions[2].owner.externl: unknown key 'externl' (did you mean 'external'?)"),
    ("method: [interviews, workshop]", "method: [interviews, focus-group]", "focus-group",
     "JS113 validation.method[1]: 'focus-group' is not one of: interviews, survey, usability-test, analytics, workshop, other"),
])
def test_action_and_validation_forms_are_checked_in_the_form_written(kb: KnowledgeBase, old: str, new: str, needle: str, expected: str) -> None:
    kb.edit(STORM, old, new)
    assert f"{at(kb, STORM, needle)}: {expected}" in kb.errors()


def test_a_touchpoint_channel_may_be_a_list_of_the_new_channels(kb: KnowledgeBase) -> None:
    kb.edit("touchpoints.yml", "channel: [sms, email]", "channel: [sms, fax]")
    assert kb.errors() == [f"{at(kb, 'touchpoints.yml', 'fax')}: JS113 claim-updates.channel[1]: 'fax' is not one of: web, app, email, "
                           "phone, chat, in-person, mail, social, partner, sms, letter, kiosk, video, other"]


def test_shared_sources_and_a_parents_sources_can_be_cited(example_site: Site) -> None:
    evidence = example_site.article(STORM_PAGE).find("h2", id="evidence").find_next("table")
    rows = [[td.get_text(" ", strip=True) for td in tr.select("td")] for tr in evidence.select("tbody tr")]
    shared = next(r for r in rows if r[0].startswith("Claims NPS survey verbatims, 2026"))
    assert shared[2] == "2026-09" and shared[3] == "Settle / Receive the settlement"  # a month, shown as written
    assert next(r for r in rows if r[0].startswith("Review of the storm claims"))[2] == "2024"
    child = example_site.article("maps/claim-photo-evidence/").find("h2", id="evidence").find_next("table")
    assert "Claims CRM export, H1 2026" in child.get_text()  # the parent's source, cited by a step


@pytest.mark.parametrize(("rel", "old", "new", "needle", "expected"), [
    (STORM, "  - claims-nps-2026\n", "  - claims-nps-2025\n", "claims-nps-2025",
     "JS216 sources[2]: unknown shared source 'claims-nps-2025' (no 'claims-nps-2025' in sources.yml) (did you mean 'claims-nps-2026'?)"),
    ("maps/repair-booking.md", "evidence: [repairer-sla]\n", "evidence: [repairer-sla, storm-claims-data]\n", "storm-claims-data",
     "JS204 stages[1].steps[0].evidence[1]: unknown source 'storm-claims-data': sources of this map are 'repairer-sla', "
     "'repair-survey'"),
    ("sources.yml", "  date: 2024\n", "  date: 2024-13\n", "2024-13",
     "JS114 storm-review-2024.date: expected a date like 2026-09-14, got '2024-13'"),
])
def test_shared_sources_are_checked(kb: KnowledgeBase, rel: str, old: str, new: str, needle: str, expected: str) -> None:
    kb.edit(rel, old, new)
    assert f"{at(kb, rel, needle)}: {expected}" in kb.errors()


def test_a_validation_known_to_the_month_counts_from_its_end(kb: KnowledgeBase) -> None:
    kb.edit(STORM, "  last_validated: 2026-10-12", "  last_validated: 2026-11")
    catalog = kb.catalog()
    assert kb.errors() == []  # this month has begun: not in the future
    f = Insights(catalog).freshness["storm-damage-claim"]
    assert f.last_validated.isoformat() == "2026-11" and f.next_review is not None and f.next_review.isoformat() == "2027-02-28"
    kb.edit(STORM, "  last_validated: 2026-11", "  last_validated: 2026-12")
    assert [e.split(": ", 1)[1] for e in kb.errors()] == ["JS115 validation.last_validated: date 2026-12 is in the future (today is 2026-11-23)"]


def test_a_journey_may_span_phases(example_site: Site, kb: KnowledgeBase) -> None:
    facts = [li.get_text(" ", strip=True) for li in example_site.article("maps/switch-to-landlord-cover/").select(".js-facts li")]
    assert "Phase: Buy, Own" in facts
    matrix = Insights(kb.catalog()).coverage.matrix["small-landlord"]
    assert "switch-to-landlord-cover" in matrix["buy"] and "switch-to-landlord-cover" in matrix["own"]
    kb.edit("maps/switch-to-landlord-cover.md", "phase: [buy, own]", "phase: [buy, owns]")
    assert kb.errors() == [f"{at(kb, 'maps/switch-to-landlord-cover.md', 'owns')}: JS113 phase[1]: 'owns' is not one of: buy, own, advocate "
                           "(did you mean 'own'?)"]


def test_a_shared_source_beside_a_link_in_a_text_field(kb: KnowledgeBase) -> None:
    """A map that lists a shared source by id and links somewhere in a text
    field: the link check walks the text fields, not the ids."""
    kb.edit(STORM, "  notes: Nine customers", "  notes: See [the claim](first-home-claim.md). Nine customers")
    assert kb.errors() == []


def test_a_future_state_map_says_what_it_changes(example_site: Site, kb: KnowledgeBase) -> None:
    future = example_site.article("maps/storm-damage-claim-future/")
    assert "Future state" in [b.get_text() for b in future.select(".js-badge")]
    crumb = future.select_one(".js-breadcrumb")
    assert crumb.get_text(" ", strip=True) == "Future state: a redesign of Settle a storm-damage claim (service blueprint)"
    assert crumb.a["href"] == "../storm-damage-claim/"
    section = []
    for sibling in future.find("h2", id="what-changes").find_next_siblings():
        if sibling.name == "h2":
            break
        section.append(sibling)
    assert [s.get_text(strip=True) for s in section if s.name == "p" and s.strong] == [
        "Steps", "Emotions", "KPIs", "Pain points", "Opportunities", "Bright spots", "Blueprint"]  # what the journey does, not who validated it
    text = " ".join(c.get_text(" ", strip=True) for c in section)
    assert "added step: Report the storm damage / Report online with photos" in text
    assert "removed step: Report the storm damage / Call on the morning after the storm" in text
    assert "Assess the loss / Meet the adjuster at home: first-time-homeowner 4, loss-adjuster 3 → 4" in text
    current = example_site.article(STORM_PAGE).get_text(" ", strip=True)
    assert "Future state: Settle a storm-damage claim in days, not weeks (future state) redesigns this journey." in current
    kb.edit("maps/storm-damage-claim-future.md", "state: future\n", "")
    assert kb.errors() == [f"{at(kb, 'maps/storm-damage-claim-future.md', 'redesigns: |storm')}: JS119 redesigns: redesigns needs state: future "
                           "(a to-be design of the map it names)"]
    kb.edit("maps/storm-damage-claim-future.md", "redesigns: storm-damage-claim", "state: future\nredesigns: storm-damage-claims")
    assert kb.errors() == [f"{at(kb, 'maps/storm-damage-claim-future.md', 'storm-damage-claims')}: JS205 redesigns: unknown map "
                           "'storm-damage-claims' (no maps/storm-damage-claims.md) (did you mean 'storm-damage-claim'?)"]


def test_extension_fields_show_where_they_stand(example_site: Site) -> None:
    """On actions, sources, quotes and KPIs as on maps, stages and steps."""
    article = example_site.article(STORM_PAGE)
    plan = article.find("h2", id="action-plan").find_next("table")
    assert "x-jira: CLAIMS-412" in plan.select_one(".js-more").get_text()
    evidence = article.find("h2", id="evidence").find_next("table")
    assert "x-dataset: claims_dw.storm_claims_2026" in evidence.select_one(".js-more").get_text()
    quotes = article.select_one("#stage-1").find_next("table").find("td", string="Quotes").parent
    assert "x-consent: recorded, may be quoted" in quotes.select_one(".js-more").get_text()
    measures = article.find("h2", id="measures").find_next("table")
    assert measures.select_one("tbody td .js-more").get_text() == "x-dashboard: Claims survey board"
    board = example_site.article("insights/actions/")
    assert "x-jira: CLAIMS-412" in board.get_text()
    data = json.loads((example_site.root / "maps.json").read_text())
    assert data["maps"]["storm-damage-claim"]["actions"][0]["x-jira"] == "CLAIMS-412"


def test_extension_fields_of_a_validation_and_a_branch_show_too(project: SiteProject) -> None:
    project.kb.edit(STORM, "  notes: Nine customers", "  x-study: CX-2026-14\n  notes: Nine customers")
    project.kb.edit(STORM, "to: Settle / Receive the settlement", "to: Settle / Receive the settlement\n            x-rule: R-17")
    article = project.build(strict=True).article(STORM_PAGE)
    assert "(x-study: CX-2026-14)" in article.get_text(" ", strip=True)
    path = article.select_one("#stage-2").find_next("table").find("td", string="Path").parent
    assert path.select_one(".js-more").get_text() == "x-rule: R-17"
