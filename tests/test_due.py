"""`journeysite due`: what each team must look at, as a user and a scheduled job see it."""

from __future__ import annotations

import json

from conftest import KnowledgeBase
from test_cli import run


def test_due_lists_each_teams_late_maps_and_actions_and_fails(kb: KnowledgeBase) -> None:
    result = run("due", str(kb.root), "--today", "2026-11-23")
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "Claims (#claims-cx on chat, claims-cx@larkspur.example)",
        f"  {kb.root}/maps/storm-damage-claim.md: Settle a storm-damage claim (service blueprint): fresh: next review in 48 days",
        "    late action: Name the adjusting firm in the first claim update (due 2026-10-31)",
        "    stale KPI: Hotline wait on the morning after a storm (Report the storm damage / Call on the morning after the storm), "
        "last measured 2026-03-02",
        "Sales and underwriting (sales-ops@larkspur.example)",
        f"  {kb.root}/maps/renew-landlord-policies.md: Renew cover for several rental homes: review overdue by 139 days",
        f"  {kb.root}/maps/switch-to-landlord-cover.md: Move rental homes to Larkspur landlord cover: never validated: based on assumptions",
        "3 maps to look at, for 2 teams (2026-11-23)",
    ]
    assert run("due", str(kb.root), "--today", "2026-11-23", "--exit-zero").returncode == 0


def test_due_is_quiet_and_passes_when_nothing_is_late(kb: KnowledgeBase) -> None:
    kb.edit("maps/storm-damage-claim.md", "    status: planned\n    hypothesis", "    status: done\n    hypothesis")
    kb.edit("maps/renew-landlord-policies.md", "last_validated: 2026-03-09", "last_validated: 2026-11-01")
    kb.edit("maps/switch-to-landlord-cover.md", "owner: sales\n", "owner: sales\nvalidation:\n  last_validated: 2026-11-02\n")
    kb.edit("maps/storm-damage-claim.md", "{date: 2026-03-02, value: 40}", "{date: 2026-11-02, value: 40}")
    result = run("due", str(kb.root), "--today", "2026-11-23", "--format", "markdown")
    assert result.returncode == 0, result.stdout
    assert "Nothing is due" in result.stdout


def test_due_as_json_and_as_an_issue_body_with_names_made_inert(kb: KnowledgeBase) -> None:
    kb.edit("teams/sales.md", "name: Sales and underwriting", "name: '@everyone | <b>Sales</b>'")
    data = json.loads(run("due", str(kb.root), "--today", "2026-11-23", "--format", "json").stdout)
    assert [(t["team"], [m["id"] for m in t["maps"]]) for t in data] == [
        ("sales", ["renew-landlord-policies", "switch-to-landlord-cover"]), ("claims", ["storm-damage-claim"])]
    assert data[1]["maps"][0]["late_actions"] == [{"title": "Name the adjusting firm in the first claim update", "due": "2026-10-31",
                                                    "owner": "partner-network"}]
    assert data[1]["maps"][0]["stale_kpis"] == [{"metric": "storm-call-wait", "name": "Hotline wait on the morning after a storm",
                                                  "stage": "Report the storm damage", "step": "Call on the morning after the storm",
                                                  "last_measured": "2026-03-02"}]
    assert data[0]["body"].startswith("<!-- journeysite-due -->\n## \\@everyone") and "Claims" not in data[0]["body"]  # its own team only
    body = run("due", str(kb.root), "--today", "2026-11-23", "--format", "markdown").stdout
    assert "| Hotline wait on the morning after a storm (Report the storm damage / Call on the morning after the storm), " \
           "last measured 2026-03-02 |" in body
    assert "## \\@everyone \\| &lt;b&gt;Sales&lt;/b&gt; (sales-ops\\@larkspur.example)" in body
    assert "<b>" not in body and "| Renew cover for several rental homes (maps/renew-landlord-policies.md) | review overdue by 139 days | none | none |" in body
