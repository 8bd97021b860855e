"""Derived views are pure functions of the model and a date."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import TODAY, KnowledgeBase

from journeysite.core import indexes
from journeysite.core.freshness import freshness
from journeysite.core.metrics import evidence_coverage, lowest_moments, stage_emotions
from journeysite.core.model import Map, Validation
from journeysite.pages.render import doc_href


def a_map(**changes: object) -> Map:
    base = {
        "title": "T", "persona": "p", "phase": "buy", "owner": "o",
        "stages": [{"name": "S", "steps": [{"name": "a", "emotion": 2, "evidence": ["x"]}, {"name": "b", "emotion": 4}]},
                   {"name": "U", "steps": [{"name": "c", "emotion": 2}]}],
    }
    return Map.model_validate({**base, **changes})


@pytest.mark.parametrize(
    "last, every, state, days_left",
    [
        (None, None, "unvalidated", None),
        (dt.date(2026, 11, 1), None, "fresh", 68),         # next review 2027-01-30
        (dt.date(2026, 9, 8), None, "due", 14),            # exactly at the window's edge
        (dt.date(2026, 9, 7), None, "due", 13),
        (dt.date(2026, 8, 25), None, "due", 0),            # review day itself
        (dt.date(2026, 8, 24), None, "overdue", -1),
        (dt.date(2026, 8, 24), 365, "fresh", 274),         # own cadence beats the default
    ],
)
def test_freshness_states(last: dt.date | None, every: int | None, state: str, days_left: int | None) -> None:
    m = a_map(validation={"last_validated": last} if last else None, review_every=every)
    f = freshness(m, TODAY, review_every=90, due_window=14)
    assert (f.state, f.days_left) == (state, days_left)
    if last:
        assert f.next_review == last + dt.timedelta(days=every or 90)


def test_freshness_labels() -> None:
    overdue = freshness(a_map(validation=Validation(last_validated=dt.date(2026, 1, 1))), TODAY, 90, 14)
    assert overdue.label == "review overdue by 236 days"
    assert freshness(a_map(), TODAY, 90, 14).label == "never validated: based on assumptions"


def test_map_metrics() -> None:
    m = a_map()
    assert evidence_coverage(m) == pytest.approx(1 / 3)
    assert [(s.name, mean) for s, mean in stage_emotions(m)] == [("S", 3.0), ("U", 2.0)]
    assert [(x.stage.name, x.step.name) for x in lowest_moments(m)] == [("S", "a"), ("U", "c")]


def test_ownership_of_the_example(kb: KnowledgeBase) -> None:
    own = indexes.Insights(kb.catalog()).ownership
    assert sorted(own) == ["claims", "contact-centre", "digital", "marketing", "partner-network", "sales"]
    # Overdue and unvalidated maps come first for their owner.
    assert own["sales"].maps == ["renew-landlord-policies", "switch-to-landlord-cover", "buy-first-home-insurance"]
    assert own["claims"].contributes_to == ["claim-photo-evidence", "recommend-larkspur", "repair-booking"]
    assert own["partner-network"].contributes_to[-1] == "storm-damage-claim"
    # Stage owner defaults to the map owner; step owner to the first touchpoint's owner.
    assert ("first-home-claim", "Assess the claim") in [(mid, s.name) for mid, s in own["claims"].stages]
    photo = [r for r in own["digital"].steps if r.step.name == "Send photos of the damage"]
    assert [r.map_id for r in photo] == ["first-home-claim", "storm-damage-claim"]
    discover = [r for r in own["contact-centre"].steps if r.step.name == "Discover the damage"]
    assert len(discover) == 1  # no touchpoint: falls back to the stage owner
    assert own["contact-centre"].touchpoints == ["claims-hotline", "live-chat"]
    assert [a.action.title for a in own["partner-network"].actions] == [
        "Online slot booking with network repairers", "Publish repairers' free slots for online booking",
        "Name the adjusting firm in the first claim update"]


def test_touchpoint_usage(kb: KnowledgeBase) -> None:
    usage = indexes.Insights(kb.catalog()).touchpoint_usage
    hotline = usage["claims-hotline"]
    assert [(u.map_id, u.step.name, u.step.emotion) for u in hotline.uses] == [
        ("first-home-claim", "Call the claims hotline", 2), ("first-home-claim", "Get a claim number", 3),
        ("storm-damage-claim", "Call on the morning after the storm", {"first-time-homeowner": 1, "claims-handler": 2})]
    assert hotline.scores == (2, 3, 1)  # the claims handler's 2 is not a customer's score
    assert hotline.mean_emotion == 2.0
    assert usage["live-chat"].uses == () and usage["live-chat"].mean_emotion is None


def test_coverage_flags_high_value_personas_without_maps(kb: KnowledgeBase) -> None:
    cov = indexes.coverage(kb.catalog())
    assert cov.matrix["first-time-homeowner"] == {
        "buy": ["buy-first-home-insurance"],
        "own": ["claim-photo-evidence", "first-home-claim", "repair-booking", "storm-damage-claim-future", "storm-damage-claim"],
        "advocate": ["recommend-larkspur"],
    }
    assert cov.matrix["student-renter"] == {"buy": [], "own": [], "advocate": []}
    assert cov.uncovered_high_value == ["downsizing-retiree"]  # student-renter is low value; claims-handler is staff
    assert "claims-handler" not in cov.matrix


def test_action_board_quadrants(kb: KnowledgeBase) -> None:
    board = {a.action.title: a for a in indexes.Insights(kb.catalog()).actions}
    assert board["Offer a call-back within one hour instead of hold"].quadrant == "quick-win"
    assert board["Remote assessment for claims under 5,000"].quadrant == "big-bet"
    assert board["Send the large-print renewal letter on request"].quadrant == "fill-in"
    assert board["Photo checklist and receipt in the app"].quadrant == "balanced"
    linked = board["Offer a call-back within one hour instead of hold"].targets
    assert linked == (indexes.Target("Report the damage / Call the claims hotline", 0),)
    assert board["Interview eight landlords before changing anything"].targets == ()


def test_maps_by_urgency_and_wins(kb: KnowledgeBase) -> None:
    catalog = kb.catalog()
    order = [(mid, f.state) for mid, _, f in indexes.maps_by_urgency(catalog, indexes.Insights(catalog).freshness)]
    assert order[:2] == [("renew-landlord-policies", "overdue"), ("switch-to-landlord-cover", "unvalidated")]
    assert {state for _, state in order[2:]} == {"fresh"}
    dates = [w.date for _, _, w in indexes.wins(catalog)]
    assert dates == sorted(dates, reverse=True) and len(dates) == 6


def test_views_depend_only_on_the_date(kb: KnowledgeBase) -> None:
    later = kb.catalog(dt.date(2027, 6, 1))
    states = {mid: f.state for mid, _, f in indexes.maps_by_urgency(later, indexes.Insights(later).freshness)}
    assert states["first-home-claim"] == "overdue"
    first, second = kb.catalog(), kb.catalog()
    assert indexes.maps_by_urgency(first, indexes.Insights(first).freshness) == indexes.maps_by_urgency(second, indexes.Insights(second).freshness)


@pytest.mark.parametrize(
    "target, origin, page, directory_urls, expected",
    [
        ("other.md", "maps/a.md", "maps/a.md", True, "../other/"),
        ("other.md#stage-2", "maps/a.md", "maps/a.md", True, "../other/#stage-2"),
        ("other.md", "maps/a.md", "maps/a.md", False, "other.html"),
        ("other.md", "maps/a.md", "touchpoints/web.md", True, "../../maps/other/"),  # shown far from its file
        ("../teams/claims.md", "personas/p.md", "personas/p.md", True, "../../teams/claims/"),
        ("index.md", "maps/a.md", "insights/wins.md", False, "../maps/index.html"),
        ("my%20map.md", "maps/a.md", "maps/a.md", True, "../my%20map/"),
        ("https://example.org/x.md", "maps/a.md", "maps/a.md", True, "https://example.org/x.md"),
        ("/abs.md", "maps/a.md", "maps/a.md", True, "/abs.md"),
        ("#stage-1", "maps/a.md", "maps/a.md", True, "#stage-1"),
        ("../../outside.md", "maps/a.md", "maps/a.md", True, "../../outside.md"),
        ("notes.txt", "maps/a.md", "maps/a.md", True, "notes.txt"),
    ],
)
def test_links_written_in_a_file_become_urls_from_the_page_shown(target: str, origin: str, page: str, directory_urls: bool, expected: str) -> None:
    assert doc_href(target, origin, page, directory_urls) == expected
