"""Which text encoding a CSV submission is in, decided by charset-normalizer, never guessed.

Trial decoding (UTF-8, else GB18030) let mojibake through: GB18030 decodes almost any byte
sequence, so a Big5 file (Traditional Chinese, as Taiwan and Hong Kong software writes it)
was read as GBK nonsense without a word. Now :func:`detect` asks charset-normalizer (a
maintained detector: it measures how much of each candidate decoding is "chaos" and how
coherent its language is) and accepts only two answers:

* **UTF-8**, with or without a byte-order mark (plain ASCII is UTF-8);
* **GB18030** and its subsets GBK and GB2312 (what Excel on Chinese Windows writes),
  when the detector ranks that family first.

Anything else (Big5, Shift-JIS, a Western code page, a file too ambiguous for the detector
to rank a GB decoding first) is refused with the detected name and the fix: save the file as
"CSV UTF-8 (comma delimited)".
"""

from __future__ import annotations

from dataclasses import dataclass

#: charset-normalizer's names of the accepted encodings -> the label planeval reports.
ACCEPTED = {
    "utf_8": "utf-8",
    "ascii": "utf-8",
    "gb18030": "gb18030",
    "gbk": "gb18030",
    "gb2312": "gb18030",
}


@dataclass(frozen=True)
class Detected:
    """The result of :func:`detect`: ``text`` and ``label`` (``utf-8``, ``utf-8-bom`` or
    ``gb18030``) when accepted, else ``text`` is None and ``detected`` names what was found."""

    text: str | None
    label: str | None
    detected: str


def detect(data: bytes) -> Detected:
    """Decode CSV bytes when charset-normalizer finds them UTF-8 (BOM or not) or GB18030/GBK.

    The text returned has no BOM. ``detected`` is charset-normalizer's best guess (or
    ``"unknown"`` when no decoding made sense), for the message of a refused file.
    """
    from charset_normalizer import from_bytes

    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return Detected(data[3:].decode("utf-8"), "utf-8-bom", "utf_8")
        except UnicodeDecodeError:
            return Detected(None, None, "broken UTF-8 with a byte-order mark")
    best = from_bytes(data).best()
    if best is None:
        return Detected(None, None, "unknown")
    label = ACCEPTED.get(best.encoding)
    if label is None:
        return Detected(None, None, best.encoding)
    try:
        text = data.decode("utf-8" if label == "utf-8" else "gb18030")
    except UnicodeDecodeError:
        return Detected(None, None, f"{best.encoding} with undecodable bytes")
    return Detected(text, label, best.encoding)
