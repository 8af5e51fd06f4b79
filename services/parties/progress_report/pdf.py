"""The progress report drawn as a PDF with ReportLab (installed from the lock; its standard
fonts cover English, French and Spanish, so nothing comes from the system).

A4, in the order of the ISU's progress reports: the aims with their figures and how each is
known, what changed since the previous meeting, the actions with their latest assessment, the
deadlines due before the next meeting, the States with extension requests pending.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, PropertySet, StyleSheet1, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from services.parties.progress_report.content import Report, Unavailable
from services.parties.progress_report.phrases import Words
from services.parties.summary.schemas import Counted, Figure, SeedFigure

AIMS = {
    "universalization": ("parties", "non_parties", "states"),
    "stockpile_destruction": ("no_longer_holding", "still_destroying", "destroyed_total"),
    "clearance": (
        "reported_mined_areas",
        "completed",
        "in_progress",
        "extensions_granted",
        "extension_requests_pending",
    ),
    "victim_assistance": ("significant_survivors", "funding_since_2004"),
}
GRID = TableStyle(
    [
        ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 8),
        ("FONT", (0, 1), (-1, -1), "Helvetica", 8),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8ecf2")),
        ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#9aa5b1")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
)
WIDTH = A4[0] - 36 * mm


def render(report: Report, words: Words) -> bytes:
    """The report as the bytes of a PDF document."""
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title=words("title"),
        author="Cartagena Monitor",
        creator="Cartagena Monitor",
        subject=words("as_of", day=words.day(report.as_of)),
        lang=words.language,
    )
    styles = _styles()

    def footer(canvas: Canvas, _document: Any) -> None:
        canvas.setFont("Helvetica", 7)
        canvas.drawRightString(
            A4[0] - 18 * mm, 9 * mm, words("page", number=canvas.getPageNumber())
        )

    story = [
        *_opening(report, words, styles),
        *_aims(report, words, styles),
        *_changes(report, words, styles),
        *_actions(report, words, styles),
        *_deadlines(report, words, styles),
        *_requests(report, words, styles),
    ]
    document.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()


def _styles() -> StyleSheet1:
    styles = getSampleStyleSheet()
    for heading in ("Heading1", "Heading2", "Heading3"):
        styles[heading].keepWithNext = 1  # never a heading alone at the foot of a page
    styles.add(ParagraphStyle("Cell", parent=styles["BodyText"], fontSize=8, leading=10))
    return styles


def _text(value: str, style: PropertySet) -> Paragraph:
    return Paragraph(escape(value), style)


def _table(
    header: Sequence[str],
    rows: Iterable[Sequence[str]],
    widths: Sequence[float],
    styles: StyleSheet1,
) -> Table:
    cell = styles["Cell"]
    data = [[_text(h, cell) for h in header], *([_text(v, cell) for v in row] for row in rows)]
    table = Table(data, colWidths=[w * WIDTH for w in widths], repeatRows=1)
    table.setStyle(GRID)
    return table


def _opening(report: Report, words: Words, styles: StyleSheet1) -> list[Flowable]:
    lines: list[Flowable] = [
        _text(words("title"), styles["Title"]),
        _text(words("as_of", day=words.day(report.as_of)), styles["Heading2"]),
    ]
    if report.next is not None:
        dates = words.day(report.next.start)
        if report.next.end != report.next.start:
            dates += f" – {words.day(report.next.end)}"
        lines.append(
            _text(words("for_meeting", meeting=report.next.title, dates=dates), styles["Heading3"])
        )
    prepared = words("prepared", day=words.day(report.generated_at.date()))
    return [*lines, _text(prepared, styles["BodyText"]), Spacer(1, 4 * mm)]


def _aims(report: Report, words: Words, styles: StyleSheet1) -> list[Flowable]:
    story: list[Flowable] = [_text(words("aims"), styles["Heading1"])]
    for aim, figures in AIMS.items():
        section = getattr(report.summary, aim)
        rows = [_figure_row(name, getattr(section, name), words) for name in figures]
        story.append(_text(words(aim), styles["Heading2"]))
        story.append(
            _table(
                [words("figure"), words("value"), words("basis")], rows, (0.38, 0.17, 0.45), styles
            )
        )
    return story


def _figure_row(name: str, figure: Counted | Figure | SeedFigure | None, words: Words) -> list[str]:
    label = words(name)
    if figure is None:
        return [label, "—", words("not_recorded")]
    if isinstance(figure, Counted):
        return [label, words.number(figure.value), words("derived", rule=figure.derivation)]
    value = words.number(figure.value)
    if isinstance(figure, Figure):
        qualifier = f"{words.term(figure.qualifier)} " if figure.qualifier else ""
        value = f"{qualifier}{value} {words.term(figure.unit)}".strip()
        source = f"{figure.source} ({figure.period})"
    else:
        source = figure.source
    return [label, value, words("recorded", source=source)]


def _changes(report: Report, words: Words, styles: StyleSheet1) -> list[Flowable]:
    story: list[Flowable] = [_text(words("changes"), styles["Heading1"])]
    count = words.number(report.changes_total)
    if report.previous is not None:
        intro = words(
            "changes_since",
            meeting=report.previous.title,
            day=words.day(report.previous.end),
            count=count,
        )
    else:
        intro = words("changes_since_start", day=words.day(report.changes_since), count=count)
    story.append(_text(intro, styles["BodyText"]))
    if not report.changes:
        return [*story, _text(words("changes_none"), styles["BodyText"])]
    rows = [
        [
            words.day(c.occurred_at.date()),
            f"{c.entity} {c.entity_id}",
            c.operation,
            ", ".join(c.fields),
        ]
        for c in report.changes
    ]
    story.append(_table(["", "", "", ""], rows, (0.18, 0.27, 0.12, 0.43), styles))
    hidden = report.changes_total - len(report.changes)
    if hidden > 0:
        story.append(_text(words("changes_more", count=words.number(hidden)), styles["BodyText"]))
    return story


def _actions(report: Report, words: Words, styles: StyleSheet1) -> list[Flowable]:
    story: list[Flowable] = [_text(words("actions"), styles["Heading1"])]
    if isinstance(report.assessments, Unavailable):
        return [*story, _unavailable(report.assessments, words, styles)]
    rows = []
    for action in report.actions:
        latest = report.assessments.get(action.number)
        if latest is None:
            rows.append([f"#{action.number}", action.section, words("no_assessment"), "", ""])
        else:
            rows.append(
                [
                    f"#{action.number}",
                    action.section,
                    words(latest.status),
                    words.day(latest.assessed_on),
                    latest.source or latest.period,
                ]
            )
    header = [words("action"), words("section"), words("assessment"), words("assessed_on"), ""]
    return [*story, _table(header, rows, (0.1, 0.1, 0.22, 0.2, 0.38), styles)]


def _deadlines(report: Report, words: Words, styles: StyleSheet1) -> list[Flowable]:
    story: list[Flowable] = [_text(words("deadlines"), styles["Heading1"])]
    if isinstance(report.meetings, Unavailable):
        story.append(_unavailable(report.meetings, words, styles))
    if report.next is not None:
        intro = words(
            "deadlines_until",
            day=words.day(report.as_of),
            meeting=report.next.title,
            start=words.day(report.next.start),
        )
    else:
        last = report.deadlines[-1].due if report.deadlines else report.as_of
        intro = words("deadlines_no_meeting", day=words.day(last))
    story.append(_text(intro, styles["BodyText"]))
    if not report.deadlines:
        return [*story, _text(words("deadlines_none"), styles["BodyText"])]
    rows = [
        [words.state(d.iso3, d.name), words(d.kind), words.day(d.due), words(d.status)]
        for d in report.deadlines
    ]
    header = [words("state"), words("deadline"), words("due"), words("status")]
    return [*story, _table(header, rows, (0.3, 0.36, 0.2, 0.14), styles)]


def _requests(report: Report, words: Words, styles: StyleSheet1) -> list[Flowable]:
    story: list[Flowable] = [_text(words("requests"), styles["Heading1"])]
    if not report.pending_requests:
        return [*story, _text(words("requests_none"), styles["BodyText"])]
    names = sorted(words.state(iso3, name) for iso3, name in report.pending_requests)
    return [*story, _text(", ".join(names), styles["BodyText"])]


def _unavailable(missing: Unavailable, words: Words, styles: StyleSheet1) -> Paragraph:
    return _text(
        words("unavailable", service=missing.service, reason=missing.reason), styles["BodyText"]
    )
