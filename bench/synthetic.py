"""A synthetic knowledge base of N realistic maps, for the benchmark.

Every map has 5 stages of 3 steps with every field filled, sources, gaps, an
action plan and wins; 12 personas, 10 teams and 60 touchpoints are shared.
Deterministic for a given N, so runs are comparable.
"""

from __future__ import annotations

import random
from pathlib import Path

PHASES = ("buy", "own", "advocate")
CHANNELS = ("web", "app", "email", "phone", "chat", "in-person", "mail", "social", "partner", "other")
WORDS = ("claim", "quote", "renewal", "policy", "payment", "repair", "document", "call", "visit", "portal",
         "letter", "message", "photo", "decision", "price", "cover", "account", "reminder", "survey", "refund")


def sentence(rng: random.Random, n: int = 8) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    return (" ".join(words)).capitalize()


def write(root: Path, maps: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    for folder in ("maps", "personas", "teams"):
        (root / folder).mkdir(parents=True, exist_ok=True)
    (root / "index.md").write_text("# Synthetic knowledge base\n\nFor the benchmark.\n")
    teams = [f"team-{i}" for i in range(10)]
    for t in teams:
        (root / "teams" / f"{t}.md").write_text(
            f"---\nname: Team {t[5:]}\nfunction: Function {t[5:]}\nlead: Lead {t[5:]}\ncontact: {t}@example.org\n---\n{sentence(rng, 30)}.\n")
    personas = [f"persona-{i}" for i in range(12)]
    for i, p in enumerate(personas):
        value = ("high", "medium", "low")[i % 3]
        (root / "personas" / f"{p}.md").write_text(
            f"---\nname: Persona {i}\nsegment: Segment {i}\nvalue: {value}\ngoals: [{sentence(rng, 4)}]\n"
            f"needs: [{sentence(rng, 4)}]\nquote: {sentence(rng, 10)}\n---\n{sentence(rng, 40)}.\n")
    touchpoints = [f"touchpoint-{i}" for i in range(60)]
    (root / "touchpoints.yml").write_text("".join(
        f"{t}:\n  name: Touchpoint {i}\n  channel: {CHANNELS[i % len(CHANNELS)]}\n  owner: {teams[i % 10]}\n"
        for i, t in enumerate(touchpoints)))
    for n in range(maps):
        (root / "maps" / f"map-{n:05d}.md").write_text(_map(rng, n, personas, teams, touchpoints))


def _map(rng: random.Random, n: int, personas: list[str], teams: list[str], touchpoints: list[str]) -> str:
    lines = [
        "---", f"title: Journey {n} {sentence(rng, 3)}", f"persona: {personas[n % len(personas)]}",
        f"phase: {PHASES[n % 3]}", f"owner: {rng.choice(teams)}", "sponsor: Dana Ruiz, COO",
        f"contributors: [{rng.choice(teams)}, {rng.choice(teams)}]", "review_every: 120",
        "validation:", f"  last_validated: 2026-{rng.randint(1, 10):02d}-{rng.randint(1, 28):02d}",
        "  method: interviews", f"  customers: {rng.randint(3, 40)}", f"  notes: {sentence(rng, 12)}",
        "sources:",
    ]
    for s in range(3):
        lines += [f"  - id: source-{s}", "    type: crm", f"    title: {sentence(rng, 5)}",
                  f"    url: https://example.org/reports/{n}/{s}", "    date: 2026-06-01"]
    lines += ["gaps:", f"  - {sentence(rng, 9)}", "stages:"]
    steps = []
    for st in range(5):
        stage = f"Stage {st} {sentence(rng, 2)}"
        lines += [f"  - name: {stage}", f"    goal: {sentence(rng, 8)}",
                  f"    owner: {rng.choice(teams)}", "    steps:"]
        for sp in range(3):
            name = f"Step {st}.{sp} {sentence(rng, 3)}"
            steps.append((stage, name))
            lines += [
                f"      - name: {name}", f"        emotion: {rng.randint(1, 5)}",
                f"        touchpoints: [{rng.choice(touchpoints)}, {rng.choice(touchpoints)}]",
                f"        actions: {sentence(rng, 12)}", f"        thoughts: {sentence(rng, 10)}?",
                f"        feelings: {rng.choice(WORDS)}", f"        pain_points: [{sentence(rng, 6)}, {sentence(rng, 6)}]",
                f"        opportunities: [{sentence(rng, 6)}]", f"        evidence: [source-{rng.randint(0, 2)}]",
            ]
    lines.append("actions:")
    for _ in range(3):
        stage, step = rng.choice(steps)
        lines += [f"  - title: {sentence(rng, 6)}", f"    step: {stage} / {step}", f"    owner: {rng.choice(teams)}",
                  f"    effort: {rng.choice(('low', 'medium', 'high'))}", f"    impact: {rng.choice(('low', 'medium', 'high'))}",
                  "    status: planned", f"    metric: {sentence(rng, 6)}", "    due: 2027-03-31"]
    lines += ["wins:", "  - date: 2026-05-02", f"    title: {sentence(rng, 6)}", f"    result: {sentence(rng, 5)}",
              f"tags: [{rng.choice(WORDS)}, {rng.choice(WORDS)}]", "---", "", "## Notes", "", sentence(rng, 60) + ".", ""]
    return "\n".join(lines)
