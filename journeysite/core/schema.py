"""JSON Schema of every file kind, generated from the model for editors."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from journeysite.core.model import Map, Metric, Persona, SharedSource, System, Team, Touchpoint

KINDS: dict[str, type[BaseModel]] = {"map": Map, "persona": Persona, "team": Team, "touchpoints": Touchpoint, "systems": System,
                                     "sources": SharedSource, "metrics": Metric}
#: The kinds whose file is a registry: ids mapped to entries.
REGISTRY_KINDS = ("touchpoints", "systems", "sources", "metrics")
DIALECT = "https://json-schema.org/draft/2020-12/schema"


def json_schema(kind: str) -> dict[str, Any]:
    """The schema of one kind; a registry kind describes the whole file."""
    model = KINDS[kind]
    schema = model.model_json_schema()
    if kind in REGISTRY_KINDS:
        defs = schema.pop("$defs", {})
        schema = {
            "title": f"{kind}.yml",
            "description": f"Registry of {kind}, keyed by id.",
            "type": "object",
            "propertyNames": {"pattern": "^[a-z0-9][a-z0-9-]*$"},
            "additionalProperties": schema,
            **({"$defs": defs} if defs else {}),
        }
    return {"$schema": DIALECT, "$id": f"https://journeysite.dev/schema/{kind}.json", **schema}
