"""The report as one self-contained HTML page (`check --html report.html`): per exercise its state,
its failing checks, and an SVG timeline of its processes (timeline.py's model), each mark showing
its line and time on hover (an SVG <title>). Styles inline, no script, nothing fetched: the file
opens the same offline, attached to a mail, years later.
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from string import Template
from typing import Sequence

from .i18n import _, current
from .report import CHECK_MARK, MARK, STATE_LABEL
from .results import ExerciseResult, Report, State, Status
from .states import BUSY, IDLE, READY, RUNNING, WAITING
from .timeline import Timeline, legend_items, warp_note

SVG_WIDTH = 960
LEFT = 10                     # the bars start here; each row's name is written above its bar
ROW_HEIGHT = 52
BAR_Y, BAR_HEIGHT = 18, 16    # within a row
TASK_Y, TASK_HEIGHT = 37, 11
AXIS_HEIGHT = 26
STATE_CLASS = {RUNNING: "running", READY: "ready", WAITING: "waiting", BUSY: "running", IDLE: "waiting"}

PAGE = Template("""<!DOCTYPE html>
<html lang="$lang">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>$title</title>
<style>
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", "Noto Sans CJK SC", "Microsoft YaHei", sans-serif;
       margin: 24px auto; max-width: 1000px; padding: 0 16px; color: #1f2328; background: #fff; }
h1 { font-size: 20px; margin: 0 0 4px; }
h2 { font-size: 16px; margin: 28px 0 6px; border-bottom: 1px solid #d0d7de; padding-bottom: 4px; }
.summary td { padding: 1px 12px 1px 0; }
.done { color: #1a7f37; } .failing, .did-not-start { color: #cf222e; } .not-started, .not-submitted { color: #656d76; }
.check { margin: 8px 0 0 0; } .check b { font-weight: 600; }
.check div { margin-left: 22px; white-space: pre-wrap; }
.label { font-size: 12px; fill: #1f2328; }
.life { fill: #d8dee4; }
.running { fill: #1a7f37; } .ready { fill: #d4a72c; } .waiting { fill: #b6e3c6; }
.wait { fill: url(#hatch); }
.task { fill: #0969da; stroke: #fff; stroke-width: 1; } .task-text { font-size: 9px; fill: #fff; }
.mark { fill: #1f2328; stroke: #fff; stroke-width: 1; } .mark.err { fill: #cf222e; }
.axis { font-size: 11px; fill: #656d76; } .tick { stroke: #d0d7de; }
.legend span { display: inline-block; margin-right: 14px; font-size: 12px; }
.legend i { display: inline-block; width: 14px; height: 10px; margin-right: 4px; vertical-align: middle; }
pre { background: #f6f8fa; padding: 8px; overflow-x: auto; font-size: 12px; }
</style>
</head>
<body>
<h1>$title</h1>
<p>$subtitle</p>
$body
</body>
</html>
""")


def write_page(path: Path, reports: Sequence[Report], folders: Sequence[str]) -> None:
    path.write_text(page(reports, folders), encoding="utf-8")


def page(reports: Sequence[Report], folders: Sequence[str]) -> str:
    body = []
    for report, folder in zip(reports, folders):
        body.append("<table class=\"summary\">%s</table>" % "".join(
            "<tr><td class=\"%s\">%s %s</td><td>%s</td><td class=\"%s\">%s</td><td>%d/%d</td></tr>" % (
                _css(e.state), MARK[e.state], e.exercise, escape(e.title), _css(e.state),
                escape(_(STATE_LABEL[e.state])), e.score, e.max_score) for e in report.exercises))
        body.extend(_exercise(e) for e in report.exercises)
    first = reports[0] if reports else None
    subtitle = _("{folder} · start method: {methods}").format(
        folder=", ".join(folders), methods=", ".join(first.start_methods) if first else "")
    return PAGE.substitute(lang="zh-CN" if current() == "zh" else "en", title=escape(_("procgrade report")),
                           subtitle=escape(subtitle), body="\n".join(body))


def _css(state: State) -> str:
    return state.value.replace(" ", "-")


def _exercise(e: ExerciseResult) -> str:
    parts = ["<section class=\"exercise\" id=\"%s\">" % e.exercise,
             "<h2>%s %s · <span class=\"%s\">%s</span> · %d/%d</h2>" % (
                 e.exercise, escape(e.title), _css(e.state), escape(_(STATE_LABEL[e.state])), e.score, e.max_score)]
    if e.error:
        parts.append("<p class=\"failing\">%s</p>" % escape(e.error))
        if e.error_excerpt:
            parts.append("<pre>%s</pre>" % escape("\n".join(e.error_excerpt)))
    shown = set()
    for c in e.checks:
        if c.status is Status.PASSED or c.check in shown:
            continue
        shown.add(c.check)
        lines = [(_("expected: {text}"), c.expected), (_("observed: {text}"), c.observed), (_("hint: {text}"), c.hint)]
        parts.append("<div class=\"check\"><b>%s %s</b>%s</div>" % (
            CHECK_MARK[c.status], escape(c.title),
            "".join("<div>%s</div>" % escape(label.format(text=text)) for label, text in lines if text)))
    if e.stderr_tail:
        parts.append("<pre>%s</pre>" % escape("\n".join(e.stderr_tail)))
    if e.timeline is not None and e.timeline.rows:
        parts.append(svg(e.timeline, e.exercise))
        parts.append(_legend(e.timeline))
    parts.append("</section>")
    return "\n".join(parts)


def svg(timeline: Timeline, name: str) -> str:
    """The timeline as an inline SVG: one <g class="row" data-pid=...> per process."""
    span = timeline.duration or 1.0
    scale = (SVG_WIDTH - 2 * LEFT) / span

    def x(t: float) -> float:
        return round(LEFT + max(0.0, min(t, span)) * scale, 1)

    height = len(timeline.rows) * ROW_HEIGHT + AXIS_HEIGHT
    out = ["<svg class=\"timeline\" id=\"timeline-%s\" width=\"%d\" "
           "height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\">" % (name, SVG_WIDTH, height, SVG_WIDTH, height),
           "<defs><pattern id=\"hatch\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" "
           "patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#fff0\"/>"
           "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#57606a\" stroke-width=\"2\"/></pattern></defs>"]
    for n, row in enumerate(timeline.rows):
        top = n * ROW_HEIGHT
        out.append("<g class=\"row\" data-pid=\"%d\" data-kind=\"%s\" transform=\"translate(0,%d)\">" % (
            row.pid, escape(row.kind), top))
        ending = "" if row.ended else " " + _("(still running when stopped)")
        out.append("<text class=\"label\" x=\"%d\" y=\"13\">%s</text>" % (LEFT, escape(row.label + ending)))
        out.append(_rect("life", x(row.start), BAR_Y, x(row.end) - x(row.start), BAR_HEIGHT,
                         _("{who}: from {start} s to {end} s").format(who=row.label, start=_s(row.start),
                                                                       end=_s(row.end))))
        for s in row.states:
            start, end = max(s.start, row.start), min(s.end, row.end)
            if end > start:
                out.append(_rect(STATE_CLASS[s.state], x(start), BAR_Y, x(end) - x(start), BAR_HEIGHT, ""))
        for w in row.waits:
            out.append(_rect("wait", x(w.start), BAR_Y, x(w.end) - x(w.start), BAR_HEIGHT,
                             _("{call}: blocked from {start} s to {end} s").format(call=w.label, start=_s(w.start),
                                                                                 end=_s(w.end))))
        for task in row.tasks:
            width = x(task.end) - x(task.start)
            out.append(_rect("task", x(task.start), TASK_Y, width, TASK_HEIGHT,
                             _("task {call}: from {start} s to {end} s").format(call=task.label, start=_s(task.start),
                                                                               end=_s(task.end))))
            if width > 6 * len(task.short) + 4:
                out.append("<text class=\"task-text\" x=\"%.1f\" y=\"%d\">%s</text>" % (
                    x(task.start) + 3, TASK_Y + 9, escape(task.short)))
        for mark in row.marks:
            out.append("<circle class=\"mark%s\" cx=\"%.1f\" cy=\"%d\" r=\"4\"><title>%s</title></circle>" % (
                " err" if mark.stream == "err" else "", x(mark.t), BAR_Y + BAR_HEIGHT // 2,
                escape("%s s · %s: %s" % (_s(mark.t), row.label, mark.text))))
        out.append("</g>")
    out.append(_axis(span, x, len(timeline.rows) * ROW_HEIGHT))
    out.append("</svg>")
    return "\n".join(out)


def _rect(css: str, x: float, y: int, width: float, height: int, title: str) -> str:
    inner = "<title>%s</title>" % escape(title) if title else ""
    return "<rect class=\"%s\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\">%s</rect>" % (
        css, x, y, max(width, 1.0), height, inner)


def _s(seconds: float) -> str:
    return "%.3f" % seconds


def _axis(span: float, x, top: int) -> str:
    step = next(s for s in (0.05, 0.1, 0.2, 0.25, 0.5, 1, 2, 5, 10, 20, 60, 1e9) if span / s <= 10)
    ticks = []
    t = 0.0
    while t <= span + 1e-9:
        ticks.append("<line class=\"tick\" x1=\"%.1f\" x2=\"%.1f\" y1=\"0\" y2=\"%d\"/>"
                     "<text class=\"axis\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%g s</text>" % (
                         x(t), x(t), top + 4, x(t), top + 18, round(t, 3)))
        t += step
    return "<g class=\"axis\">%s</g>" % "".join(ticks)


SWATCH = {RUNNING: "#1a7f37", READY: "#d4a72c", WAITING: "#b6e3c6", BUSY: "#1a7f37", IDLE: "#b6e3c6",
          "alive": "#d8dee4", "task": "#0969da", "mark": "#1f2328", "err": "#cf222e",
          "wait": "repeating-linear-gradient(45deg,#57606a 0 2px,#fff 2px 5px)"}


def _legend(timeline: Timeline) -> str:
    spans = "".join("<span><i style=\"background:%s\"></i>%s</span>" % (SWATCH[key], escape(text))
                    for key, text in legend_items(timeline))
    note = warp_note(timeline)
    return "<p class=\"legend\">%s%s</p>" % (spans, "<span>%s</span>" % escape(note) if note else "")
