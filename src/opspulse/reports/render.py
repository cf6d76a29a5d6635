"""Turn a role's numbers into an email (HTML + plain text) and the data team's alert.

Every number is formatted once, in :mod:`opspulse.reports.formatting` with the company's
currency and locale (``KpiSnapshot.numbers``), into the view objects below; the HTML and the
text templates (package data in ``reports/templates/``) only lay those strings out, so both
parts of an email always show the same numbers. A subject keeps the same strings with plain
spaces (:func:`opspulse.reports.formatting.plain`).

The HTML is made for phones: one column, at most 600 px wide, inline CSS only (mail clients
drop ``<style>`` blocks), tables for layout. No customer-level data is ever rendered: only
the aggregates of the report marts.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import jinja2

from opspulse.reports.formatting import EN_US_USD, NA, Change, NumberFormat, plain, redact
from opspulse.reports.kpis import DetailsReading, KpiSnapshot, TableReading, TileReading

BRAND = "opspulse"
RESTATED_PREFIX = "RESTATED: "
QUALITY_LINE = "All quality checks passed before this email was sent."
TONE_COLOURS = {"good": "#1a7f37", "bad": "#cf222e", "neutral": "#59636e"}


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


@dataclass(frozen=True)
class TileView:
    column: str
    label: str
    value: str
    vs_day: Change | None
    vs_7d: Change | None
    """None for a tile without trend (a text KPI such as the top sales channel) and for a
    KPI whose source the company does not deliver."""
    attainment: Change | None
    """None when the KPI has no target (no target column, or a NULL target)."""
    missing_source: str | None = None
    """The optional source the company does not deliver, when the value is NULL for want of it."""

    @property
    def text_line(self) -> str:
        parts = []
        if self.vs_day is not None and self.vs_7d is not None:
            parts += [f"{self.vs_day.text} vs yesterday", f"{self.vs_7d.text} vs 7-day avg"]
        if self.attainment is not None:
            parts.append(f"{self.attainment.text} of target")
        trend = f" ({'; '.join(parts)})" if parts else ""
        return f"{self.label}: {self.value}{trend}"


@dataclass(frozen=True)
class DetailsView:
    title: str
    items: tuple[tuple[str, str], ...]
    kind: str = "details"


@dataclass(frozen=True)
class TableView:
    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    when_empty: str = "No rows for this day."
    kind: str = "table"


@dataclass(frozen=True)
class ChangeView:
    label: str
    was: str
    now: str


@dataclass(frozen=True)
class RestatementView:
    sent_at: str
    changes: tuple[ChangeView, ...] = field(default=())


def format_day(day: dt.date) -> str:
    """``Fri 27 Nov 2026`` (locale-independent)."""
    return f"{day:%a} {day.day} {day:%b %Y}"


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("opspulse.reports", "templates"),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html.j2",), default=False),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _render(name: str, **context: Any) -> str:
    return _environment().get_template(name).render(colours=TONE_COLOURS, brand=BRAND, **context)


def tile_view(reading: TileReading, snapshot: KpiSnapshot) -> TileView:
    t = reading.tile
    numbers = snapshot.numbers
    vs_day = vs_7d = attainment = None
    missing = snapshot.missing_source(t, reading.value)
    if missing is None:
        if t.trend:
            vs_day = numbers.change(
                reading.value, reading.prev_day, t.kind, up_is_good=t.up_is_good
            )
            vs_7d = numbers.change(reading.value, reading.avg_7d, t.kind, up_is_good=t.up_is_good)
        if reading.target is not None or reading.pct_of_target is not None:
            attainment = numbers.attainment(reading.pct_of_target, up_is_good=t.up_is_good)
    return TileView(
        column=t.column,
        label=t.label,
        value=snapshot.shown(t, reading.value),
        vs_day=vs_day,
        vs_7d=vs_7d,
        attainment=attainment,
        missing_source=missing,
    )


def _section_view(
    reading: DetailsReading | TableReading, snapshot: KpiSnapshot
) -> DetailsView | TableView:
    if isinstance(reading, DetailsReading):
        return DetailsView(
            title=reading.section.title,
            items=tuple((f.label, snapshot.shown(f, v)) for f, v in reading.values),
        )
    s = reading.section
    fields = (s.label, *s.columns)
    return TableView(
        title=s.title,
        headers=tuple(f.label for f in fields),
        rows=tuple(
            tuple(snapshot.shown(f, v) for f, v in zip(fields, row, strict=True))
            for row in reading.rows
        ),
        when_empty=s.when_empty,
    )


def restatement_view(
    previous: Mapping[str, Mapping[str, str]],
    current: Mapping[str, Mapping[str, str]],
    sent_at: dt.datetime | None,
) -> RestatementView:
    """What changed between the numbers sent before and the numbers sent now."""
    changes = []
    for key in list(current) + [k for k in previous if k not in current]:
        was = previous.get(key, {}).get("value", NA)
        now = current.get(key, {}).get("value", NA)
        if was != now:
            label = (current.get(key) or previous.get(key) or {}).get("label", key)
            changes.append(ChangeView(label=label, was=was, now=now))
    when = f"{format_day(sent_at.date())} {sent_at:%H:%M} UTC" if sent_at else "earlier"
    return RestatementView(sent_at=when, changes=tuple(changes))


def report_subject(snapshot: KpiSnapshot, *, restated: bool = False) -> str:
    first = tile_view(snapshot.tiles[0], snapshot)
    subject = (
        f"[{BRAND}] {snapshot.role.title} · {format_day(snapshot.ds)} · {first.label} {first.value}"
    )
    return plain(RESTATED_PREFIX + subject if restated else subject)


def render_report(
    snapshot: KpiSnapshot, *, restatement: RestatementView | None = None
) -> RenderedEmail:
    """The morning email of one role, marked as a restatement when ``restatement`` is given."""
    context = {
        "title": snapshot.role.title,
        "day": format_day(snapshot.ds),
        "ds": snapshot.ds.isoformat(),
        "tiles": [tile_view(r, snapshot) for r in snapshot.tiles],
        "sections": [_section_view(r, snapshot) for r in snapshot.sections],
        "restatement": restatement,
        "quality_line": QUALITY_LINE,
        "sources": snapshot.role.marts,
    }
    subject = report_subject(snapshot, restated=restatement is not None)
    return RenderedEmail(
        subject=subject,
        text=_render("report.txt.j2", subject=subject, **context),
        html=_render("report.html.j2", subject=subject, **context),
    )


# --- the data team's alert -------------------------------------------------------------

_MAX_OBSERVED = 200


@dataclass(frozen=True)
class FailedCheckView:
    suite: str
    expectation: str
    column: str
    observed: str
    unexpected_count: str


def _describe(value: Any) -> str:
    if value is None:
        return NA
    if isinstance(value, str):
        text = value
    else:
        try:
            text = json.dumps(value, default=str, ensure_ascii=False)
        except (TypeError, ValueError):
            text = str(value)
    text = redact(text)
    return text if len(text) <= _MAX_OBSERVED else text[: _MAX_OBSERVED - 1] + "…"


def failed_check_view(
    check: Mapping[str, Any], numbers: NumberFormat = EN_US_USD
) -> FailedCheckView:
    count = check.get("unexpected_count")
    return FailedCheckView(
        suite=_describe(check.get("suite")),
        expectation=_describe(check.get("expectation")),
        column=_describe(check.get("column")) if check.get("column") else "(table)",
        observed=_describe(check.get("observed")),
        unexpected_count=numbers.value(count, "count") if count is not None else NA,
    )


def alert_subject(day: dt.date, failed: int) -> str:
    """``... N critical checks failed``; with no failed check the run itself failed."""
    if failed == 0:
        what = "the run failed before its quality checks passed"
    else:
        what = f"{failed} critical {'check' if failed == 1 else 'checks'} failed"
    return f"[{BRAND}] ALERT: Reports withheld for {format_day(day)}: {what}"


def render_alert(
    day: dt.date,
    summary: str,
    failures: Sequence[Mapping[str, Any]] | Iterable[Mapping[str, Any]],
    *,
    build_db: str,
    airflow_run: str | None = None,
    numbers: NumberFormat = EN_US_USD,
) -> RenderedEmail:
    """The data team's "reports withheld" email: every failed check and what to do next."""
    checks = [failed_check_view(c, numbers) for c in failures]
    subject = alert_subject(day, len(checks))
    context = {
        "day": format_day(day),
        "ds": day.isoformat(),
        "headline": subject.removeprefix(f"[{BRAND}] ALERT: "),
        "summary": redact(summary.strip()),
        "checks": checks,
        "build_db": build_db,
        "airflow_run": airflow_run,
    }
    return RenderedEmail(
        subject=subject,
        text=_render("alert.txt.j2", subject=subject, **context),
        html=_render("alert.html.j2", subject=subject, **context),
    )


# --- the stakeholders' "delayed" notice -------------------------------------------------

DELAY_REASONS = {
    "withheld": "did not pass its quality checks, so it was not published",
    "late": "is not published yet",
}
"""Why a role's report is delayed, as said in the notice: the gate withheld the day, or the
day was not published by the report deadline."""


def delayed_subject(day: dt.date, role_title: str, company: str) -> str:
    """``[opspulse] Acme E-commerce report for Fri 27 Nov 2026 is delayed``."""
    name = " ".join(company.split())  # one line: a newline in a header value is refused
    who = "" if name.lower() in ("", BRAND) else f"{name} "
    return plain(f"[{BRAND}] {who}{role_title} report for {format_day(day)} is delayed")


def render_delayed(day: dt.date, role_title: str, reason: str, *, company: str) -> RenderedEmail:
    """A short notice for one role: the day's report is late and will follow. It carries no
    number and no customer data, only the day, the role and why."""
    if reason not in DELAY_REASONS:
        raise ValueError(f"unknown delay reason {reason!r}; expected one of {list(DELAY_REASONS)}")
    subject = delayed_subject(day, role_title, company)
    context = {
        "title": role_title,
        "day": format_day(day),
        "ds": day.isoformat(),
        "headline": f"Your {role_title} report for {format_day(day)} is delayed",
        "why": f"The data for {format_day(day)} {DELAY_REASONS[reason]}.",
    }
    return RenderedEmail(
        subject=subject,
        text=_render("delayed.txt.j2", subject=subject, **context),
        html=_render("delayed.html.j2", subject=subject, **context),
    )
