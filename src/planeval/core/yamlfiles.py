"""Read YAML data files once per process: plans, indicators, settings, labels, run lists.

Every YAML file planeval reads goes through :func:`read_yaml`. A file is parsed with PyYAML's
libyaml loader (``yaml.CSafeLoader``, about five times faster than the pure-Python one; the
pure-Python ``SafeLoader`` where PyYAML was built without libyaml) and the result is kept in a
cache keyed by the file's resolved path and a digest of its bytes, so a file edited between two
calls is parsed again (even within the file system's timestamp resolution) and an unchanged one
is never parsed twice; reading the bytes costs microseconds, parsing them milliseconds.

The same parse also records the line on which each item of every top-level list starts
(``targets:`` of a plan, ``runs:`` of a run list), so that a problem can name its row without
composing the file a second time.

Errors are PyYAML's and Python's own (``FileNotFoundError``, ``UnicodeDecodeError``,
``yaml.YAMLError`` with its ``problem_mark``): each caller turns them into the
:class:`~planeval.core.errors.InputError` that names its kind of file.
"""

from __future__ import annotations

import copy
import hashlib
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

#: The libyaml loader when PyYAML has it, else the pure-Python one (same results).
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_CACHE: dict[str, tuple[bytes, YamlDocument]] = {}
_LOCK = threading.Lock()
#: Number of files actually parsed in this process (cache misses), for ``make bench``.
PARSE_COUNT = 0


@dataclass(frozen=True)
class YamlDocument:
    """One parsed YAML file.

    ``data`` is the parsed content (a fresh copy per :func:`read_yaml` call, so callers may
    change it); ``item_lines`` maps each top-level key whose value is a list to the 1-based
    line where each item starts (``{"targets": [20, 39, ...]}``).
    """

    path: str
    data: Any
    item_lines: dict[str, list[int]] = field(default_factory=dict)

    def lines_of(self, key: str) -> dict[int, int]:
        """``{1: line, 2: line, ...}``: line of each item of the top-level list ``key``
        (empty when the file has no such list)."""
        return {i: line for i, line in enumerate(self.item_lines.get(key, []), start=1)}


def parse_yaml_text(text: str, path: str = "<text>") -> YamlDocument:
    """Parse ``text`` once (libyaml), returning the data and the list-item lines."""
    global PARSE_COUNT
    loader = LOADER(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()
    PARSE_COUNT += 1
    lines: dict[str, list[int]] = {}
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(value, yaml.SequenceNode) and isinstance(key.value, str):
                lines[key.value] = [item.start_mark.line + 1 for item in value.value]
    return YamlDocument(path, data, lines)


def read_yaml_document(path: str | Path) -> YamlDocument:
    """The parsed file at ``path`` (UTF-8), from the cache when the file has not changed.

    Raises ``FileNotFoundError``/``OSError``, ``UnicodeDecodeError`` or ``yaml.YAMLError``.
    """
    path = Path(path)
    key = str(path.resolve())
    raw = path.read_bytes()
    stamp = hashlib.blake2b(raw, digest_size=16).digest()
    with _LOCK:
        hit = _CACHE.get(key)
    if hit is None or hit[0] != stamp:
        doc = parse_yaml_text(raw.decode("utf-8"), str(path))
        with _LOCK:
            _CACHE[key] = (stamp, doc)
    else:
        doc = hit[1]
    return YamlDocument(str(path), copy.deepcopy(doc.data), doc.item_lines)


def read_yaml(path: str | Path) -> Any:
    """The parsed content of the YAML file at ``path`` (see :func:`read_yaml_document`)."""
    return read_yaml_document(path).data


def clear_cache() -> None:
    """Forget every parsed file (tests; a long-lived process after bulk edits)."""
    with _LOCK:
        _CACHE.clear()


def key_lines(text: str) -> dict[tuple, int]:
    """``{("indicators", "x"): 25, ("runs", 0): 5, ...}``: the 1-based line of every mapping
    key and list item, by its path from the top (keys as text, list items by 0-based index),
    for messages that name a row; empty for text that is not YAML."""
    try:
        node = yaml.compose(text, Loader=LOADER)
    except yaml.YAMLError:
        return {}
    lines: dict[tuple, int] = {}
    todo = [((), node)]
    while todo:
        path, current = todo.pop()
        if isinstance(current, yaml.MappingNode):
            for key, value in current.value:
                here = (*path, str(key.value))
                lines.setdefault(here, key.start_mark.line + 1)
                todo.append((here, value))
        elif isinstance(current, yaml.SequenceNode):
            for i, item in enumerate(current.value):
                lines.setdefault((*path, i), item.start_mark.line + 1)
                todo.append(((*path, i), item))
    return lines
