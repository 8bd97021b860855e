"""The typed, immutable model of a knowledge base: what authors may write.

These pydantic models are the content contract that `docs/content.md` describes
(field names must not change without a migration note). They forbid unknown
keys, are frozen, and double as the source of the JSON Schema for editors.
Cross-file references are plain ids here; `catalog` resolves them.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Annotated, Any, Generic, Literal, TypeVar, get_args

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    SerializerFunctionWrapHandler,
    Strict,
    StringConstraints,
    WithJsonSchema,
    model_serializer,
    model_validator,
)
from pydantic_core import PydanticCustomError, to_jsonable_python

SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
#: Bounds far above any real journey map, so a runaway file fails fast and clearly.
MAX_STAGES = 50
MAX_STEPS = 100

Id = Annotated[str, Strict(), StringConstraints(pattern=SLUG_PATTERN)]
Name = Annotated[str, Strict(), StringConstraints(pattern=r"\S", max_length=500)]
Text = Annotated[str, Strict(), StringConstraints(max_length=20_000)]
Date = Annotated[dt.date, Strict()]


class Period(dt.date):
    """A date known only to the year (2016) or the month (2020-04): it is
    the period's last day (freshness counts from the end of the period) and
    shows as written."""

    written: str

    def __new__(cls, year: int, month: int, day: int, written: str | None = None) -> Any:
        if written is None:  # date arithmetic makes its result this way: a plain day
            return dt.date(year, month, day)
        self = super().__new__(cls, year, month, day)
        self.written = written
        return self

    @classmethod
    def ending(cls, end: dt.date, written: str) -> Period:
        period: Period = cls(end.year, end.month, end.day, written)
        return period

    def isoformat(self) -> str:
        return self.written

    @property
    def begins(self) -> dt.date:
        """The first day of the period."""
        return dt.date(self.year, 1 if len(self.written) == 4 else self.month, 1)


_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def _period(value: Any) -> Any:
    """A year (a whole number) or a month (`2020-04`) as a `Period`; any
    other value is left for the date check to judge."""
    if isinstance(value, int) and not isinstance(value, bool) and 1000 <= value <= 9999:
        return Period.ending(dt.date(value, 12, 31), str(value))
    if isinstance(value, str) and (month := _MONTH.match(value)) and 1 <= int(month[2]) <= 12:
        year, number = int(month[1]), int(month[2])
        return Period.ending(dt.date(year + number // 12, number % 12 + 1, 1) - dt.timedelta(days=1), value)
    return value


#: A research date: a day, or only a year or a month.
ResearchDate = Annotated[dt.date, BeforeValidator(_period), Strict(), WithJsonSchema({"anyOf": [
    {"type": "string", "format": "date"}, {"type": "string", "pattern": "^\\d{4}-\\d{2}$"}, {"type": "integer", "minimum": 1000, "maximum": 9999}],
    "description": "a day (2026-09-14), a month (2020-04) or a year (2016)"})]
Url = Annotated[str, Strict(), StringConstraints(pattern=r"^(https?://|mailto:)\S+$")]
#: A reviewer as CODEOWNERS names one: `@user`, `@org/team` or an e-mail address (one word: a line break could add rules).
HANDLE_PATTERN = r"^(@[A-Za-z0-9][A-Za-z0-9_.-]*(/[A-Za-z0-9][A-Za-z0-9_.-]*)?|[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,})$"
Handle = Annotated[str, Strict(), StringConstraints(pattern=HANDLE_PATTERN)]

Phase = Literal["buy", "own", "advocate"]
PHASES: tuple[Phase, ...] = ("buy", "own", "advocate")
Level = Literal["low", "medium", "high"]
Status = Literal["idea", "planned", "in-progress", "done", "dropped"]
STATUSES: tuple[Status, ...] = ("idea", "planned", "in-progress", "done", "dropped")
#: Actions still to do: not done, not dropped.
OPEN: tuple[Status, ...] = ("idea", "planned", "in-progress")
Method = Literal["interviews", "survey", "usability-test", "analytics", "workshop", "other"]
SourceType = Literal["crm", "contact-centre", "voc", "research", "analytics", "social", "other"]
Channel = Literal["web", "app", "email", "phone", "chat", "in-person", "mail", "social", "partner", "sms", "letter", "kiosk", "video", "other"]
CHANNELS: tuple[str, ...] = get_args(Channel)
Kind = Literal["customer", "employee", "partner"]
#: A number and a unit, as research reports durations.
DURATION_PATTERN = r"^\d+(\.\d+)? (minutes?|hours?|days?|weeks?|months?)$"
Duration = Annotated[str, Strict(), StringConstraints(pattern=DURATION_PATTERN)]
Score = Annotated[int, Strict(), Field(ge=1, le=5)]
Better = Literal["higher", "lower"]
#: What the step after a branch may be: "Stage / Step" of the same map, or this.
EXIT = "exit"


def _emotion(value: Any) -> Any:
    """One score, or a score per actor; anything else gets one message that
    says both forms (a union would report each form's error)."""
    scores = value.values() if isinstance(value, dict) else [value]
    if value is None or all(isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= 5 for v in scores):
        return value
    raise PydanticCustomError(
        "emotion", "expected a score from 1 (very negative) to 5 (very positive), or one per actor like "
        "{customer: 2, loan-officer: 4}; got {got}", {"got": repr(value) if not isinstance(value, dict) else "a mapping with other values"})


def _number(value: Any) -> Any:
    """A whole or decimal number; one message for anything else (yes/no,
    text such as '85%', infinity)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
        return value
    got = (f"'{value}'" if isinstance(value, str) else "a yes/no value" if isinstance(value, bool) else "nothing" if value is None
           else f"{value}, not a finite number" if isinstance(value, float) else f"a {type(value).__name__}")
    raise PydanticCustomError("number", "expected a number like 85 or 71.5, without its unit; got {got}", {"got": got})


#: A measured value: a whole or decimal number.
Number = Annotated[int | float, BeforeValidator(_number)]


def text_fields(model: BaseModel, at: tuple[str | int, ...] = ()) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """Every value of a `Text` field (inline Markdown) in `model`, with its
    field path: what may hold links."""
    text, nested = _fields_of(type(model))
    for name in text:
        value = getattr(model, name)
        if isinstance(value, str):
            yield (*at, name), value
        elif isinstance(value, tuple):
            yield from (((*at, name, i), v) for i, v in enumerate(value))
    for name in nested:
        value = getattr(model, name)
        if isinstance(value, BaseModel):
            yield from text_fields(value, (*at, name))
        elif isinstance(value, tuple):
            for i, item in enumerate(value):
                if isinstance(item, BaseModel):  # a list may mix models and ids (a map's sources)
                    yield from text_fields(item, (*at, name, i))


@functools.cache
def _fields_of(model: type[BaseModel]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """A model's `Text` fields, and its fields that hold models (read from
    the annotations once per class: per value, that was a second a build)."""
    fields = model.model_fields
    text = tuple(name for name, f in fields.items() if _holds(f.annotation, lambda a: a == Text))
    nested = tuple(name for name, f in fields.items()
                   if _holds(f.annotation, lambda a: isinstance(a, type) and issubclass(a, BaseModel)))
    return text, nested


def _holds(annotation: Any, kind: Callable[[Any], bool]) -> bool:
    return kind(annotation) or any(_holds(a, kind) for a in get_args(annotation) if a is not Ellipsis)


#: The extension fields of a model that has none.
_NONE: Mapping[str, Any] = MappingProxyType({})


class Strictly(BaseModel):
    """Frozen, and no unknown keys but extension fields: a key that starts
    with `x-` holds any value, kept in `extensions` (and compared, so a page
    that shows one changes with it)."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=False,
                              json_schema_extra={"patternProperties": {"^x-": {}}})
    #: None when there are none (most models): a dict of None only is one
    #: object fewer for the garbage collector to walk, for each of the tens
    #: of thousands of models `mkdocs serve` keeps.
    _extensions: dict[str, Any] | None = PrivateAttr(default=None)

    @model_validator(mode="wrap")
    @classmethod
    def _set_aside_extensions(cls, data: Any, handler: Any) -> Any:
        extensions = {k: v for k, v in data.items() if isinstance(k, str) and k.startswith("x-")} if isinstance(data, dict) else {}
        model = handler({k: v for k, v in data.items() if k not in extensions} if extensions else data)
        if extensions:
            model._extensions = extensions
        return model

    @property
    def extensions(self) -> Mapping[str, Any]:
        # Read where pydantic keeps private values: `self._extensions` takes
        # `BaseModel.__getattr__`, which raises and catches an error inside
        # on every read (a twentieth of rendering a map page).
        private: dict[str, Any] = self.__pydantic_private__  # type: ignore[assignment]
        return private["_extensions"] or _NONE

    @model_serializer(mode="wrap")
    def _with_extensions(self, handler: SerializerFunctionWrapHandler) -> Any:
        """Exports (`maps.json`) keep extension fields where they stand."""
        data = handler(self)
        if self.extensions and isinstance(data, dict):
            data.update(to_jsonable_python(self.extensions))
        return data


class Validation(Strictly):
    """When and how real customers last confirmed the map."""

    last_validated: ResearchDate
    method: Method | tuple[Method, ...] | None = Field(None, description="one method or a list")
    customers: Annotated[int, Strict(), Field(ge=0)] | None = None
    staff: Annotated[int, Strict(), Field(ge=0, description="how many employees took part")] | None = None
    notes: Text | None = None

    @property
    def methods(self) -> tuple[str, ...]:
        return () if self.method is None else (self.method,) if isinstance(self.method, str) else self.method


class SharedSource(Strictly):
    """One entry of `sources.yml`: evidence that several maps cite by its id."""

    type: SourceType
    title: Name
    url: Url | None = None
    date: ResearchDate | None = None


class Source(SharedSource):
    """A piece of evidence the map rests on; steps cite it by id."""

    id: Id


class Quote(Strictly):
    """A customer's own words."""

    text: Text
    who: Name | None = None
    source: Id | None = Field(None, description="id of one of the map's sources")


class Branch(Strictly):
    """Another way on from a step; the listed order of steps is the main path."""

    when: Name
    to: Name = Field(description='"Stage / Step" of this map, or exit')


class Measurement(Strictly):
    """A KPI's value on a day."""

    date: Date
    value: Number


class Kpi(Strictly):
    """A metric measured on a map, a stage or a step: where it stands
    against its target."""

    metric: Id = Field(description="id from metrics.yml")
    target: Number | None = None
    baseline: Measurement | None = Field(None, description="the value before the work began")
    values: tuple[Measurement, ...] = Field((), description="dated measurements (more may come from CSV files in metrics/)")


class Step(Strictly):
    name: Name
    emotion: Annotated[Score | dict[Id, Score] | None, BeforeValidator(_emotion), Field(
        description="1 (very negative) .. 5 (very positive), or one score per actor; absent: not measured")] = None
    touchpoints: tuple[Id, ...] = ()
    owner: Id | None = None
    actions: Text | None = None
    thoughts: Text | None = None
    feelings: Text | None = None
    pain_points: tuple[Text, ...] = ()
    opportunities: tuple[Text, ...] = ()
    evidence: tuple[Id, ...] = ()
    frontstage: Text | None = Field(None, description="what staff do that the customer sees")
    backstage: Text | None = Field(None, description="what staff do out of sight")
    support: tuple[Id, ...] = Field((), description="ids from systems.yml")
    moment_that_matters: bool = False
    bright_spots: tuple[Text, ...] = ()
    quotes: tuple[Quote, ...] = ()
    duration: Duration | None = Field(None, description="a number and a unit: minutes, hours, days, weeks or months")
    optional: bool = False
    branches: tuple[Branch, ...] = ()
    kpis: tuple[Kpi, ...] = ()


class Stage(Strictly):
    name: Name
    goal: Text | None = None
    owner: Id | None = None
    steps: Annotated[tuple[Step, ...], Field(min_length=1, max_length=MAX_STEPS)]
    kpis: tuple[Kpi, ...] = ()


class External(Strictly):
    """A party outside the organisation that owns an action."""

    external: Name


class Action(Strictly):
    """An improvement in the action plan, tied to what it improves."""

    title: Name
    step: Name | tuple[Name, ...] | None = Field(None, description='"Stage", "Stage / Step" of this map, or a list of them; absent: the whole map')
    owner: Id | External = Field(description="a team id, or {external: Name} for a party outside the organisation")
    effort: Level
    impact: Level
    status: Status
    hypothesis: Text | None = Field(None, description="what the team expects to change")
    metric: Text | None = None
    due: Date | None = None

    @property
    def targets(self) -> tuple[str, ...]:
        """What the action improves, each "Stage" or "Stage / Step"."""
        return () if self.step is None else (self.step,) if isinstance(self.step, str) else self.step

    @property
    def team(self) -> str | None:
        """The owning team's id (None: owned outside the organisation)."""
        return self.owner if isinstance(self.owner, str) else None


class Win(Strictly):
    date: Date
    title: Name
    result: Text | None = None


class Map(Strictly):
    """A customer journey map: front matter of `maps/<id>.md`."""

    title: Name
    persona: Id
    phase: Phase | tuple[Phase, ...] = Field(description="one phase, or a list for a journey that spans several")
    parent: Id | None = None
    parent_stage: Name | None = None
    owner: Id
    sponsor: Name | None = None
    contributors: tuple[Id, ...] = ()
    review_every: Annotated[int, Strict(), Field(ge=1, le=3650)] | None = None
    validation: Validation | None = None
    sources: tuple[Source | Id, ...] = Field((), description="the map's own sources, and ids of sources.yml")
    gaps: tuple[Text, ...] = ()
    stages: Annotated[tuple[Stage, ...], Field(min_length=1, max_length=MAX_STAGES)]
    actions: tuple[Action, ...] = ()
    wins: tuple[Win, ...] = ()
    tags: tuple[Name, ...] = ()
    actors: tuple[Id, ...] = Field((), description="other personas who take part in this journey")
    state: Literal["current", "future"] = Field("current", description="future: a to-be design")
    redesigns: Id | None = Field(None, description="with state: future, the current map it redesigns")
    kpis: tuple[Kpi, ...] = ()

    @property
    def phases(self) -> tuple[Phase, ...]:
        return (self.phase,) if isinstance(self.phase, str) else self.phase

    def kpi_places(self) -> Iterator[tuple[tuple[str | int, ...], Stage | None, Step | None, tuple[Kpi, ...]]]:
        """Where the map declares KPIs: its field path, stage and step (None
        for the map itself), and the KPIs, map first, then in customer order."""
        if self.kpis:
            yield ("kpis",), None, None, self.kpis
        for i, stage in enumerate(self.stages):
            if stage.kpis:
                yield ("stages", i, "kpis"), stage, None, stage.kpis
            for j, step in enumerate(stage.steps):
                if step.kpis:
                    yield ("stages", i, "steps", j, "kpis"), stage, step, step.kpis


class Persona(Strictly):
    """Front matter of `personas/<id>.md`."""

    name: Name
    kind: Kind = "customer"
    segment: Name | None = None
    value: Level
    goals: tuple[Text, ...] = ()
    needs: tuple[Text, ...] = ()
    quote: Text | None = None


class Team(Strictly):
    """Front matter of `teams/<id>.md`: a business function that owns things."""

    name: Name
    function: Name | None = None
    lead: Name | None = None
    contact: Name | None = None
    code_owners: tuple[Handle, ...] = Field((), description="GitHub or GitLab handles (@org/team, @user) or e-mail addresses: who must review changes to what this team owns")


class Touchpoint(Strictly):
    """One entry of `touchpoints.yml`."""

    name: Name
    channel: Channel | tuple[Channel, ...] = Field(description="one channel or a list")
    owner: Id

    @property
    def channels(self) -> tuple[str, ...]:
        return (self.channel,) if isinstance(self.channel, str) else self.channel


class System(Strictly):
    """One entry of `systems.yml`: software or a process that supports steps."""

    name: Name
    owner: Id


class Metric(Strictly):
    """One entry of `metrics.yml`: a KPI that maps measure."""

    name: Name
    unit: Annotated[str, Strict(), StringConstraints(pattern=r"\S", max_length=30)] = Field(description="%, s, min, days, score, count, ...")
    better: Better = Field(description="whether higher or lower values are better")
    owner: Id | None = None
    description: Text | None = None


T = TypeVar("T", Map, Persona, Team, Touchpoint, System, SharedSource, Metric)


@dataclass(frozen=True)
class Entry(Generic[T]):
    """One item of the knowledge base, kept even when its data is unusable.

    `data` is None when the front matter failed the schema: the site still
    lists the file (with its errors) so that nothing silently disappears.
    """

    id: str
    path: str
    title: str
    data: T | None
    body: str = ""
    body_line: int = 1
    #: (field path, target as written, docs file) of each link to a docs
    #: file in its text fields, found once when the file is parsed.
    links: tuple[tuple[tuple[str | int, ...], str, str], ...] = ()
