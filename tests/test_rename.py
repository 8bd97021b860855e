"""`journeysite rename`: a stage, a step, a team or a persona, with every
reference, so the knowledge base still passes `check`; run as a user runs it."""

from __future__ import annotations

import subprocess
from pathlib import Path

from conftest import KnowledgeBase
from gitrepos import GitRepo
from test_cli import run

STORM = "maps/storm-damage-claim.md"
CLAIM = "maps/first-home-claim.md"


def rename(kb: KnowledgeBase, *args: str) -> subprocess.CompletedProcess[str]:
    return run("rename", *args, "--project", str(kb.root))


def test_renaming_a_stage_updates_actions_branches_micro_journeys_and_measurements(kb: KnowledgeBase) -> None:
    kb.edit(STORM, "  - name: Settle\n", "  # The money, and the letter that explains it\n  - name: Settle  # as customers say it\n")
    result = rename(kb, "stage", "storm-damage-claim", "Settle", "Get the money")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[-1] == "2 files changed; 0 new problems"
    text = (kb.root / STORM).read_text()
    assert "  # The money, and the letter that explains it\n  - name: Get the money  # as customers say it\n" in text
    assert "to: Get the money / Receive the settlement" in text and "step: Get the money / Receive the settlement" in text
    assert "rekeying-minutes,2026-08-31,34,storm-damage-claim,Get the money,Receive the settlement" in (kb.root / "metrics/claims-survey.csv").read_text()
    assert kb.errors() == []
    assert [t.place for t in kb.catalog().kpis("storm-damage-claim")][-1] == "Get the money / Receive the settlement"
    child = rename(kb, "stage", "first-home-claim", "Assess the claim", "Assess the damage")
    assert child.returncode == 0 and "parent_stage: Assess the damage" in (kb.root / "maps/claim-photo-evidence.md").read_text()
    assert kb.errors() == []


def test_renaming_a_step_quotes_what_yaml_would_misread(kb: KnowledgeBase) -> None:
    result = rename(kb, "step", "storm-damage-claim", "Assess the loss / Wait for the adjuster's visit", "Wait, then call: again")
    assert result.returncode == 0, result.stdout + result.stderr
    text = (kb.root / STORM).read_text()
    assert '      - name: "Wait, then call: again"\n' in text
    assert 'step: [Report the storm damage, "Assess the loss / Wait, then call: again"]' in text  # a flow list item stays one item
    assert kb.errors() == []


def test_renaming_a_team_moves_its_file_and_every_owner_in_git(tmp_path: Path) -> None:
    repo = GitRepo.create(tmp_path / "repo")
    repo.commit("Example")
    result = run("rename", "team", "claims", "claims-operations", "--project", str(repo.site.root / "mkdocs.yml"))
    assert result.returncode == 0, result.stdout + result.stderr
    kb = repo.kb
    assert not (kb.root / "teams/claims.md").exists() and (kb.root / "teams/claims-operations.md").is_file()
    assert kb.errors() == []
    catalog = kb.catalog()
    assert catalog.maps["first-home-claim"].data.owner == "claims-operations"  # type: ignore[union-attr]
    assert catalog.touchpoints["claims-hotline"].data.owner == "contact-centre"  # type: ignore[union-attr]  # untouched
    assert catalog.metrics["claims-csat"].data.owner == "claims-operations"  # type: ignore[union-attr]
    status = repo.git("status", "--porcelain")
    assert " D handbook/journeys/content/teams/claims.md" in status and "?? handbook/journeys/content/teams/claims-operations.md" in status


def test_renaming_a_persona_renames_per_actor_scores_too(kb: KnowledgeBase) -> None:
    result = rename(kb, "persona", "claims-handler", "handler")
    assert result.returncode == 0, result.stdout + result.stderr
    text = (kb.root / STORM).read_text()
    assert "actors: [handler, loss-adjuster]" in text and "emotion: {first-time-homeowner: 1, handler: 2}" in text
    assert (kb.root / "personas/handler.md").is_file() and kb.errors() == []


def test_a_rename_that_cannot_be_made_changes_nothing(kb: KnowledgeBase) -> None:
    before = {p: p.read_bytes() for p in kb.root.rglob("*") if p.is_file()}
    for args, message in [
        (("stage", "storm-damage-claim", "Setle", "X"), "map 'storm-damage-claim' has no stage 'Setle'; its stages are Report the storm damage, "
                                                         "Assess the loss, Settle"),
        (("stage", "storm-damage-claim", "Settle", "Assess the loss"), "map 'storm-damage-claim' has a stage 'Assess the loss' already"),
        (("step", "storm-damage-claim", "Settle / Nope", "X"), "map 'storm-damage-claim' has no step 'Settle / Nope': write it as 'Stage / Step'"),
        (("team", "claims", "Claims Ops"), "'Claims Ops' is not a valid id: use lower-case letters, digits and hyphens"),
        (("team", "claims", "digital"), "there is a team 'digital' already"),
        (("persona", "nobody", "x"), "no persona 'nobody' (personas/nobody.md)"),
        (("team", "claims"), "rename team takes OLD NEW"),
    ]:
        result = rename(kb, *args)
        assert (result.returncode, result.stderr.strip()) == (2, f"journeysite rename: {message}")
    assert {p: p.read_bytes() for p in kb.root.rglob("*") if p.is_file()} == before


def test_renaming_keeps_a_measurement_files_line_ends_and_quotes(kb: KnowledgeBase) -> None:
    """Spreadsheets write CRLF and quote cells: a renamed step's cell, the
    last of its row, keeps the row's `\\r`, and a cell is quoted when needed."""
    kb.write("metrics/export.csv", "metric,date,value,map,stage,step\r\n"
             'rekeying-minutes,2026-09-30,33,storm-damage-claim,"Settle",Receive the settlement\r\n')
    assert rename(kb, "step", "storm-damage-claim", "Settle / Receive the settlement", "Get paid, finally").returncode == 0
    assert (kb.root / "metrics/export.csv").read_bytes().decode() == (
        'metric,date,value,map,stage,step\r\nrekeying-minutes,2026-09-30,33,storm-damage-claim,"Settle","Get paid, finally"\r\n')
    assert kb.errors() == []
