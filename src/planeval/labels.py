"""Report wording in Chinese and English, read from ``labels.yaml`` beside this module."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

LANGS = ("zh", "en")


@cache
def _labels() -> dict:
    return yaml.safe_load(Path(__file__).with_name("labels.yaml").read_text(encoding="utf-8"))


def label(group: str, key: str | None, lang: str = "zh") -> str:
    """The ``lang`` wording of machine label ``key`` in ``group`` (``status``, ``change`` ...).

    Unknown keys come back unchanged (and ``None`` as an empty string).
    """
    if key is None:
        return ""
    entry = _labels().get(group, {}).get(key)
    return entry.get(lang, key) if entry else str(key)


def status_badge(status: str, lang: str = "zh") -> str:
    """Icon and text for a status, so status is never shown by colour alone."""
    entry = _labels()["status"].get(status, {})
    return f"{entry.get('icon', '')} {entry.get(lang, status)}".strip()
