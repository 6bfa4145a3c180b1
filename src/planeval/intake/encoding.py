"""Which text encoding a CSV submission is in: UTF-8 first, then GB18030/GBK when plausible.

The order, and why:

1. **UTF-8 with a byte-order mark** (Excel's "CSV UTF-8"): the mark says so.
2. **UTF-8** (plain ASCII is UTF-8): bytes that decode as UTF-8 without error are UTF-8 —
   Chinese text in any other encoding practically never forms valid UTF-8 sequences.
3. **GB18030/GBK/GB2312** (what Excel on Chinese Windows writes, code page 936): accepted
   whenever the bytes decode cleanly *and* the text is plausible Chinese. Plausibility is
   charset-normalizer's verdict on that one decoding (``cp_isolation``): its mess measure
   (chaos) stays under its threshold, and every Unicode block of the text is one Chinese
   text uses (:data:`CHINESE_BLOCKS`: Latin letters and digits, CJK ideographs, CJK and
   full-width punctuation, ‰ and the like). GB18030 decodes almost any byte sequence, so
   decoding alone is no test: a Big5 file (Traditional Chinese, as Taiwan and Hong Kong
   software writes it) decoded as GB18030 gives kana, Cyrillic or box-drawing characters
   among the ideographs (``衛生福利部`` -> ``矫ネ褐场``), which no Chinese department writes.

Earlier versions took charset-normalizer's first-ranked guess over all encodings; on a short
file every CJK code page decodes without chaos and the ranking is a tie, so a one- or
three-row GBK file was refused as "cp949" (Korean). Deciding the GB question on its own
avoids the tie.

Anything else is refused with the encoding named as well as it can be told
(:func:`name_of`: Big5, Shift-JIS, EUC-KR when their decoding is plausible, else
charset-normalizer's best guess) and the fix: save as "CSV UTF-8 (comma delimited)".
"""

from __future__ import annotations

from dataclasses import dataclass

#: Unicode blocks (charset-normalizer's names) that Chinese statistical text is written in.
CHINESE_BLOCKS = frozenset(
    {
        "Basic Latin",
        "Control character",  # CR, LF, tab
        "Latin-1 Supplement",  # ° × · §
        "General Punctuation",  # ‰ — … “ ” ‘ ’
        "Letterlike Symbols",  # ℃ №
        "Number Forms",  # Ⅰ Ⅱ Ⅲ
        "Arrows",
        "Mathematical Operators",  # ≤ ≥ ±
        "Enclosed Alphanumerics",  # ① ②
        "Geometric Shapes",  # △ ○ ■
        "CJK Symbols and Punctuation",  # 。 、 【 】 《 》
        "CJK Unified Ideographs",
        "CJK Unified Ideographs Extension A",
        "CJK Compatibility",  # ㎡ ㎏
        "CJK Compatibility Ideographs",
        "Halfwidth and Fullwidth Forms",  # ， ： （ ） ％ １２３
    }
)
#: The GB family as charset-normalizer names it; the label planeval reports for all of it.
GB_FAMILY = ("gb18030",)
GB_LABEL = "gb18030"

#: The scripts of Japanese beside the ideographs (one must appear for a Japanese guess).
KANA = frozenset({"Hiragana", "Katakana"})
#: Encodings tried when naming a refused file: (charset-normalizer's name, name shown, the
#: blocks beyond :data:`CHINESE_BLOCKS` of which one must appear for the guess to count).
#: Big5 needs none: it is the name when its decoding is plain ideographs and punctuation.
OTHER_CJK = (
    ("euc_kr", "euc-kr (Korean)", frozenset({"Hangul Syllables"})),
    ("shift_jis", "shift_jis (Japanese)", KANA),
    ("big5", "big5 (Traditional Chinese, 繁体)", frozenset()),
)


@dataclass(frozen=True)
class Detected:
    """The result of :func:`detect`: ``text`` and ``label`` (``utf-8``, ``utf-8-bom`` or
    ``gb18030``) when accepted, else ``text`` is None and ``detected`` names what was found."""

    text: str | None
    label: str | None
    detected: str


def _plausible(data: bytes, encoding: str, extra: frozenset[str] = frozenset()) -> str | None:
    """The text of ``data`` in ``encoding`` when charset-normalizer finds that decoding
    coherent (chaos under its threshold) and written in :data:`CHINESE_BLOCKS` (plus the
    ``extra`` blocks, one of which must then appear); else ``None``."""
    from charset_normalizer import from_bytes

    match = from_bytes(data, cp_isolation=[encoding], enable_fallback=False).best()
    if match is None:
        return None
    blocks = set(match.alphabets)
    if not blocks <= CHINESE_BLOCKS | extra or (extra and not blocks & extra):
        return None
    return str(match)


def detect(data: bytes) -> Detected:
    """Decode CSV bytes: UTF-8 (BOM or not) first, then GB18030/GBK when plausible Chinese.

    The text returned has no BOM. When refused, ``detected`` names the encoding found
    (:func:`name_of`) for the message.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return Detected(data[3:].decode("utf-8"), "utf-8-bom", "utf_8")
        except UnicodeDecodeError:
            return Detected(None, None, "broken UTF-8 with a byte-order mark")
    try:
        return Detected(data.decode("utf-8"), "utf-8", "utf_8")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        text = None
    if text is not None and _plausible(data, "gb18030") is not None and not _japanese(data, text):
        return Detected(text, GB_LABEL, "gb18030")
    return Detected(None, None, name_of(data))


def _outside_gb2312(text: str) -> bool:
    """True when the text holds an ideograph outside GB2312 (the 6,763 everyday simplified
    characters): rare or traditional characters, or another encoding's bytes read as GBK."""
    for char in text:
        if "\u4e00" <= char <= "\u9fff":
            try:
                char.encode("gb2312")
            except UnicodeEncodeError:
                return True
    return False


def _japanese(data: bytes, text: str) -> bool:
    """Shift-JIS bytes read as GBK give ideographs outside GB2312 (``ひらがな`` -> ``傂傜偑側``);
    such a file that also reads as plausible Japanese with kana is Japanese, not Chinese."""
    return _outside_gb2312(text) and _plausible(data, "shift_jis", KANA) is not None


def name_of(data: bytes) -> str:
    """The encoding of bytes that are neither UTF-8 nor plausible GB18030, as well as it can be
    told: a CJK encoding whose decoding is plausible (:data:`OTHER_CJK`), else
    charset-normalizer's best guess, else ``"unknown"``."""
    from charset_normalizer import from_bytes

    for encoding, shown, extra in OTHER_CJK:
        if _plausible(data, encoding, extra) is not None:
            return shown
    best = from_bytes(data).best()
    return "unknown" if best is None else best.encoding
