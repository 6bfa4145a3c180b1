"""Report wording in Chinese and English, read from ``labels.yaml`` beside this module.

Configuration is data: every heading, sentence and machine-label wording of a report lives in
``labels.yaml`` (``zh`` official terms, ``en`` the same meaning), so a wording change never
touches code.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from planeval.core.yamlfiles import read_yaml

LANGS = ("zh", "en")


@cache
def _labels() -> dict:
    return read_yaml(Path(__file__).with_name("labels.yaml"))


def _lang(lang: str) -> str:
    return "en" if lang == "en" else "zh"


def label(group: str, key: str | None, lang: str = "zh") -> str:
    """The ``lang`` wording of machine label ``key`` in ``group`` (``status``, ``change`` ...).

    Unknown keys come back unchanged (and ``None`` as an empty string).
    """
    if key is None:
        return ""
    entry = _labels().get(group, {}).get(key)
    return entry.get(_lang(lang), key) if entry else str(key)


def status_badge(status: str, lang: str = "zh") -> str:
    """Icon and text for a status, so status is never shown by colour alone."""
    entry = _labels()["status"].get(status, {})
    return f"{entry.get('icon', '')} {entry.get(_lang(lang), status)}".strip()


def verdict_badge(status: str, lang: str = "zh") -> str:
    """Icon and word of a verdict's stage status (``✔ 提前实现``; ``verdict_status`` group)."""
    entry = _labels()["verdict_status"].get(status, {})
    return f"{entry.get('icon', '')} {entry.get(_lang(lang), status)}".strip()


def status_icon(status: str) -> str:
    """The status icon alone (``✔``, ``▲``, ``◆``, ``✖``, ``○``, ``✎``)."""
    return _labels()["status"].get(status, {}).get("icon", "")


def text(key: str, lang: str = "zh", **values) -> str:
    """A report sentence or heading from the ``text`` group, placeholders filled from ``values``.

    Raises ``KeyError`` for an unknown key (a typo must not print an empty heading).
    """
    entry = _labels()["text"][key]
    return entry[_lang(lang)].format(**values)


def group(name: str) -> dict:
    """Every entry of one group of ``labels.yaml`` (a copy), e.g. ``intake`` problem wording.

    Raises ``KeyError`` for an unknown group."""
    return dict(_labels()[name])
