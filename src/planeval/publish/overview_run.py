"""One overview of a parent geography's regions, written as HTML (and Word, PDF) with metadata.

Output: ``<parent>_<plan>_overview_<stage>_<year>[_en].html`` in ``out``, with
``<name>.json`` like every report's, so the index lists it. The regions are the geographies
whose ``parent`` (``data/geographies.yaml``) is the parent and that have an observations folder.

Each region's verdicts are read back from its own report's stored record
(``<report>.verdict.json``, written by :mod:`planeval.publish.runner`) when that report is
complete and current (its input fingerprint unchanged, the record's SHA-256 the one in its
metadata); otherwise the region is assessed here, with the same function the report uses. A
region whose data cannot be read is named in a note, never dropped silently.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import tempfile
import time
from collections import Counter
from pathlib import Path

from planeval.core.codes import check_code
from planeval.core.errors import InputError, Problem
from planeval.core.files import atomic_write_text
from planeval.publish.fingerprint import (
    NOTEBOOK,
    input_fingerprint,
    is_complete,
    is_current,
    read_metadata,
)
from planeval.publish.runner import VERDICT_FILE as VERDICT_KEY
from planeval.publish.runner import report_name, write_outputs
from planeval.reporting.overview_spec import OverviewSpec
from planeval.reporting.overview_verdicts import SCHEMA, region_record
from planeval.reporting.spec import ReportSpec


def overview_name(parent: str, plan: str, stage: str, year: int, lang: str = "zh") -> str:
    """``<parent>_<plan>_overview_<stage>_<year>[_en].html`` (:class:`OverviewSpec`'s name);
    raises :class:`InputError` for a parent or plan that is not a safe code (the page stays in
    the output folder)."""
    check_code(parent, "geography", "--parent")
    check_code(plan, "plan", "--plan")
    return OverviewSpec(plan, stage, int(year), parent, lang).name


def child_regions(parent: str, data_dir: str | Path) -> list[str]:
    """Codes of the regions under ``parent`` (``geographies.yaml``) that have data folders, in
    the file's order. Raises :class:`InputError` for a parent that is not listed or has no
    region with data."""
    from planeval.intake.observations import list_geographies
    from planeval.plans.registry import load_geographies

    geographies = load_geographies(data_dir)
    if parent not in geographies:
        raise InputError(
            Problem(
                "--parent",
                f"geography '{parent}' is not in geographies.yaml",
                f"地区 '{parent}' 不在 geographies.yaml 中",
                f"use one of {', '.join(geographies)}",
                f"使用 {', '.join(geographies)} 之一",
            )
        )
    folders = set(list_geographies(data_dir))
    regions = [g.code for g in geographies.values() if g.parent == parent and g.code in folders]
    if not regions:
        raise InputError(
            Problem(
                "--parent",
                f"no region under '{parent}' has an observations folder",
                f"'{parent}' 下没有任何有数据的下级地区",
                "list regions with parent: " + parent + " in geographies.yaml and add their data",
                f"在 geographies.yaml 中添加 parent 为 {parent} 的地区，并提供其数据",
            )
        )
    return regions


def check_overview(
    plan: str, stage: str, year: int, lang: str, data_dir, parent: str | None = None
) -> int:
    """Stage and language among the allowed ones, then the requests a region's report makes
    (:mod:`planeval.plans.requests`): the plan known, the year read and in the plan period
    for a mid-term or final overview, the parent a geography code (a display name such as
    ``新疆`` names its code). Returns the year; raises :class:`InputError` (zh and en) naming
    each problem."""
    from planeval.plans.catalogue import load_plan
    from planeval.plans.requests import check_geography_code, check_report_year
    from planeval.publish.parameters import LANGS, STAGES

    problems = []
    for name, value, allowed in (("--stage", stage, STAGES), ("--lang", lang, LANGS)):
        if value not in allowed:
            problems.append(
                Problem(
                    name,
                    f"unknown {name[2:]} {value!r}",
                    f"未知的 {name[2:]} {value!r}",
                    f"use one of {', '.join(allowed)} (lower case)",
                    f"取 {', '.join(allowed)} 之一（小写）",
                )
            )
    if problems:
        raise InputError(problems)
    year = check_report_year(load_plan(plan, data_dir), year, stage, data_dir=data_dir)
    if parent is not None:
        check_geography_code(parent, data_dir, param="parent")
    return year


def stored_record(
    out: Path, geography: str, plan: str, stage: str, year: int, data_dir: Path, notebook: Path
) -> tuple[dict | None, str | None]:
    """``(record, report file)`` of a region's own report in ``out``: the record when the
    report is complete, current and its stored record intact (else None); the report file
    when one is listed (zh first, then en), for the link."""
    link = None
    for lang in ("zh", "en"):
        name = report_name(geography, plan, stage, year, lang)
        meta = read_metadata(out, name)
        if meta is None or not is_complete(out, meta):
            continue
        link = link or name
        files = meta.get("files") or {}
        verdict_file = out / str(files.get(VERDICT_KEY, ""))
        if VERDICT_KEY not in files or not verdict_file.is_file():
            continue
        data = verdict_file.read_bytes()
        if hashlib.sha256(data).hexdigest() != meta.get("verdict_sha256"):
            continue
        try:
            built = (meta.get("inputs") or {}).get("parameters") or {}
            spec = ReportSpec.from_fields(
                {"plan": plan, "stage": stage, "year": year, "geography": geography, "lang": lang}
                | {
                    k: v
                    for k, v in built.items()
                    if k in ("formats", "annex", "reference_geography")
                }
            )
            current = input_fingerprint(spec, data_dir, notebook)
        except (InputError, TypeError):  # unreadable, or metadata of an older format
            continue
        if current["sha256"] != meta.get("fingerprint"):
            continue
        record = json.loads(data)
        if record.get("schema") == SCHEMA:
            return record, link
    return None, link


def assessed_record(plan, plan_name: str, stage: str, year: int, geography: str, data_dir) -> dict:
    """A region's record from its assessment (the one its report would show)."""
    from planeval.assessment.assess import assess
    from planeval.store.database import load_geography

    observations = load_geography(data_dir, geography, up_to_year=year)
    assessment = assess(plan, observations, year, geography, data_dir=str(data_dir))
    return region_record(assessment, stage, plan_name)


def gather(plan_name: str, stage: str, year: int, parent: str, data_dir, out, notebook=NOTEBOOK):
    """``(plan, records, links, sources, problems)`` for every region under ``parent``:
    stored records where current (:func:`stored_record`), assessed otherwise; a region whose
    data cannot be read gives a problem line (zh, en) and no record."""
    from planeval.plans.catalogue import load_plan

    data_dir, out, notebook = Path(data_dir).absolute(), Path(out).absolute(), Path(notebook)
    plan = load_plan(plan_name, data_dir)
    records, links, sources, problems = [], {}, {}, []
    for geo in child_regions(parent, data_dir):
        record, link = stored_record(out, geo, plan_name, stage, year, data_dir, notebook)
        links[geo] = link
        if record is not None:
            sources[geo] = "stored"
        else:
            try:
                record = assessed_record(plan, plan_name, stage, year, geo, data_dir)
            except InputError as exc:
                problems.append((geo, str(exc).splitlines()[0] if str(exc) else ""))
                continue
            sources[geo] = "assessed"
        records.append(record)
    return plan, records, links, sources, problems


def parent_series(parent: str, data_dir, year: int, indicator_ids) -> dict:
    """The parent geography's observed series by indicator (years up to ``year``); empty
    when the parent has no data folder."""
    from planeval.intake.observations import list_geographies, series_for
    from planeval.store.database import load_geography

    if parent not in list_geographies(data_dir):
        return {}
    obs = load_geography(data_dir, parent, up_to_year=year)
    out = {}
    for ind in indicator_ids:
        s = series_for(obs, ind)
        out[ind] = ([int(y) for y in s.index], [float(v) for v in s.to_numpy()])
    return out


def build_overview_files(
    plan: str,
    stage: str,
    year: int,
    parent: str,
    data_dir: str | Path = "data",
    out: str | Path = "reports",
    lang: str = "zh",
    formats: tuple[str, ...] = ("html",),
    notebook: str | Path = NOTEBOOK,
    charts: bool = True,
    gathered: tuple | None = None,
    force: bool = True,
) -> dict:
    """Build and write one overview; returns ``{"path", "files", "timings", "sources",
    "status"}`` (``status``: ``done``, or ``skipped`` when ``force`` is false and the overview
    in ``out`` was made from the same records, links, names, settings and code).

    The HTML (and ``.docx``, ``.pdf`` with ``formats``) are written atomically, the metadata
    ``<name>.json`` last, so a failed run never replaces the last good overview. Raises
    :class:`InputError` for an unknown plan or parent or a parent without regions.
    ``gathered``: the result of :func:`gather` for the same plan, stage, year and parent (one
    gathering serves both languages).
    """
    from planeval.core.settings import load_settings
    from planeval.plans.registry import load_geographies, within
    from planeval.reporting.overview import build_overview
    from planeval.reporting.overview_page import render_overview

    t0 = time.perf_counter()
    timings = {}
    year = check_overview(plan, stage, year, lang, data_dir, parent)
    data_dir, out = Path(data_dir).absolute(), Path(out).absolute()
    out.mkdir(parents=True, exist_ok=True)
    if gathered is None:
        gathered = gather(plan, stage, year, parent, data_dir, out, notebook)
    p, records, links, sources, problems = gathered
    timings["gather"] = time.perf_counter() - t0
    spec = OverviewSpec(plan, stage, int(year), parent, lang, tuple(formats))
    fingerprint = overview_fingerprint(spec, gathered, data_dir)
    if not force and is_current(out, spec.name, fingerprint):
        files = (read_metadata(out, spec.name) or {}).get("files", {})
        result = {"path": out / spec.name, "files": files, "timings": timings}
        return result | {"sources": sources, "status": "skipped"}
    names = {code: g.name(lang) for code, g in load_geographies(data_dir).items()}
    t = time.perf_counter()
    settings = load_settings(data_dir).get("overview", {})
    doc = build_overview(
        p,
        records,
        parent=parent,
        names=names,
        stage=stage,
        year=year,
        lang=lang,
        produced=dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
        links=links,
        sources=sources,
        min_rank_denominator=int(settings.get("min_rank_denominator", 3)),
        min_ranked_regions=int(settings.get("min_ranked_regions", 3)),
        max_names=int(settings.get("max_names_listed", 10)),
        parent_series=parent_series(parent, data_dir, year, p.indicator_ids) if charts else {},
        charts=charts,
        plan_name=plan,
        stand_in=not within(parent, p.geography, data_dir),
    )
    doc.notes += [f"{names.get(g, g)}: {msg}" for g, msg in problems]
    timings["build"] = time.perf_counter() - t
    t = time.perf_counter()
    html = render_overview(doc)
    timings["render"] = time.perf_counter() - t
    name = overview_name(parent, plan, stage, year, lang)
    extra = {}
    if "docx" in formats:
        from planeval.reporting.overview_word import overview_docx

        extra["docx"] = overview_docx(doc)
    if "pdf" in formats:
        from planeval.reporting.pdf import html_to_pdf

        with tempfile.TemporaryDirectory(prefix="planeval-") as tmp:
            extra["pdf"] = html_to_pdf(html, Path(tmp) / "overview.pdf").read_bytes()
    titles = {k: p.title(k) for k in ("zh", "en")}
    files = _write(out, spec, html, extra, fingerprint, records, timings, t0, titles)
    result = {"path": out / name, "files": files, "timings": timings, "sources": sources}
    return result | {"status": "done"}


def overview_fingerprint(spec: OverviewSpec, gathered: tuple, data_dir: Path) -> str:
    """SHA-256 over what an overview shows: the spec, every region's record, the links to
    their reports, the regions' problems, the geographies' names, the settings file and the
    package code."""
    from planeval.core.settings import load_settings
    from planeval.intake.observations import sha256_of
    from planeval.plans.registry import data_file
    from planeval.publish.fingerprint import code_sha256

    _, records, links, _, problems = gathered
    settings = Path(load_settings(data_dir)["_path"])
    geographies = data_file(data_dir, "geographies.yaml")
    record = {
        "spec": spec.fields(),
        "records": records,
        "links": links,
        "problems": problems,
        "geographies": sha256_of(geographies) if geographies.is_file() else "",
        "settings": sha256_of(settings),
        "code_sha256": code_sha256(),
    }
    return hashlib.sha256(json.dumps(record, sort_keys=True).encode("utf-8")).hexdigest()


def _write(out, spec: OverviewSpec, html, extra, fingerprint, records, timings, t0, titles) -> dict:
    """Word and PDF, the HTML, then the metadata (the spec's fields at top level, as a
    report's, and the plan's display names ``titles`` for the index), each written
    atomically; returns ``{format: file name}``."""
    name = spec.name
    files, digests, html_sha256 = write_outputs(out, spec, html, extra)
    timings["total"] = time.perf_counter() - t0
    meta = {
        "file": name,
        **spec.fields(),
        "produced": dt.datetime.now().isoformat(timespec="seconds"),
        "html_sha256": html_sha256,
        "files": files,
        "sha256": digests,
        "fingerprint": fingerprint,  # of what the overview shows (overview_fingerprint)
        "regions": {r["geography"]: r.get("latest_data_year") for r in records},
        "plan_title": titles,
        "timings": {k: round(v, 3) for k, v in timings.items()},
    }
    atomic_write_text(out / (name + ".json"), json.dumps(meta, ensure_ascii=False, indent=1))
    return files


def run_overviews(overviews, data_dir, out, notebook=NOTEBOOK, force: bool = True) -> list[dict]:
    """Build each :class:`~planeval.reporting.overview_spec.OverviewSpec` of a batch (after its
    reports, so their stored verdicts are read back); one summary row per overview
    (``name``, ``status`` done/skipped/failed, ``seconds``, ``message``, ``sources``); with
    ``force`` false an unchanged overview is skipped. A failing overview does not stop the
    others and never raises."""
    rows, gathered = [], {}
    for run in overviews:
        t0 = time.perf_counter()
        key = (run.plan, run.stage, run.year, run.geography)
        row = {"report": run.name, **run.fields()}
        try:
            check_overview(run.plan, run.stage, run.year, run.lang, data_dir, run.geography)
            if key not in gathered:
                gathered[key] = gather(*key, data_dir, out, notebook)
            result = build_overview_files(
                run.plan, run.stage, run.year, run.geography, data_dir, out, run.lang,
                run.formats, notebook, gathered=gathered[key], force=force,
            )  # fmt: skip
            row |= {"status": result["status"], "message": "", "formats": list(result["files"])}
            row["sources"] = dict(Counter(result["sources"].values()))
        except (InputError, OSError, RuntimeError) as exc:
            row |= {"status": "failed", "message": str(exc)}
        row["seconds"] = round(time.perf_counter() - t0, 2)
        rows.append(row)
    return rows
