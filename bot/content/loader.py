"""Read scenario packs and seeds from YAML, turning every fault into a located ``Problem``.

A pack is a folder ``content/<id>/`` holding any number of ``*.yaml`` files (sub-folders too).
Each file is a mapping of top-level ``Scenario`` keys; the loader merges them, and a mapping
key such as ``briefs`` may be spread over several files (one ``briefs/<actor>.yaml`` each).
A key defined twice is an error, never a silent override.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from bot.content.models import Role, Scenario, SeedMeta
from bot.content.problems import REPO_ROOT, ContentError, Problem, display_path, read_utf8
from bot.content.seed import load_paragraphs
from bot.content.seed import paragraph as _paragraph

__all__ = [
    "DEFAULT_CONTENT_DIR",
    "DEFAULT_SEEDS_DIR",
    "ContentError",
    "LoadedScenario",
    "RawPack",
    "Seed",
    "load_pack",
    "load_scenario",
    "load_scenarios",
    "load_seed",
    "pack_dirs",
    "read_pack",
]

DEFAULT_CONTENT_DIR = REPO_ROOT / "content"
DEFAULT_SEEDS_DIR = REPO_ROOT / "seeds"

Loc = Sequence[int | str]


# --- YAML that refuses duplicate keys ------------------------------------------------------------


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that rejects a key repeated within one mapping (PyYAML keeps the last)."""


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode) -> dict[Hashable, Any]:
    seen: set[Hashable] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if isinstance(key, Hashable) and key in seen:
            raise yaml.constructor.ConstructorError(
                "while constructing a mapping",
                node.start_mark,
                f"found duplicate key {key!r}",
                key_node.start_mark,
            )
        if isinstance(key, Hashable):
            seen.add(key)
    return loader.construct_mapping(node, deep=True)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.load(read_utf8(path), Loader=_StrictLoader)
    except yaml.YAMLError as exc:
        raise ContentError(
            [Problem(display_path(path), None, None, f"invalid YAML: {_one_line(exc)}")]
        ) from exc


def _one_line(exc: BaseException) -> str:
    """PyYAML's multi-line message on one line, without the stand-in stream name."""
    return " ".join(str(exc).replace(' in "<unicode string>",', ",").split())


# --- locating a fault: (file, item, field) from a pydantic-style location -------------------------

_SINGULAR = {
    "actors": "actor",
    "agenda": "agenda",
    "allies": "ally",
    "author_argument": "argument",
    "background": "section",
    "briefs": "brief",
    "cards": "card",
    "coverage_exempt": "exemption",
    "interests": "interest",
    "objectives": "objective",
    "opponents": "opponent",
    "options": "option",
    "points": "point",
    "positions": "position",
    "questions": "question",
    "quiz": "item",
    "red_lines": "red line",
    "reflection_prompts": "prompt",
    "round_plan": "phase",
    "schedules": "schedule",
    "situation": "situation",
    "talking_points": "talking point",
    "topics": "topic",
    "what_happened": "what happened",
}
_KEYED_COLLECTIONS = {"briefs", "schedules"}
_MISSING = object()


def _label(collection: str, element: dict[str, Any], index: int) -> tuple[str, bool]:
    """Name a list element for a message; the flag says whether the name is unique pack-wide."""
    noun = _SINGULAR.get(collection, collection.replace("_", " "))
    if isinstance(element.get("id"), str):
        return f"{noun} {element['id']}", collection != "options"  # option ids are per item
    if collection == "objectives":
        return f"{noun} {element.get('actor')}/{element.get('agenda')}", True
    if collection == "positions" and isinstance(element.get("agenda"), str):
        return f"{noun} {element['agenda']}", False
    return f"{noun} #{index + 1}", False


def locate(loc: Loc, data: Any) -> tuple[str | None, str | None]:
    """Translate a location path into (item, field) as an author reads them.

    The item is the innermost list element (or brief) on the path, named by its id; an item
    without an id of its own is prefixed by its container ("brief japan, interest #2").
    """
    node: Any = data
    labels: list[tuple[str, bool]] = []
    parts: list[str] = []
    collection = ""
    for depth, part in enumerate(loc):
        child: Any = _MISSING
        if isinstance(node, dict):
            if isinstance(part, str) and part not in node and node.get("type") == part:
                continue  # pydantic's tag for a discriminated union member
            child = node.get(part, _MISSING)
            nested = depth < len(loc) - 1
            if isinstance(child, dict) and depth == 0 and nested and part not in _KEYED_COLLECTIONS:
                labels.append((str(part).replace("_", " "), True))
                parts = []
            elif isinstance(child, dict) and collection in _KEYED_COLLECTIONS and depth == 1:
                labels.append((f"{_SINGULAR[collection]} {part}", True))
                parts = []
            else:
                parts.append(f".{part}")
            if isinstance(part, str):
                collection = part
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            child = node[part]
            if isinstance(child, dict):
                labels.append(_label(collection, child, part))
                parts = []
            else:
                parts.append(f"[{part}]")
        else:
            parts.append(f"[{part}]" if isinstance(part, int) else f".{part}")
        node = child
    item: str | None = None
    if labels:
        name, unique = labels[-1]
        outer = labels[:-1]
        while not unique and outer:
            parent, unique = outer.pop()
            name = f"{parent}, {name}"
        item = name
    field_name = "".join(parts).lstrip(".") or None
    return item, field_name


@dataclass(frozen=True)
class RawPack:
    """YAML data as read, with the file each top-level key (or brief) came from."""

    directory: Path
    data: dict[str, Any]
    origins: dict[tuple[Hashable, ...], Path] = field(default_factory=dict)

    def file_for(self, loc: Loc) -> Path:
        """The file that defines the value at ``loc`` (the folder when it spans several)."""
        for length in (2, 1, 0):
            key = tuple(loc[:length])
            if len(key) == length and key in self.origins:
                return self.origins[key]
        return self.directory

    def problem(self, loc: Loc, message: str) -> Problem:
        """A ``Problem`` for the value at ``loc``."""
        item, field_name = locate(loc, self.data)
        return Problem(display_path(self.file_for(loc)), item, field_name, message)

    def problems_from(self, error: ValidationError) -> list[Problem]:
        """One ``Problem`` per pydantic error, in the author's terms."""
        problems = []
        for err in error.errors(include_url=False):
            loc = list(err["loc"])
            if err["type"] in ("union_tag_invalid", "union_tag_not_found"):
                loc.append("type")
            message = err["msg"]
            if message.startswith("Value error, "):
                message = message.removeprefix("Value error, ")
            problems.append(self.problem(loc, message))
        return problems


def read_pack(directory: Path | str) -> RawPack:
    """Read and merge every YAML file of a pack folder (no validation yet)."""
    directory = Path(directory)
    if not directory.is_dir():
        raise ContentError([Problem(display_path(directory), None, None, "not a folder")])
    data: dict[str, Any] = {}
    origins: dict[tuple[Hashable, ...], Path] = {}
    problems: list[Problem] = []
    files = sorted(p for p in directory.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())
    for path in files:
        try:
            content = _read_yaml(path)
        except ContentError as exc:
            problems.extend(exc.problems)
            continue
        if content is None:
            continue
        if not isinstance(content, dict):
            problems.append(
                Problem(display_path(path), None, None, "must be a mapping of scenario keys")
            )
            continue
        for key, value in content.items():
            problems.extend(_merge(data, origins, directory, path, key, value))
    if problems:
        raise ContentError(problems)
    return RawPack(directory, data, origins)


def _merge(
    data: dict[str, Any],
    origins: dict[tuple[Hashable, ...], Path],
    directory: Path,
    path: Path,
    key: Any,
    value: Any,
) -> Iterable[Problem]:
    """Merge one top-level key; mappings merge one level down, anything else only once."""
    if key not in data:
        data[key] = value
        origins[(key,)] = path
        if isinstance(value, dict):
            origins.update({(key, sub): path for sub in value})
        return []
    if not (isinstance(data[key], dict) and isinstance(value, dict)):
        first = display_path(origins[(key,)])
        return [Problem(display_path(path), None, str(key), f"already defined in {first}")]
    problems = []
    for sub, sub_value in value.items():
        if sub in data[key]:
            first = display_path(origins[(key, sub)])
            problems.append(
                Problem(display_path(path), None, f"{key}.{sub}", f"already defined in {first}")
            )
            continue
        data[key][sub] = sub_value
        origins[(key, sub)] = path
    if origins[(key,)] != path:
        origins[(key,)] = directory
    return problems


@dataclass(frozen=True)
class LoadedScenario:
    """A validated scenario together with the raw pack, so faults can still be located."""

    raw: RawPack
    scenario: Scenario


def load_pack(directory: Path | str) -> LoadedScenario:
    """Read and validate one pack; raise ``ContentError`` listing every schema fault."""
    raw = read_pack(directory)
    try:
        scenario = Scenario.model_validate(raw.data)
    except ValidationError as exc:
        raise ContentError(raw.problems_from(exc)) from exc
    return LoadedScenario(raw, scenario)


def load_scenario(directory: Path | str) -> Scenario:
    """Load one scenario pack (schema-checked; run ``check_scenario`` for the full check)."""
    return load_pack(directory).scenario


def pack_dirs(content_root: Path | str) -> list[Path]:
    """Pack folders under ``content_root``: the sub-folders that hold a ``scenario.yaml``."""
    root = Path(content_root)
    return sorted(p.parent for p in root.glob("*/scenario.yaml"))


def load_scenarios(content_root: Path | str = DEFAULT_CONTENT_DIR) -> dict[str, Scenario]:
    """Load every pack under ``content_root`` keyed by scenario id."""
    scenarios: dict[str, Scenario] = {}
    problems: list[Problem] = []
    for directory in pack_dirs(content_root):
        try:
            scenario = load_scenario(directory)
        except ContentError as exc:
            problems.extend(exc.problems)
            continue
        if scenario.id in scenarios:
            problems.append(
                Problem(
                    display_path(directory / "scenario.yaml"),
                    None,
                    "id",
                    f"scenario id {scenario.id!r} is used by another pack",
                )
            )
            continue
        scenarios[scenario.id] = scenario
    if problems:
        raise ContentError(problems)
    return scenarios


# --- seeds ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Seed:
    """A source article: its numbered paragraphs and its metadata file."""

    text_path: Path
    meta_path: Path
    paragraphs: list[str]
    meta: SeedMeta
    raw: RawPack

    @property
    def name(self) -> str:
        """The seed's file name, as scenarios cite it."""
        return self.text_path.name

    def paragraph(self, number: int) -> str:
        """¶``number`` (1-based); ``IndexError`` when out of range."""
        return _paragraph(self.paragraphs, number)

    def role(self, number: int) -> Role | None:
        """The role of ¶``number`` per the metadata (``None`` if unassigned)."""
        return self.meta.role_numbers().get(number)

    def citable(self) -> list[int]:
        """Paragraphs any text may quote: analysis and the author note, never a footer."""
        roles = self.meta.role_numbers()
        return [
            n
            for n in range(1, len(self.paragraphs) + 1)
            if roles.get(n) in ("analysis", "author_note")
        ]


def load_seed(seeds_root: Path | str, file_name: str) -> Seed:
    """Load ``<seeds_root>/<file_name>`` and its ``.yaml`` metadata, or raise ``ContentError``."""
    text_path = Path(seeds_root) / file_name
    meta_path = text_path.with_suffix(".yaml")
    problems = [
        Problem(display_path(p), None, None, "seed file missing")
        for p in (text_path, meta_path)
        if not p.is_file()
    ]
    if problems:
        raise ContentError(problems)
    content = _read_yaml(meta_path)
    raw = RawPack(meta_path.parent, content if isinstance(content, dict) else {}, {(): meta_path})
    if not isinstance(content, dict):
        raise ContentError([raw.problem((), "must be a mapping")])
    try:
        meta = SeedMeta.model_validate(content)
    except ValidationError as exc:
        raise ContentError(raw.problems_from(exc)) from exc
    return Seed(text_path, meta_path, load_paragraphs(text_path), meta, raw)
