"""`journeysite codeowners`: review routed to the teams that own each file."""

from __future__ import annotations

import subprocess

from conftest import KnowledgeBase, SiteProject
from test_cli import run
from test_validation import at


def test_codeowners_routes_each_file_to_its_owners_handles(project: SiteProject) -> None:
    out = run("codeowners", cwd=project.root)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].startswith("# BEGIN journeysite") and lines[-1] == "# END journeysite"
    rules = dict(line.split(" ", 1) for line in lines[1:-1])
    assert rules["/content/maps/first-home-claim.md"] == "@larkspur/claims-cx"  # its owner, claims
    assert rules["/content/teams/contact-centre.md"] == "@larkspur/contact-centre cc-leads@larkspur.example"
    assert rules["/content/personas/first-time-homeowner.md"] == "@larkspur/claims-cx @larkspur/partners"  # owners of its maps
    assert "/content/maps/claim-photo-evidence.md" not in rules  # digital names no code owners
    with_stages = dict(line.split(" ", 1) for line in run("codeowners", "--stage-owners", cwd=project.root).stdout.splitlines()[1:-1])
    assert with_stages["/content/maps/first-home-claim.md"] == "@larkspur/claims-cx @larkspur/contact-centre cc-leads@larkspur.example @larkspur/partners"


def test_codeowners_check_fails_on_a_missing_or_stale_block(project: SiteProject) -> None:
    codeowners = project.root / ".github/CODEOWNERS"
    codeowners.parent.mkdir(parents=True, exist_ok=True)
    codeowners.write_text("* @larkspur/cx-admins\n")
    missing = run("codeowners", "--check", str(codeowners), cwd=project.root)
    assert missing.returncode == 1 and "has no journeysite block" in missing.stderr
    codeowners.write_text("* @larkspur/cx-admins\n" + run("codeowners", cwd=project.root).stdout + "/docs/ @larkspur/writers\n")
    assert run("codeowners", "--check", str(codeowners), cwd=project.root).returncode == 0
    project.kb.edit("maps/repair-booking.md", "owner: partner-network", "owner: claims")
    stale = run("codeowners", "--check", str(codeowners), cwd=project.root)
    assert stale.returncode == 1 and "has a stale journeysite block" in stale.stderr
    assert "/content/maps/repair-booking.md @larkspur/claims-cx" in stale.stderr


def test_paths_are_relative_to_the_repository_root(project: SiteProject) -> None:
    subprocess.run(["git", "init", "-q", str(project.root.parent)], check=True)
    out = run("codeowners", cwd=project.root)
    assert f"/{project.root.name}/content/maps/first-home-claim.md @larkspur/claims-cx" in out.stdout


def test_a_handle_cannot_add_a_rule_of_its_own(kb: KnowledgeBase) -> None:
    kb.edit("teams/claims.md", 'code_owners: ["@larkspur/claims-cx"]', 'code_owners: ["@larkspur/claims-cx\\n* @attacker"]')
    place = at(kb, "teams/claims.md", '"@larkspur/claims-cx')
    assert kb.errors() == [f"{place}: JS113 code_owners[0]: '@larkspur/claims-cx\\n* @attacker' "
                           "is not a code owner: write @user, @org/team or an e-mail address"]
