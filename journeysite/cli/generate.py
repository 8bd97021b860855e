"""`journeysite generate`: the whole site as a plain docs folder, for any engine.

Zensical (Material's successor) does not run MkDocs plugins, and MkDocs 2
has none: the path that survives is to generate the pages before the build.
The folder holds the author's files with maps, personas and teams turned into
their pages, every derived page, `maps.json` and the assets the pages need;
the configuration written beside it is the project's own, pointed at the
folder, without the plugin, and with what the plugin would have added.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from journeysite.core.catalog import Catalog
from journeysite.core.loader import content_files
from journeysite.core.project import Project, ProjectError
from journeysite.git.history import last_edited
from journeysite.pages.generate import assets, generate
from journeysite.pages.mermaid_js import installed_script
from journeysite.pages.siteconfig import complete
from journeysite.pages.views import PageMemo, Paths

#: Material's format of the `mermaid` fence, as mkdocs.yml names it.
MERMAID_FORMAT = "pymdownx.superfences.fence_code_format"
#: A file in every folder `generate` writes: it may clear such a folder, and no other.
MARKER = ".journeysite-generated"


#: The engines `generate` writes for: whether each reads the relative links
#: in a page's HTML from the page's file (and rewrites them) or leaves them.
ENGINES = {"zensical": True, "mkdocs": False, "properdocs": False}


class Written(NamedTuple):
    """What a `SiteWriter` round wrote: how many files, how many it removed,
    and the pages to keep out of the navigation (a team's full listing, the
    later pages of a listing)."""

    files: int
    hidden: frozenset[str]
    removed: int = 0


class SiteWriter:
    """Writes every page and asset of a project into `out`, for `engine`.

    Once, or again after each change (`--watch`): then it keeps the page
    memo `mkdocs serve` keeps, renders only the pages whose content changed
    and writes only the files that did, so that an engine serving the
    folder (`zensical serve`) builds again only those; it removes what is
    no longer there."""

    def __init__(self, project: Project, out: Path, engine: str = "zensical", watch: bool = False) -> None:
        content = project.content.resolve()
        target = out.resolve()
        if target == content or target.is_relative_to(content) or content.is_relative_to(target):
            raise ProjectError(f"{out}: the output folder must be outside the content folder {project.content}, and not hold it")
        _empty(out)
        (out / MARKER).write_text("Written by `journeysite generate`; it is cleared and written again on each run.\n", encoding="utf-8")
        self.out, self.engine = out, engine
        self.memo = PageMemo(parts=True) if watch else None
        #: Under `--watch`: what each file written in the last round is (a
        #: page's Markdown, a copied file's age and size), to write only what
        #: changed. A one-off run keeps no page.
        self.last: dict[str, object] | None = {} if watch else None

    def write(self, project: Project, catalog: Catalog) -> Written:
        files = content_files(project.content)
        edits = last_edited(project.content, [e.path for e in catalog.maps.values()], catalog.today, catalog)
        paths = Paths(project.settings, directory_urls=project.directory_urls, links_from_file=ENGINES[self.engine],
                      site_name=project.site_name, site_url=project.site_url)
        site = generate(catalog, paths, edits, files, self.memo)
        now: dict[str, object] = {}
        written = 0
        copies = {rel: source for rel, source in files.items() if rel not in site.titles and rel not in site.derived}
        for rel, source in [*copies.items(), *assets(installed_script()).items()]:
            made = stamp(source)
            if made is None:
                continue
            if self._changed(rel, made, now):
                _write(self.out / rel, source.read_bytes())
                written += 1
        for rel, markdown in site.pages:
            if self._changed(rel, markdown, now):
                _write(self.out / rel, markdown.encode("utf-8"))
                written += 1
        if self.memo is not None:
            self.memo.keep()
        removed = 0
        if self.last is not None:
            for rel in self.last.keys() - now.keys():
                _remove(self.out, rel)
                removed += 1
            self.last = now
        return Written(written, site.hidden, removed)

    def _changed(self, rel: str, value: object, now: dict[str, object]) -> bool:
        """Whether to write `rel`: always in a one-off run; under `--watch`,
        when it differs from the last round (and it is noted in `now`, for
        the next)."""
        if self.last is None:
            return True
        now[rel] = value
        before = self.last.get(rel)
        return before is not value and before != value  # the memo hands back the very string of a page it did not render again


def stamp(file: Path) -> tuple[int, int] | None:
    """A file's modification time and size, which change when it is saved;
    None if it was removed while we looked."""
    try:
        stat = file.stat()
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size


def _remove(out: Path, rel: str) -> None:
    """Remove a file written before, and the folders it leaves empty."""
    path = out / rel
    path.unlink(missing_ok=True)
    for folder in path.parents:
        if folder == out or not folder.is_relative_to(out) or any(folder.iterdir()):
            break
        folder.rmdir()


def _empty(out: Path) -> None:
    """Make `out` an empty folder, refusing to clear one we did not write."""
    if out.exists() and not out.is_dir():
        raise ProjectError(f"{out}: a file, not a folder")
    if out.exists() and any(out.iterdir()):
        if not (out / MARKER).is_file():
            raise ProjectError(f"{out}: not empty, and not written by `journeysite generate`: give a new or empty folder")
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


class Tagged(NamedTuple):
    """A YAML value with a tag for MkDocs (`!ENV`, `!!python/name:...`), kept as written."""

    tag: str
    value: Any


class _Loader(yaml.SafeLoader):
    """Reads mkdocs.yml keeping every tag, so that the copy writes it back."""


class _Dumper(yaml.SafeDumper):
    pass


def _tagged(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Tagged:
    if isinstance(node, yaml.ScalarNode):
        return Tagged(node.tag, loader.construct_scalar(node))
    if isinstance(node, yaml.SequenceNode):
        return Tagged(node.tag, loader.construct_sequence(node, deep=True))
    return Tagged(node.tag, loader.construct_mapping(node, deep=True))  # type: ignore[arg-type]


def _represent(dumper: yaml.SafeDumper, data: Tagged) -> yaml.Node:
    if isinstance(data.value, list):
        return dumper.represent_sequence(data.tag, data.value)
    if isinstance(data.value, dict):
        return dumper.represent_mapping(data.tag, data.value)
    return dumper.represent_scalar(data.tag, data.value)


_Loader.add_multi_constructor("!", _tagged)
_Loader.add_multi_constructor("tag:yaml.org,2002:python/", _tagged)
_Dumper.add_representer(Tagged, _represent)


def completed(config_file: Path) -> tuple[dict[str, Any], list[str]]:
    """A mkdocs.yml as data (its tags kept), completed with what our pages
    need as the plugin completes it; the problems the author must fix."""
    try:
        config = yaml.load(config_file.read_text(encoding="utf-8"), Loader=_Loader) or {}  # noqa: S506 (tags are kept as data)
    except (OSError, yaml.YAMLError) as exc:
        raise ProjectError(f"{config_file}: cannot read it: {exc}") from exc
    given = config.get("theme")
    theme: dict[str, Any] = given if isinstance(given, dict) else {"name": given or "material"}
    config["theme"] = theme
    listed = config.get("markdown_extensions") or []
    extensions = [next(iter(e)) if isinstance(e, dict) else e for e in listed]
    options = {next(iter(e)): next(iter(e.values())) for e in listed if isinstance(e, dict)}
    config["extra_css"], config["extra_javascript"] = config.get("extra_css") or [], config.get("extra_javascript") or []
    fence = Tagged(f"tag:yaml.org,2002:python/name:{MERMAID_FORMAT}", "")
    problems = complete(extensions, options, fence, config["extra_css"], config["extra_javascript"], theme, str(theme.get("name")))
    config["markdown_extensions"] = [{name: options[name]} if options.get(name) else name for name in extensions]
    return config, problems


def write_config(config_file: Path, out: Path, target: Path, hidden: frozenset[str] = frozenset()) -> None:
    """The project's mkdocs.yml as `target`: `docs_dir` pointed at `out`,
    without the journeysite plugin, with our assets and Markdown extensions,
    `custom_dir` still pointing where it did and the site built beside it.
    The `hidden` pages go to `not_in_nav`, which keeps them out of the
    navigation the engine makes (as the plugin keeps them out of MkDocs')."""
    config, problems = completed(config_file)
    for problem in problems:
        print(problem, file=sys.stderr)
    base, here = config_file.parent.resolve(), target.parent.resolve()
    config["docs_dir"] = os.path.relpath(out.resolve(), here)
    config.pop("site_dir", None)  # beside the written config (Zensical wants it below the config's folder)
    if isinstance(config["theme"].get("custom_dir"), str):
        config["theme"]["custom_dir"] = os.path.relpath(base / config["theme"]["custom_dir"], here)
    plugins = config.get("plugins") or ["search"]
    if isinstance(plugins, dict):
        plugins.pop("journeysite", None)
    else:
        plugins = [p for p in plugins if p != "journeysite" and not (isinstance(p, dict) and "journeysite" in p)]
    config["plugins"] = plugins
    given = config.get("not_in_nav") or ""
    if hidden and isinstance(given, str):  # patterns as in .gitignore; our paths are made of ids, which hold no pattern characters
        config["not_in_nav"] = "".join([given.rstrip("\n") + "\n" if given.strip() else "", *(f"/{path}\n" for path in sorted(hidden))])
    text = ("# Written by `journeysite generate` from " + os.path.relpath(config_file.resolve(), here)
            + ": build it with zensical, mkdocs or properdocs.\n" + yaml.dump(config, Dumper=_Dumper, sort_keys=False, allow_unicode=True))
    if not target.is_file() or target.read_text(encoding="utf-8") != text:  # unchanged, it does not make a serving engine start over
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
