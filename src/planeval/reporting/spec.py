"""What one report is: :class:`ReportSpec`, carried unchanged from the command line, a run list
or the notebook's parameters down to the runner, the fingerprint, the parameter check, the
report's context and its provenance.

One spec, one name: the report file (``<geography>_<plan>_<stage>_<year>[_en].html``), the
notebook's parameters, the metadata and the batch summary are all read off the spec, so a field
added here (``annex``) reaches every one of them. Another kind of report (the province
overview) is a subclass that sets :attr:`ReportSpec.kind` and its notebook and overrides
:attr:`~ReportSpec.name` and :meth:`~ReportSpec.notebook_parameters`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import asdict, dataclass, replace
from typing import ClassVar

#: Stages of an evaluation report, in the plan's own order.
STAGES = ("annual", "midterm", "final")
LANGS = ("zh", "en")
#: Output formats: the HTML page (always), an editable Word file, a PDF printed from the HTML.
FORMATS = ("html", "docx", "pdf")
#: How much the appendix holds: ``brief`` (default) or ``full``.
ANNEXES = ("brief", "full")


@dataclass(frozen=True)
class ReportSpec:
    """One report: ``plan`` (name or alias), ``stage``, ``year`` (the data cut-off),
    ``geography`` (code), ``lang``, ``formats`` (``html`` first, ``docx``/``pdf`` beside it),
    ``annex`` (``brief`` or ``full``) and ``reference_geography`` (None: the default, the top
    of the geography's hierarchy; ``""``: none).

    Frozen and hashable: a run list's duplicates collapse in a dict, a worker gets it pickled.
    The values are taken as given; :func:`planeval.publish.parameters.check_spec` checks them.
    """

    plan: str
    stage: str
    year: int
    geography: str
    lang: str = "zh"
    formats: tuple[str, ...] = ("html",)
    annex: str = "brief"
    reference_geography: str | None = None

    #: The kind of report (a subclass for another notebook sets its own).
    kind: ClassVar[str] = "evaluation"
    #: The notebook (under ``notebooks/``) that builds this kind.
    notebook: ClassVar[str] = "evaluation.ipynb"

    @property
    def name(self) -> str:
        """The HTML file's name: ``<geography>_<plan>_<stage>_<year>[_<lang>].html``."""
        suffix = "" if self.lang == "zh" else f"_{self.lang}"
        return f"{self.geography}_{self.plan}_{self.stage}_{self.year}{suffix}.html"

    @property
    def stem(self) -> str:
        return self.name[: -len(".html")]

    def with_(self, **changes) -> ReportSpec:
        """A copy with ``changes`` (e.g. the checked, normalised values)."""
        return replace(self, **changes)

    def fields(self) -> dict:
        """Every field as plain JSON values (metadata, summary rows, failure records)."""
        out = asdict(self)
        out["formats"] = list(self.formats)
        return {"kind": self.kind, **out}

    @classmethod
    def from_fields(cls, fields: dict) -> ReportSpec:
        """The spec of :meth:`fields` (e.g. read back from a report's metadata); unknown keys
        are ignored, missing optional ones take their defaults."""
        names = {f.name for f in dataclasses.fields(cls)}
        values = {k: v for k, v in fields.items() if k in names}
        if "formats" in values:
            values["formats"] = tuple(values["formats"])
        return cls(**values)

    def notebook_parameters(self, data_dir: str) -> dict:
        """What papermill passes to the notebook (``data_dir`` absolute). ``annex`` and
        ``reference_geography`` only when not their defaults, so a notebook that predates
        them still takes the default report's parameters."""
        params = {
            "plan": self.plan,
            "stage": self.stage,
            "year": int(self.year),
            "geography": self.geography,
            "data_dir": str(data_dir),
            "lang": self.lang,
        }
        if self.annex != "brief":
            params["annex"] = self.annex
        if self.reference_geography is not None:
            params["reference_geography"] = self.reference_geography
        return params
