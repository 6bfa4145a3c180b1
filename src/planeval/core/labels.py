"""Report wording in Chinese and English, read from ``labels.yaml`` beside this module.

Configuration is data: every heading, sentence and machine-label wording of a report lives in
``labels.yaml`` (``zh`` official terms, ``en`` the same meaning), so a wording change never
touches code.

Counts in English agree with their noun through a format spec ``one|many`` on the count:
``"{n} indicator{n:|s}"`` gives ``1 indicator`` / ``3 indicators``, ``"{n:is|are}"`` gives
``is`` / ``are`` (:class:`Count`; every whole number :func:`text` and :func:`fill` receive is
one). Chinese patterns need no such spec.
"""

from __future__ import annotations

import numbers
from functools import cache
from pathlib import Path

from planeval.core.yamlfiles import read_yaml

LANGS = ("zh", "en")


@cache
def _labels() -> dict:
    return read_yaml(Path(__file__).with_name("labels.yaml"))


class Count(int):
    """A whole number that also chooses a word by its value in a format spec ``one|many``:
    ``format(Count(1), "|s")`` is ``""``, ``format(Count(2), "|s")`` is ``"s"``,
    ``format(Count(1), "is|are")`` is ``"is"``; any other spec formats the number."""

    def __format__(self, spec: str) -> str:
        if "|" in spec:
            one, many = spec.split("|", 1)
            return one if self == 1 else many
        return int.__format__(int(self), spec)


def fill(pattern: str, **values) -> str:
    """``pattern.format(**values)`` with every whole number (not a bool) as a :class:`Count`,
    so ``{n:|s}`` and ``{n:is|are}`` agree with it."""
    counts = {
        k: Count(v) if isinstance(v, numbers.Integral) and not isinstance(v, bool) else v
        for k, v in values.items()
    }
    return pattern.format(**counts)


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
    return fill(entry[_lang(lang)], **values)


def group(name: str) -> dict:
    """Every entry of one group of ``labels.yaml`` (a copy), e.g. ``intake`` problem wording.

    Raises ``KeyError`` for an unknown group."""
    return dict(_labels()[name])
