"""How a message names the user's arguments: as typed on the command line, in Python or for
papermill.

A fix says what to type. The same check serves ``planeval report --year 2031`` (fix: ``pass
--year between 2020 and 2025``), ``planeval.assess(..., 2031)`` (fix: ``pass year between
2020 and 2025``: a notebook user has no ``--year``) and a papermill run (``-p year``). Each
check takes a :class:`Caller` and asks it for the words.
"""

from __future__ import annotations

from typing import NamedTuple


class Caller(NamedTuple):
    """Where the arguments came from: ``cli``, ``python`` or ``papermill``."""

    style: str

    def name(self, param: str) -> str:
        """The argument as the user wrote it: ``--data-dir``, ``data_dir``, ``-p data_dir``."""
        if self.style == "cli":
            return "--" + param.replace("_", "-")
        if self.style == "papermill":
            return f"-p {param}"
        return param

    def give(self, param: str, value: object) -> str:
        """How to pass ``value``: ``--year 2024``, ``year=2024``, ``-p year 2024``."""
        if self.style == "python":
            return f"{param}={value!r}"
        return f"{self.name(param)} {value}"


CLI = Caller("cli")
PYTHON = Caller("python")
PAPERMILL = Caller("papermill")
