"""The learner's terminal report: a renderer of the results model, nothing else."""

from __future__ import annotations

import re
import textwrap
from typing import Optional, Sequence

from .console import display_width
from .exercises import Exercise
from .commands import learner_command
from .i18n import N_, _, ngettext
from .timeline import WIDTH as TIMELINE_WIDTH
from .timeline import render as draw_timeline
from .results import CheckResult, ExerciseResult, Report, State, Status

MARK = {State.DONE: "✓", State.FAILING: "✗", State.DID_NOT_START: "✗", State.NOT_STARTED: "·",
        State.NOT_SUBMITTED: "?", State.GRADER_ERROR: "!"}
CHECK_MARK = {Status.PASSED: "✓", Status.FAILED: "✗", Status.SKIPPED: "-", Status.ERROR: "!"}
WIDTH = 100
WIDTH_TIMELINE = TIMELINE_WIDTH - 2   # indented by two under the exercise: 80 columns in all
# the states as the learner reads them (State's values are the JSON's and never translated)
STATE_LABEL = {State.DONE: N_("done"), State.FAILING: N_("failing"), State.NOT_STARTED: N_("not started"),
               State.NOT_SUBMITTED: N_("not submitted"), State.DID_NOT_START: N_("did not start"),
               State.GRADER_ERROR: N_("grader error")}


def render(report: Report, folder: str, later: Sequence[Exercise] = (), timelines: bool = False,
           ascii_only: bool = False) -> str:
    """`later`: the kit's exercises this report did not grade and that are not known to be done;
    once every graded one is done, the first of them is next (all done only when there is none).
    The timeline of the processes is shown under a failing check about time, and for every
    exercise with `timelines` (`--timeline`); in ASCII with `ascii_only`."""
    out = [_("procgrade · {folder} · start method: {methods}").format(
        folder=folder, methods=", ".join(report.start_methods)), ""]
    # an exercise's title is the suite's TITLE, marked with N_() where it is written and translated
    # where the result is made (plugin), as every check's title is
    title_width = max((display_width(e.title) for e in report.exercises), default=10)
    state_width = max(display_width(_(label)) for label in STATE_LABEL.values())
    for e in report.exercises:
        out.append("  %s %s  %s  %s %d/%d" % (MARK[e.state], e.exercise, padded(e.title, title_width),
                                            padded(_(STATE_LABEL[e.state]), state_width), e.score, e.max_score))
        for note in e.notes:
            out.extend(_wrapped(note, indent="          "))
    for e in report.exercises:
        if e.state in (State.FAILING, State.DID_NOT_START):
            out.append("")
            out.extend(_did_not_start(e) if e.state is State.DID_NOT_START else _failures(e))
            if timelines or any(c.about_time and c.status is Status.FAILED for c in e.checks):
                out.extend(_timeline(e, ascii_only))
            out.extend(_stderr(e, len(report.start_methods) > 1))
        elif e.state is State.GRADER_ERROR:
            out.append("")
            out.extend(_wrapped(_("{exercise} {title} — THE GRADER ITSELF FAILED, not your program: this exercise "
                                  "was not graded. What to report is printed after the report.").format(
                exercise=e.exercise, title=e.title), indent="  "))
    for e in report.exercises:
        if timelines and e.state not in (State.FAILING, State.DID_NOT_START, State.GRADER_ERROR) \
                and e.timeline is not None:
            out.append("")
            out.append("%s %s" % (e.exercise, e.title))
            out.extend(_timeline(e, ascii_only))
    out.append("")
    done = sum(e.state is State.DONE for e in report.exercises)
    # "1 of 1 exercises done": the noun counts the whole, as in "1 of 3 exercises"; no plural form
    out.append(_("{score}/{max_score} checks · {done} of {count} exercises done").format(
        score=report.score, max_score=report.max_score, done=done, count=len(report.exercises)))
    nxt = next_exercise(report)
    if nxt is not None:
        out.append(_next_line(nxt, folder))
    elif later:
        out.append(_done_next_line(report, later[0], folder))
    else:
        out.append(_("all done. Well done: every check passes."))
    return "\n".join(out)


def next_exercise(report: Report) -> Optional[ExerciseResult]:
    return next((e for e in report.exercises if e.state is not State.DONE), None)


def _next_line(e: ExerciseResult, folder: str) -> str:
    where = "%s/%s" % (folder.rstrip("/"), e.file)
    if e.state in (State.FAILING, State.DID_NOT_START):
        return _("next: fix {exercise} ({file}), then run: {check}").format(
            exercise=e.exercise, file=where, check=learner_command("check", e.exercise))
    if e.state is State.NOT_SUBMITTED:
        return _("next: {exercise} is missing: {file}").format(exercise=e.exercise, file=where)
    if e.state is State.GRADER_ERROR:
        return _("next: report the grader's failure on {exercise} (what to send is below), then run again: "
                 "{check}").format(exercise=e.exercise, check=learner_command("check", e.exercise))
    return _("next: {exercise} — read the docstring at the top of {file}, fill in its TODOs, then run: "
             "{check}   (stuck? {hint})").format(exercise=e.exercise, file=where,
                                                 check=learner_command("check", e.exercise),
                                                 hint=learner_command("hint", e.exercise))


def _done_next_line(report: Report, upcoming: Exercise, folder: str) -> str:
    done = ", ".join(e.exercise for e in report.exercises)
    return _("{done} done · next: {exercise} ({file}), then run: {check}").format(
        done=done, exercise=upcoming.id, file="%s/%s" % (folder.rstrip("/"), upcoming.file),
        check=learner_command("check", upcoming.id))


def _failures(e: ExerciseResult) -> list[str]:
    grouped: dict[str, list[CheckResult]] = {}
    for c in e.checks:
        if c.status is not Status.PASSED:
            grouped.setdefault(c.check, []).append(c)
    passed = len({c.check for c in e.checks}) - len(grouped)
    count = len({c.check for c in e.checks})
    lines = [_("{exercise} {title} — {passed} of {count} checks pass").format(
        exercise=e.exercise, title=e.title, passed=passed, count=count)]
    for results in grouped.values():
        first = results[0]
        methods = sorted({c.start_method for c in results})
        several = len(e.checks and {c.start_method for c in e.checks}) > 1
        title = (_("{title} (under {methods})").format(title=first.title, methods=", ".join(methods))
                 if several else first.title)
        if first.status is Status.SKIPPED:
            lines.append("  %s %s" % (CHECK_MARK[first.status], _("{title} — skipped: {reason}").format(
                title=title, reason=first.observed)))
            continue
        lines.append("  %s %s" % (CHECK_MARK[first.status], title))
        for label, text in ((_("expected: {text}"), first.expected), (_("observed: {text}"), first.observed),
                            (_("hint: {text}"), first.hint)):
            if text:
                lines.extend(_wrapped(label.format(text=text)))
    return lines


def _did_not_start(e: ExerciseResult) -> list[str]:
    """One message, first and alone: the error, the learner's line with a caret, one hint; the
    other checks only counted."""
    lines = [_("{exercise} {title} — your program did not start").format(exercise=e.exercise, title=e.title)]
    lines.append("  ✗ " + e.error)   # whole, on one line: it quotes the learner's code
    lines.extend("        " + line for line in e.error_excerpt)
    carrier = next((c for c in e.checks if c.status is Status.FAILED and c.observed == e.error), None)
    if carrier is not None and carrier.hint:
        lines.extend(_wrapped(_("hint: {text}").format(text=carrier.hint)))
    skipped = len({c.check for c in e.checks if c.status is Status.SKIPPED})
    if skipped:
        lines.append("  - " + ngettext("the other check was skipped: it needs a program that starts",
                                       "the other {count} checks were skipped: they need a program that starts",
                                       skipped).format(count=skipped))
    return lines


def _timeline(e: ExerciseResult, ascii_only: bool) -> list[str]:
    """The picture of the processes over time, under the exercise's failures (none for a run that
    made no process row: a program that did not start)."""
    if e.timeline is None or not e.timeline.rows:
        return []
    return ["  " + line for line in draw_timeline(e.timeline, ascii_only, WIDTH_TIMELINE)]


def _stderr(e: ExerciseResult, many_methods: bool) -> list[str]:
    """The last lines the program wrote to stderr (its tracebacks cut to its own file)."""
    if not e.stderr_tail:
        return []
    if many_methods and e.stderr_from:
        head = _("what your program wrote to stderr under {method} (the last lines; tracebacks cut to "
                 "{file}):").format(method=e.stderr_from, file=e.file)
    else:
        head = _("what your program wrote to stderr (the last lines; tracebacks cut to {file}):").format(file=e.file)
    head = "  " + head
    return [head] + ["      " + line for line in e.stderr_tail]


def _wrapped(text: str, indent: str = "      ") -> list[str]:
    if WIDE.search(text):
        return _wrapped_wide(text, indent)
    return textwrap.wrap(text, width=WIDTH, initial_indent=indent, subsequent_indent=indent + "  ",
                         break_long_words=False, break_on_hyphens=False) or [indent]


# Chinese has no spaces to break a line at, and each of its characters takes two columns: textwrap
# would leave a Chinese hint on one 300-column line. A line may break before any wide character
# (except before closing punctuation) and at spaces; `code` and other runs of narrow characters
# stay whole.
WIDE = re.compile(r"[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]")
PIECE = re.compile(r"`[^`]*`|\s+|[^\s\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60]+|.")
NO_BREAK_BEFORE = set("，。、；：！？）》」』】,.;:!?)%")


def _wrapped_wide(text: str, indent: str) -> list[str]:
    lines: list[str] = []
    line = indent
    for piece in PIECE.findall(" ".join(text.split())):
        fits = display_width(line) + display_width(piece.rstrip()) <= WIDTH
        if fits or line.strip() == "" or piece.isspace() or piece[0] in NO_BREAK_BEFORE:
            line += piece
        else:
            lines.append(line.rstrip())
            line = indent + "  " + piece
    lines.append(line.rstrip())
    return lines


def padded(text: str, width: int) -> str:
    return text + " " * max(0, width - display_width(text))


def render_grader_failure(reports: Sequence[Report], command: str, python: str, platform: str) -> str:
    """What the learner reads when the grader itself failed (its supervisor could not start the
    program, or crashed): loudly, never as "not started", with everything a bug report needs."""
    broken = [(r, e) for r in reports for e in r.exercises if e.state is State.GRADER_ERROR]
    if not broken:
        return ""
    rule = "!" * 72
    out = [rule, _("THE GRADER ITSELF FAILED on {exercises}. This is not your program's fault, and these "
                   "exercises were not graded.").format(exercises=", ".join(e.exercise for _r, e in broken)),
           _("Please report it to whoever gave you this kit (your teacher, or the kit's issue tracker), with "
             "all of the following:"),
           "  " + _("command: {command}").format(command=command),
           "  " + _("Python: {python}").format(python=python),
           "  " + _("platform: {platform}").format(platform=platform)]
    shown: set[str] = set()
    for _report, e in broken:
        method, _sep, detail = e.grader_error.partition(": ")
        if detail in shown:
            continue
        shown.add(detail)
        out.append("  " + _("the grader's traceback ({exercise}, start method {method}):").format(
            exercise=e.exercise, method=method))
        out.extend("    " + line for line in (detail or _("(none kept: see the checks' messages)")).rstrip().splitlines()[-60:])
    out.append(rule)
    return "\n".join(out)

