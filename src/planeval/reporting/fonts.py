"""CJK font for charts: register the Noto Sans CJK SC file shipped by ``mplfonts``.

We add the font file to matplotlib's font manager for this process only; no global rc file
is edited.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import matplotlib as mpl
from matplotlib import font_manager

FONT_FILE = "NotoSansCJKsc-Regular.otf"


@cache
def cjk_font_family() -> str:
    """Register the CJK font with matplotlib and return its family name ("Noto Sans CJK SC").

    Raises ``FileNotFoundError`` when mplfonts is installed without its font files.
    """
    import mplfonts

    path = Path(mplfonts.__file__).parent / "fonts" / FONT_FILE
    if not path.exists():
        raise FileNotFoundError(f"{path} missing: reinstall mplfonts")
    font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(path)).get_name()


def use_cjk_font() -> str:
    """Make the CJK font the default sans-serif font of this process; returns its family."""
    family = cjk_font_family()
    mpl.rcParams["font.family"] = "sans-serif"
    mpl.rcParams["font.sans-serif"] = [family, "DejaVu Sans"]
    mpl.rcParams["axes.unicode_minus"] = False
    return family
