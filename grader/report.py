"""The learner's terminal report: a renderer of the results model, nothing else."""

from __future__ import annotations

import textwrap
from typing import Optional, Sequence

from .exercises import Exercise
from .results import CheckResult, ExerciseResult, Report, State, Status

MARK = {State.DONE: "✓", State.FAILING: "✗", State.DID_NOT_START: "✗", State.NOT_STARTED: "·",
        State.NOT_SUBMITTED: "?"}
CHECK_MARK = {Status.PASSED: "✓", Status.FAILED: "✗", Status.SKIPPED: "-", Status.ERROR: "!"}
WIDTH = 100


def render(report: Report, folder: str, later: Sequence[Exercise] = ()) -> str:
    """`later`: the kit's exercises this report did not grade and that are not known to be done;
    once every graded one is done, the first of them is next (all done only when there is none)."""
    out = ["procgrade · %s · start method: %s" % (folder, ", ".join(report.start_methods)), ""]
    title_width = max((len(e.title) for e in report.exercises), default=10)
    for e in report.exercises:
        out.append("  %s %s  %-*s  %-13s %d/%d" % (MARK[e.state], e.exercise, title_width, e.title,
                                                e.state.value, e.score, e.max_score))
        for note in e.notes:
            out.extend(_wrapped(note, indent="          "))
    for e in report.exercises:
        if e.state in (State.FAILING, State.DID_NOT_START):
            out.append("")
            out.extend(_did_not_start(e) if e.state is State.DID_NOT_START else _failures(e))
            out.extend(_stderr(e, len(report.start_methods) > 1))
    out.append("")
    done = sum(e.state is State.DONE for e in report.exercises)
    out.append("%d/%d checks · %d of %d exercises done" % (report.score, report.max_score, done,
                                                          len(report.exercises)))
    nxt = next_exercise(report)
    if nxt is not None:
        out.append(_next_line(nxt, folder))
    elif later:
        out.append(_done_next_line(report, later[0], folder))
    else:
        out.append("all done. Well done: every check passes.")
    return "\n".join(out)


def next_exercise(report: Report) -> Optional[ExerciseResult]:
    return next((e for e in report.exercises if e.state is not State.DONE), None)


def _next_line(e: ExerciseResult, folder: str) -> str:
    where = "%s/%s" % (folder.rstrip("/"), e.file)
    if e.state in (State.FAILING, State.DID_NOT_START):
        return "next: fix %s (%s), then run: nox -s check -- %s" % (e.exercise, where, e.exercise)
    if e.state is State.NOT_SUBMITTED:
        return "next: %s is missing: %s" % (e.exercise, where)
    return ("next: %s — read the docstring at the top of %s, fill in its TODOs, then run: "
            "nox -s check -- %s   (stuck? nox -s hint -- %s)" % (e.exercise, where, e.exercise, e.exercise))


def _done_next_line(report: Report, upcoming: Exercise, folder: str) -> str:
    done = ", ".join(e.exercise for e in report.exercises)
    return ("%s done · next: %s (%s/%s), then run: nox -s check -- %s"
            % (done, upcoming.id, folder.rstrip("/"), upcoming.file, upcoming.id))


def _failures(e: ExerciseResult) -> list[str]:
    grouped: dict[str, list[CheckResult]] = {}
    for c in e.checks:
        if c.status is not Status.PASSED:
            grouped.setdefault(c.check, []).append(c)
    passed = len({c.check for c in e.checks}) - len(grouped)
    lines = ["%s %s — %d of %d checks pass" % (e.exercise, e.title, passed, len({c.check for c in e.checks}))]
    for results in grouped.values():
        first = results[0]
        methods = sorted({c.start_method for c in results})
        under = " (under %s)" % ", ".join(methods) if len(e.checks and {c.start_method for c in e.checks}) > 1 else ""
        if first.status is Status.SKIPPED:
            lines.append("  %s %s%s — skipped: %s" % (CHECK_MARK[first.status], first.title, under, first.observed))
            continue
        lines.append("  %s %s%s" % (CHECK_MARK[first.status], first.title, under))
        for label, text in (("expected", first.expected), ("observed", first.observed), ("hint", first.hint)):
            if text:
                lines.extend(_wrapped("%s: %s" % (label, text)))
    return lines


def _did_not_start(e: ExerciseResult) -> list[str]:
    """One message, first and alone: the error, the learner's line with a caret, one hint; the
    other checks only counted."""
    lines = ["%s %s — your program did not start" % (e.exercise, e.title)]
    lines.append("  ✗ " + e.error)   # whole, on one line: it quotes the learner's code
    lines.extend("        " + line for line in e.error_excerpt)
    carrier = next((c for c in e.checks if c.status is Status.FAILED and c.observed == e.error), None)
    if carrier is not None and carrier.hint:
        lines.extend(_wrapped("hint: " + carrier.hint))
    skipped = len({c.check for c in e.checks if c.status is Status.SKIPPED})
    if skipped:
        lines.append("  - the other %d checks were skipped: they need a program that starts" % skipped)
    return lines


def _stderr(e: ExerciseResult, many_methods: bool) -> list[str]:
    """The last lines the program wrote to stderr (its tracebacks cut to its own file)."""
    if not e.stderr_tail:
        return []
    under = " under %s" % e.stderr_from if many_methods and e.stderr_from else ""
    head = "  what your program wrote to stderr%s (the last lines; tracebacks cut to %s):" % (under, e.file)
    return [head] + ["      " + line for line in e.stderr_tail]


def _wrapped(text: str, indent: str = "      ") -> list[str]:
    return textwrap.wrap(text, width=WIDTH, initial_indent=indent, subsequent_indent=indent + "  ",
                         break_long_words=False, break_on_hyphens=False) or [indent]
