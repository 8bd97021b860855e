"""`journeysite check` and `journeysite schema`, run as a user runs them."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml
from conftest import CONTENT, REPO, KnowledgeBase, SiteProject

from journeysite import cli
from journeysite.core.schema import KINDS, json_schema


def run(*args: str, cwd: Path = REPO, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "journeysite.cli", *args], cwd=cwd, capture_output=True, text=True,
        env={**os.environ, **(env or {})},
    )


def test_check_passes_on_the_example_from_the_repo_root() -> None:
    result = run("check", "--today", "2026-11-23")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[-1] == "9 maps, 6 personas, 6 teams, 20 touchpoints, 4 systems, 5 metrics: 0 errors, 0 warnings, 2 notices"
    assert "content/maps/renew-landlord-policies.md:10:19: JS302 (notice) validation: review overdue by 139 days; owner: sales" in result.stdout


def test_check_fails_with_located_errors(kb: KnowledgeBase) -> None:
    kb.edit("maps/first-home-claim.md", "phase: own", "phase: owned")
    result = run("check", str(kb.root), "--today", "2026-11-23")
    assert result.returncode == 1
    assert f"{kb.root}/maps/first-home-claim.md:4:8: JS113 phase: 'owned' is not one of: buy, own, advocate (did you mean 'own'?)" in result.stdout
    assert result.stdout.splitlines()[-1].endswith(": 1 error, 0 warnings, 2 notices")


def test_check_json_and_github_formats(kb: KnowledgeBase) -> None:
    kb.edit("teams/claims.md", "name: Claims", "nmae: Claims")
    rows = json.loads(run("check", str(kb.root), "--format", "json", "--today", "2026-11-23").stdout)
    errors = [r for r in rows if r["severity"] == "error"]
    assert [(r["code"], r["line"], r["col"], r["field"]) for r in errors] == [("JS110", 2, 1, "nmae"), ("JS111", 2, 1, "name")]
    assert errors[0]["message"] == "unknown key 'nmae' (did you mean 'name'?)"
    github = run("check", str(kb.root), "--format", "github", "--today", "2026-11-23")
    assert github.returncode == 1
    assert f"::error file={kb.root}/teams/claims.md,line=2,col=1,title=JS110::nmae: unknown key 'nmae' (did you mean 'name'?)" in github.stdout.splitlines()


def test_source_date_epoch_fixes_the_date() -> None:
    later = run("check", env={"SOURCE_DATE_EPOCH": "1798761600"})  # 2027-01-01
    assert "content/maps/first-home-claim.md:10:19: JS303 (notice) validation: review due in 3 days; owner: claims" in later.stdout
    assert run("check", env={"SOURCE_DATE_EPOCH": "soon"}).stderr == "journeysite: SOURCE_DATE_EPOCH='soon' is not a Unix timestamp\n"


def test_check_reads_docs_dir_and_options_from_mkdocs_yml(tmp_path: Path, kb: KnowledgeBase) -> None:
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: x\ndocs_dir: content\nsite_url: !ENV [SITE_URL, 'http://localhost']\nmarkdown_extensions:\n  - pymdownx.superfences:\n"
        "      custom_fences:\n        - name: mermaid\n          class: mermaid\n          format: !!python/name:pymdownx.superfences.fence_code_format\n"
        "plugins:\n  - search\n  - journeysite:\n      review_every: 30\n      today: 2026-11-23\n"
    )
    result = run("check", cwd=tmp_path)
    assert result.returncode == 0
    # A 30-day default makes the one map without its own cadence overdue.
    assert "content/maps/repair-booking.md:11:19: JS302 (notice) validation: review overdue by 26 days; owner: partner-network" in result.stdout


def test_check_without_a_project_is_a_usage_error(tmp_path: Path) -> None:
    result = run("check", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == "journeysite: mkdocs.yml: no such file (give a content folder or a mkdocs.yml)\n"


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_schema_is_valid_json_schema(kind: str) -> None:
    schema = json.loads(run("schema", kind).stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema == json.loads(json.dumps(json_schema(kind)))


def test_example_front_matter_validates_against_the_exported_schema(tmp_path: Path) -> None:
    assert cli.main(["schema", "--out", str(tmp_path)]) == 0
    schemas = {k: json.loads((tmp_path / f"{k}.schema.json").read_text()) for k in KINDS}
    checker = jsonschema.FormatChecker()
    for kind, folder in (("map", "maps"), ("persona", "personas"), ("team", "teams")):
        for file in sorted((CONTENT / folder).glob("*.md")):
            front = file.read_text().split("---\n")[1]
            data = json.loads(json.dumps(yaml.safe_load(front), default=str))
            jsonschema.validate(data, schemas[kind], format_checker=checker)
    touchpoints = yaml.safe_load((CONTENT / "touchpoints.yml").read_text())
    jsonschema.validate(touchpoints, schemas["touchpoints"])
    bad = {"title": "x", "persona": "p", "phase": "later", "owner": "o", "stages": []}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schemas["map"])


CORE = [p for p in (REPO / "journeysite").glob("*.py") if p.name not in {"plugin.py", "config.py"}]


def test_no_core_module_imports_mkdocs() -> None:
    for path in CORE:
        for node in ast.walk(ast.parse(path.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            assert not any(n == "mkdocs" or n.startswith(("mkdocs.", "material")) for n in names), f"{path.name} imports {names}"
    modules = ", ".join(f"journeysite.{p.stem}" for p in CORE)
    probe = f"import sys, importlib; [importlib.import_module(m) for m in '{modules}'.split(', ')]; print(sorted(m for m in sys.modules if m.split('.')[0] in ('mkdocs', 'material')))"
    assert subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout == "[]\n"


@pytest.mark.parametrize(("rel", "old", "new", "expected"), [
    ("maps/first-home-claim.md", "[Book a repair](repair-booking.md)", "[Book a repair](repair-bookings.md)",
     "maps/first-home-claim.md:199:17: JS210 (warning) link to 'repair-bookings.md': there is no page maps/repair-bookings.md"),
    ("index.md", "[action board](insights/actions.md)", "[action board](insights/action-board.md)",
     "index.md:52:19: JS210 (warning) link to 'insights/action-board.md': there is no page insights/action-board.md"),
    ("index.md", "[all maps](maps/index.md)", "[all maps](maps/first-home-claim.md#no-such-part)",
     "index.md:55:58: JS211 (warning) link to 'maps/first-home-claim.md#no-such-part': maps/first-home-claim.md has no anchor '#no-such-part'"),
    ("index.md", "[all maps](maps/index.md)", "[all maps](#where-to-begin)",
     "index.md:55:58: JS211 (warning) link to '#where-to-begin': index.md has no anchor '#where-to-begin'"),
    ("index.md", "[all maps](maps/index.md)", "[all maps](/maps/index.md)",
     "index.md:55:58: JS213 (warning) absolute link '/maps/index.md': write it relative to this file"),
    ("index.md", "[all maps](maps/index.md)", "[all maps](maps/)",
     "index.md:55:58: JS212 (warning) link 'maps/' is not a page or file of the site: link to a '.md' file"),
])
def test_check_finds_the_broken_links_a_strict_build_fails_on(project: SiteProject, rel: str, old: str, new: str, expected: str) -> None:
    project.kb.edit(rel, old, new)
    check = run("check", "--today", "2026-11-23", cwd=project.root)
    assert check.returncode == 1
    assert any(line.startswith(f"content/{expected}") for line in check.stdout.splitlines()), check.stdout
    build = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict"], cwd=project.root, capture_output=True, text=True,
                           env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert build.returncode == 1, build.stderr
    assert new.split("](")[1].rstrip(")").lstrip("/") in build.stderr


def test_links_to_generated_pages_and_their_anchors_pass(project: SiteProject) -> None:
    project.kb.edit("index.md", "[all maps](maps/index.md)", "[all maps](maps/index.md), [the claim's stages](maps/first-home-claim.md#stage-2)")
    check = run("check", "--today", "2026-11-23", cwd=project.root)
    assert check.returncode == 0, check.stdout


def test_the_content_reference_lists_every_field_as_the_model_and_schema_have_it() -> None:
    """docs/content.md is what authors read: each table must list exactly the
    model's fields, required as the model requires them, enumerations with
    the model's values, and every field must be in the JSON Schema."""
    import re
    import typing

    from journeysite.core import model

    text = (REPO / "docs/content.md").read_text(encoding="utf-8")
    tables = dict(re.findall(r"<!-- fields of (\w+) -->\n\|[^\n]*\n\|[^\n]*\n((?:\|[^\n]*\n)+)", text))
    classes = {"Map": model.Map, "Validation": model.Validation, "Source": model.Source, "Stage": model.Stage, "Step": model.Step,
               "Action": model.Action, "Win": model.Win, "Persona": model.Persona, "Team": model.Team, "Touchpoint": model.Touchpoint,
               "Quote": model.Quote, "Branch": model.Branch, "System": model.System, "SharedSource": model.SharedSource,
               "Kpi": model.Kpi, "Measurement": model.Measurement, "Metric": model.Metric}
    assert set(tables) == set(classes)
    schema = json.dumps([json_schema(kind) for kind in KINDS])
    for name, cls in classes.items():
        rows = {m[0]: m for m in re.findall(r"^\| `(\w+)` \| ([^|]*(?:\\\|[^|]*)*) \| (yes|no) \| ([^|]*) \|", tables[name], re.M)}
        assert set(rows) == set(cls.model_fields), name
        for field, info in cls.model_fields.items():
            _, kind, required, _ = rows[field]
            assert (required == "yes") == info.is_required(), f"{name}.{field}"
            assert f'"{field}"' in schema, f"{name}.{field} is not in the JSON Schema"
            for arg in typing.get_args(info.annotation):
                if typing.get_origin(arg) is typing.Literal:
                    assert kind.count("`") // 2 == len(typing.get_args(arg)), f"{name}.{field}: {kind}"
            if typing.get_origin(info.annotation) is typing.Literal:
                assert [v.strip(" `") for v in kind.split("\\|")] == list(typing.get_args(info.annotation)), f"{name}.{field}"


def test_watching_parses_again_only_the_file_that_changed(project: SiteProject, monkeypatch: pytest.MonkeyPatch) -> None:
    """`check --watch` and `generate --watch` keep a parse cache across
    rounds: after one save, only that file is parsed again (a thousand maps
    take seconds to parse)."""
    import argparse
    import datetime as dt

    from journeysite.cli.generate import SiteWriter
    from journeysite.core import loader
    from journeysite.core.project import find_project

    parsed: list[str] = []
    real = loader._parse
    monkeypatch.setattr(loader, "_parse", lambda request: parsed.append(request[1]) or real(request))
    today = dt.date(2026, 11, 23)
    check = argparse.Namespace(today=today, format="text")
    generate = argparse.Namespace(today=today, config=None, out=project.root / "build")
    writer = SiteWriter(find_project(project.root), generate.out, watch=True)
    for name, run in (("check", lambda p, cache: cli._check_once(check, p, cache)),
                      ("generate", lambda p, cache: cli._generate_once(generate, p, writer, cache))):
        cache = loader.ParseCache()
        run(find_project(project.root), cache)
        assert len(parsed) > 20, name  # the first round parses every file
        parsed.clear()
        project.kb.edit("maps/repair-booking.md", "title: ", f"title: {name}: ")
        run(find_project(project.root), cache)
        assert parsed == ["maps/repair-booking.md"], name
        parsed.clear()
