"""What one overview is: :class:`OverviewSpec`, the overview kind of
:class:`~planeval.reporting.spec.ReportSpec` (``geography`` is the parent whose regions are the
rows). Built in-process from the regions' stored verdicts (:mod:`planeval.publish.overview_run`),
not by a notebook."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from planeval.reporting.spec import ReportSpec


@dataclass(frozen=True)
class OverviewSpec(ReportSpec):
    """The overview of ``geography``'s regions for ``plan`` × ``stage`` × ``year`` in ``lang``
    (``formats``: html, and docx / pdf beside it)."""

    kind: ClassVar[str] = "overview"
    notebook: ClassVar[str] = ""  # no notebook: built in-process

    @property
    def name(self) -> str:
        """``<parent>_<plan>_overview_<stage>_<year>[_<lang>].html``."""
        suffix = "" if self.lang == "zh" else f"_{self.lang}"
        return f"{self.geography}_{self.plan}_overview_{self.stage}_{self.year}{suffix}.html"

    @property
    def parent(self) -> str:
        return self.geography

    def notebook_parameters(self, data_dir: str) -> dict:
        """An overview runs no notebook."""
        raise TypeError("an overview is built in-process, not by a notebook")
