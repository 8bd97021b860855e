"""An Atom feed of the changes that matter, so people subscribe instead of checking.

Entries: maps added (from git), validated, overdue for review, and wins, the
newest first. Built with ElementTree, which escapes every value; characters
XML cannot hold at all are dropped.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass

from journeysite.core.indexes import Insights
from journeysite.git.history import Edit
from journeysite.pages.render import page_url

ATOM = "http://www.w3.org/2005/Atom"
#: Entries in the feed: enough for a reader who checks monthly.
MAX_ENTRIES = 50
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
#: Characters a tag URI's specific part may hold as they are.
_ID = re.compile(r"[^A-Za-z0-9._~/-]+")


@dataclass(frozen=True)
class Event:
    day: dt.date
    kind: str
    title: str
    #: The page it is about, relative to the docs folder.
    page: str
    summary: str
    #: What makes the entry unique, for its id.
    key: str


def events(insights: Insights, edits: Mapping[str, Edit]) -> list[Event]:
    """What happened to each map, newest first (the map id breaks ties)."""
    found: list[Event] = []
    catalog = insights.catalog
    for mid, entry in catalog.maps.items():
        m = entry.data
        edit = edits.get(entry.path)
        if edit is not None and edit.added_on is not None:
            found.append(Event(edit.added_on, "added", f"New map: {entry.title}", entry.path, "A journey map was added.", f"{mid}/added"))
        if m is None:
            continue
        if m.validation is not None:
            v = m.validation
            who = ", ".join(filter(None, [", ".join(v.methods), f"{v.customers} customers" if v.customers is not None else ""]))
            found.append(Event(v.last_validated, "validated", f"Validated: {entry.title}", entry.path,
                               f"Validated with customers{': ' + who if who else ''}.", f"{mid}/validated/{v.last_validated.isoformat()}"))
        f = insights.freshness[mid]
        if f.state == "overdue" and f.next_review is not None:
            found.append(Event(f.next_review, "overdue", f"Review overdue: {entry.title}", entry.path,
                               f"The review was due on {f.next_review.isoformat()}; owner: {m.owner}.", f"{mid}/overdue/{f.next_review.isoformat()}"))
        for i, win in enumerate(m.wins):
            found.append(Event(win.date, "win", f"Win: {win.title}", entry.path, win.result or f"A win on {entry.title}.", f"{mid}/win/{i}"))
    found = [e for e in found if e.day <= catalog.today]
    return sorted(found, key=lambda e: (e.day, e.key), reverse=True)[:MAX_ENTRIES]


def atom(insights: Insights, edits: Mapping[str, Edit], site_name: str, site_url: str, directory_urls: bool) -> str:
    """The feed document. Links are relative to the site (resolved against
    `site_url` when the site names one)."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    if site_url:
        feed.set("{http://www.w3.org/XML/1998/namespace}base", site_url.rstrip("/") + "/")
    found = events(insights, edits)
    _text(feed, "title", f"{site_name}: journey map changes")
    ident = f"tag:journeysite.dev,2026:{_ID.sub('-', site_url or site_name).strip('-')}"
    _text(feed, "id", ident)
    _text(feed, "updated", _stamp(found[0].day if found else insights.catalog.today))
    ET.SubElement(feed, f"{{{ATOM}}}link", {"rel": "self", "href": "feed.xml"})
    ET.SubElement(feed, f"{{{ATOM}}}link", {"rel": "alternate", "href": "./"})
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    _text(author, "name", site_name)
    for e in found:
        item = ET.SubElement(feed, f"{{{ATOM}}}entry")
        _text(item, "title", e.title)
        _text(item, "id", f"{ident}/{e.key}")
        _text(item, "updated", _stamp(e.day))
        ET.SubElement(item, f"{{{ATOM}}}link", {"rel": "alternate", "href": page_url(e.page, directory_urls)})
        ET.SubElement(item, f"{{{ATOM}}}category", {"term": e.kind})
        _text(item, "summary", e.summary)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"


def _text(parent: ET.Element, tag: str, value: str) -> None:
    ET.SubElement(parent, f"{{{ATOM}}}{tag}").text = _clean(value)


def _clean(value: str) -> str:
    return _NOT_XML.sub("", value)


def _stamp(day: dt.date) -> str:
    return f"{dt.date(day.year, day.month, day.day).isoformat()}T00:00:00Z"
