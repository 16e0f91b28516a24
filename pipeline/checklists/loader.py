"""Reading checklist YAML files into ``Checklist`` objects, with errors that name file and line.

The YAML is composed into nodes first so every key and value keeps its line; a pydantic
validation error's location is then mapped back to the line that caused it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from pipeline.checklists.rules import Checklist
from pipeline.errors import IntakeError

BUILTIN_DIR = Path(__file__).parent / "builtin"

Path_ = tuple[Any, ...]


class ChecklistRegistry:
    """The checklists a run may apply, by id, with the file each came from."""

    def __init__(self) -> None:
        self.checklists: dict[str, Checklist] = {}
        self.files: dict[str, str] = {}

    def add(self, checklist: Checklist, file: str) -> None:
        self.checklists[checklist.id] = checklist
        self.files[checklist.id] = file

    def get(self, checklist_id: str) -> Checklist | None:
        return self.checklists.get(checklist_id)

    def ids(self) -> list[str]:
        return sorted(self.checklists)

    def inference_order(self) -> list[Checklist]:
        """Checklists that can be inferred, in the order they are tried."""
        inferable = [c for c in self.checklists.values() if c.applies_when]
        return sorted(inferable, key=lambda c: (c.infer_order, c.id))


def load_checklists(extra_dirs: list[str] | None = None) -> ChecklistRegistry:
    """The built-in checklists plus every ``*.yaml``/``*.yml`` in ``extra_dirs``.

    A user checklist with a built-in's id replaces the built-in; two user files with one id,
    a missing folder or a malformed file raise ``IntakeError`` naming the file and line.
    """
    registry = ChecklistRegistry()
    for path in _yaml_files(BUILTIN_DIR):
        registry.add(load_checklist_file(path), str(path))
    seen: dict[str, str] = {}
    for folder in extra_dirs or []:
        directory = Path(folder)
        if not directory.is_dir():
            raise IntakeError("E_CHECKLIST_DIR", f"checklist folder {folder} does not exist or is not a "
                              "folder; pass a folder holding *.yaml checklist files", str(folder))
        for path in _yaml_files(directory):
            checklist = load_checklist_file(path)
            if checklist.id in seen:
                raise IntakeError("E_CHECKLIST_DUPLICATE", f"{path}: checklist id '{checklist.id}' is already "
                                  f"defined in {seen[checklist.id]}; give one of them another id", str(path))
            seen[checklist.id] = str(path)
            registry.add(checklist, str(path))
    return registry


_CACHE: dict[tuple[str, int, int], Checklist] = {}


def load_checklist_file(path: Path) -> Checklist:
    """One checklist file, parsed once per (path, size, modification time): edits are picked up."""
    try:
        stat = path.stat()
    except OSError as exc:
        raise IntakeError("E_CHECKLIST", f"{path}: cannot read checklist file ({exc})", str(path)) from None
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    if key not in _CACHE:
        _CACHE[key] = _parse_checklist_file(path)
    return _CACHE[key]


def _parse_checklist_file(path: Path) -> Checklist:
    text = _read(path)
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        raise _error(path, line, f"not valid YAML: {exc.problem or exc}") from None
    if node is None or not isinstance(node, yaml.MappingNode):
        raise _error(path, (node.start_mark.line + 1) if node else 1,
                     "a checklist file must be a mapping with id, version, description and rules")
    marks: dict[Path_, int] = {}
    data = _to_python(node, (), marks, yaml.SafeLoader(""))
    try:
        return Checklist.model_validate(data)
    except ValidationError as exc:
        # the deepest error is the most specific (a mapping given where a type name or a mapping
        # is allowed fails both; the mapping's own error says what is wrong with it)
        errors = exc.errors()
        first = max(errors, key=lambda e: len(e["loc"]))
        line = _line_for(first["loc"], marks)
        where = ".".join(str(p) for p in first["loc"] if not _is_pydantic_tag(p))
        message = first["msg"].removeprefix("Value error, ")
        if first["type"] == "extra_forbidden":
            message = f"unknown key '{first['loc'][-1]}' (see pipeline/checklists/README.md for the keys)"
        elif first["type"] in ("literal_error", "enum"):
            message = f"{first['input']!r} is not allowed: {message}"
        raise _error(path, line, f"{where or 'top level'}: {message}") from None


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise IntakeError("E_CHECKLIST", f"{path}: cannot read checklist file ({exc}); "
                          "it must be UTF-8 YAML", str(path)) from None


def _yaml_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())


def _error(path: Path, line: int, problem: str) -> IntakeError:
    return IntakeError("E_CHECKLIST", f"{path}:{line}: {problem}", str(path))


def _to_python(node: yaml.Node, path: Path_, marks: dict[Path_, int], loader: yaml.SafeLoader) -> Any:
    """Plain Python data from a YAML node, recording the line of every path in ``marks``."""
    marks.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, (str, int, float, bool)):
                key = str(key)  # a list or mapping as a key: reported as an unknown key
            marks[path + (key,)] = key_node.start_mark.line + 1
            result[key] = _to_python(value_node, path + (key,), marks, loader)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_to_python(item, path + (i,), marks, loader) for i, item in enumerate(node.value)]
    return loader.construct_object(node, deep=True)


def _line_for(loc: tuple[Any, ...], marks: dict[Path_, int]) -> int:
    path: Path_ = ()
    for part in loc:
        if path + (part,) in marks:
            path = path + (part,)
    return marks.get(path, 1)


def _is_pydantic_tag(part: Any) -> bool:
    """Union member names pydantic puts into error locations (``str``, ``DocumentSpec``...)."""
    return isinstance(part, str) and (part[:1].isupper() or "[" in part or part in ("str", "int"))
