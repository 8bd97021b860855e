"""A CODEOWNERS block from ownership: who must review changes to each file.

GitHub and GitLab ask the owners of a changed file for review; teams name
their handles in `code_owners`, and each file goes to the teams that own
what it holds. Pure: a catalog and where its folder sits in the repository
in, lines out.
"""

from __future__ import annotations

from journeysite.core.catalog import Catalog

BEGIN = "# BEGIN journeysite: generated from the teams' code_owners by `journeysite codeowners`; do not edit"
END = "# END journeysite"


def rules(catalog: Catalog, folder: str, stage_owners: bool = False) -> list[tuple[str, tuple[str, ...]]]:
    """(file pattern, handles) for every file with owners that have handles:
    a map goes to its owner (and, with `stage_owners`, its stages' owners),
    a persona to the owners of its maps, a team file to the team, a registry
    to the owners of its entries. `folder`: the content folder relative to
    the repository root, as `/`-separated text."""
    handles = {tid: e.data.code_owners for tid, e in catalog.teams.items() if e.data is not None}

    def of(teams: list[str]) -> tuple[str, ...]:
        return tuple(dict.fromkeys(h for t in teams for h in handles.get(t, ())))

    owners: dict[str, list[str]] = {}
    for entry in catalog.maps.values():
        m = entry.data
        if m is not None:
            owners[entry.path] = [m.owner, *(catalog.stage_owner(m, s) for s in m.stages if stage_owners)]
            if m.persona in catalog.personas:
                owners.setdefault(catalog.personas[m.persona].path, []).append(m.owner)
    for team in catalog.teams.values():
        owners[team.path] = [team.id]
    for registry in (catalog.touchpoints, catalog.systems):
        for item in registry.values():
            if item.data is not None:
                owners.setdefault(item.path, []).append(item.data.owner)
    prefix = "/" + folder.strip("/") + "/" if folder.strip("/") not in ("", ".") else "/"
    return [(prefix + _escaped(path), found) for path, teams in sorted(owners.items()) if (found := of(teams))]


def block(catalog: Catalog, folder: str, stage_owners: bool = False) -> str:
    """The block to paste into (or check against) a CODEOWNERS file."""
    lines = [BEGIN, *(f"{pattern} {' '.join(handles)}" for pattern, handles in rules(catalog, folder, stage_owners)), END]
    return "\n".join(lines) + "\n"


def current(text: str) -> str | None:
    """The journeysite block of a CODEOWNERS file as written, or None."""
    start, end = text.find(BEGIN), text.find(END)
    return text[start : end + len(END)] + "\n" if start != -1 and end > start else None


def _escaped(path: str) -> str:
    """A path as a CODEOWNERS pattern: spaces escaped, and nothing a
    pattern would read as a wildcard."""
    return "".join(f"\\{c}" if c in " *?[]!#\\" else c for c in path)
