"""The benchmark's baseline: the same maps as a person would write them by hand
in plain Markdown for mkdocs-material, with a Mermaid fence and tables.

journeysite writes its large tables as raw HTML, so its own Markdown is no
fair baseline: this is what a team without journeysite would publish for the
same content (map pages with the same sections, persona and team pages with
their facts).
"""

from __future__ import annotations

from journeysite.core.catalog import Catalog
from journeysite.core.model import Entry, Map, Persona, Team
from journeysite.pages.mermaid import journey


def map_page(catalog: Catalog, entry: Entry[Map]) -> str:
    m = entry.data
    assert m is not None
    team = lambda t: f"[{catalog.teams[t].title}](../teams/{t}.md)"  # noqa: E731
    v = m.validation
    out = [
        f"# {entry.title}", "",
        f"- **Persona:** [{catalog.personas[m.persona].title}](../personas/{m.persona}.md)",
        f"- **Phase:** {m.phase}", f"- **Owner:** {team(m.owner)}", f"- **Sponsor:** {m.sponsor}",
        f"- **Contributors:** {', '.join(team(t) for t in m.contributors)}", "",
        f"**Last validated** {v.last_validated} ({v.method}, {v.customers} customers). {v.notes}" if v else "**Never validated.**", "",
        "## Journey", "", "```mermaid", journey(m, lambda stage, step: catalog.step_owner(m, stage, step)).rstrip(), "```", "",
        "## Stages and steps", "",
    ]
    for i, stage in enumerate(m.stages, 1):
        steps = stage.steps
        row = lambda label, cells: f"| {label} | " + " | ".join(cells) + " |"  # noqa: E731
        out += [
            f"### {i}. {stage.name}", "", f"*Goal:* {stage.goal} · *Owner:* {team(catalog.stage_owner(m, stage))}", "",
            row("", [f"**{s.name}**" for s in steps]), "|---|" + "---|" * len(steps),
            row("Emotion", [str(s.emotion) for s in steps]),
            row("Actions", [s.actions or "" for s in steps]),
            row("Thoughts", [s.thoughts or "" for s in steps]),
            row("Feelings", [s.feelings or "" for s in steps]),
            row("Touchpoints", ["<br>".join(catalog.touchpoints[t].title for t in s.touchpoints) for s in steps]),
            row("Pain points", ["<br>".join(s.pain_points) for s in steps]),
            row("Opportunities", ["<br>".join(s.opportunities) for s in steps]),
            row("Evidence", [" ".join(f"`{e}`" for e in s.evidence) for s in steps]),
            row("Owner", [team(catalog.step_owner(m, stage, s)) for s in steps]), "",
        ]
    out += ["## Ownership", "", "| Part | Name | Owner |", "|---|---|---|", f"| Map | {entry.title} | {team(m.owner)} |"]
    for stage in m.stages:
        out.append(f"| Stage | {stage.name} | {team(catalog.stage_owner(m, stage))} |")
        out += [f"| Step | {stage.name} / {s.name} | {team(catalog.step_owner(m, stage, s))} |" for s in stage.steps]
    out += ["", "## Evidence", "", "| Source | Type | Date |", "|---|---|---|"]
    out += [f"| [{s.title}]({s.url}) | {s.type} | {s.date} |" for s in m.sources]
    out += ["", "**Known data gaps**", "", *[f"- {g}" for g in m.gaps], "", "## Action plan", "",
            "| Action | Improves | Owner | Effort | Impact | Status | Success metric | Due |", "|---|---|---|---|---|---|---|---|"]
    out += [f"| {a.title} | {a.step} | {team(a.owner)} | {a.effort} | {a.impact} | {a.status} | {a.metric} | {a.due} |" for a in m.actions]
    out += ["", "## Wins", "", *[f"- **{w.date} · {w.title}**: {w.result}" for w in m.wins], "", entry.body]
    return "\n".join(out)


def persona_page(entry: Entry[Persona]) -> str:
    p = entry.data
    assert p is not None
    return "\n".join([f"# {entry.title}", "", f"- **Segment:** {p.segment}", f"- **Value:** {p.value}",
                      f"- **Goals:** {', '.join(p.goals)}", f"- **Needs:** {', '.join(p.needs)}", "",
                      f"> {p.quote}", "", entry.body])


def team_page(entry: Entry[Team]) -> str:
    t = entry.data
    assert t is not None
    return "\n".join([f"# {entry.title}", "", f"- **Function:** {t.function}", f"- **Lead:** {t.lead}",
                      f"- **Contact:** {t.contact}", "", entry.body])
