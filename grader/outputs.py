"""The instructor's files, each a renderer of the results model (grader/results.py):
`grades.csv`, one JSON per submission, Gradescope's `results.json`, and the result GitHub
Classroom's reporter reads. None of them computes a grade; they lay out the Report's.

The same submissions give the same bytes on every run: rows and checks in a fixed order, no
times, no temporary paths, and pids (new on every run) numbered in order of first mention within
each run ("pid #1", "#2"...), which keeps what they say (which process printed which line) and
drops what changes.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import replace
from pathlib import Path
from typing import Any, Iterable, Optional

from .i18n import _
from .report import STATE_LABEL, display_width, padded
from .results import CheckResult, ExerciseResult, Report, State, Status
from .submissions import Submission

PID_MENTION = re.compile(r"\bpid\s*[=:：]?\s*(\d{3,})")
NUMBER = re.compile(r"(?<!\d)\d{3,}(?!\d)")
GRADESCOPE_VISIBILITY = "visible"


# --- one model, shown the same way every time --------------------------------------------------

def stable(report: Report, student: str, graded_from: str) -> Report:
    """The report as the instructor's files show it: its target is the student's id (also where
    a message names the temporary folder it was graded from), and its pids are numbered."""
    exercises = []
    for e in report.exercises:
        checks = tuple(_renamed(c, graded_from, student) for c in e.checks)
        numbered = _numbered_pids(checks + (_stderr_as_check(e),))
        stderr_tail = tuple(numbered[-1].observed.split("\n")) if e.stderr_tail else ()
        exercises.append(replace(e, checks=numbered[:-1], stderr_tail=stderr_tail))
    return replace(report, target=student, exercises=tuple(exercises))


def _stderr_as_check(e: ExerciseResult) -> CheckResult:
    """The program's stderr, carried through the pid numbering of its run like a message (the
    tail names processes by their pids)."""
    return CheckResult(e.exercise, "", "", Status.SKIPPED, 0, 0, e.stderr_from, observed="\n".join(e.stderr_tail))


def _renamed(check: CheckResult, old: str, new: str) -> CheckResult:
    if not old:
        return check
    return replace(check, expected=check.expected.replace(old, new), observed=check.observed.replace(old, new),
                   hint=check.hint.replace(old, new))


def _numbered_pids(checks: Iterable[CheckResult]) -> tuple[CheckResult, ...]:
    """Within each run (exercise, start method), every pid mentioned as one becomes "#n", n in
    order of first mention, wherever that number appears in the run's messages."""
    checks = list(checks)
    numbering: dict[str, dict[str, str]] = {}
    for c in checks:
        labels = numbering.setdefault(c.start_method, {})
        for text in (c.expected, c.observed, c.hint):
            for pid in PID_MENTION.findall(text):
                labels.setdefault(pid, "#%d" % (len(labels) + 1))

    def relabel(text: str, labels: dict[str, str]) -> str:
        return NUMBER.sub(lambda m: labels.get(m.group(0), m.group(0)), text) if labels else text

    out = []
    for c in checks:
        labels = numbering[c.start_method]
        out.append(replace(c, expected=relabel(c.expected, labels), observed=relabel(c.observed, labels),
                           hint=relabel(c.hint, labels)))
    return tuple(out)


# --- how a submission went, in a word and a sentence --------------------------------------------

def status(submission: Submission, report: Report) -> tuple[str, str]:
    """`graded`, `incomplete` (some exercise files missing), `empty` (none found), `rejected`
    (could not be read safely) or `grader error` (the grader broke on it: look at it)."""
    notes = list(submission.notes)
    if submission.rejected:
        return "rejected", submission.problem
    broken = [e.exercise for e in report.exercises if any(c.status is Status.ERROR for c in e.checks)]
    if broken:
        return "grader error", _("; ").join(
            [_("the grader itself failed on {exercises}").format(exercises=", ".join(broken))] + notes)
    notes += [_("{exercise}: {error}").format(exercise=e.exercise, error=e.error)
              for e in report.exercises if e.state is State.DID_NOT_START]
    missing = [e.exercise for e in report.exercises if e.state is State.NOT_SUBMITTED]
    if missing and len(missing) == len(report.exercises):
        return "empty", _("; ").join([_("no exercise file found")] + notes)
    if missing:
        return "incomplete", _("; ").join([_("not submitted: {exercises}").format(exercises=", ".join(missing))] + notes)
    return "graded", _("; ").join(notes)


# --- grades.csv ---------------------------------------------------------------------------------

def grades_csv(graded: list[tuple[Submission, Report]], exercises: list[str]) -> str:
    """One row per submission: id, one column of points per exercise, total, max, status, note."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["id", *exercises, "total", "max", "status", "note"])
    for submission, report in sorted(graded, key=lambda pair: pair[0].id):
        scores = [_exercise_score(report.exercise(e)) for e in exercises]
        writer.writerow([submission.id, *scores, report.score, report.max_score, *status(submission, report)])
    return out.getvalue()


def _exercise_score(result: Optional[ExerciseResult]) -> Any:
    return "" if result is None else result.score


# --- one JSON per submission --------------------------------------------------------------------

def student_json(submission: Submission, report: Report) -> str:
    """The whole Report (its one JSON form, Report.to_dict) with what was taken in. It holds all
    that grades.csv shows (student_from_json reads it back), so a class's CSV can always be made
    again from its students' files: after a resume, and when shards are merged."""
    word, note = status(submission, report)
    data: dict[str, Any] = {"id": submission.id, "source": submission.source, "status": word, "note": note,
                            "notes": list(submission.notes), "files": list(submission.files)}
    data.update(report.to_dict())
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def student_from_json(text: str) -> tuple[Submission, Report]:
    """What student_json wrote, read back (the submission's temporary folder is gone: its id
    stands in for it)."""
    data = json.loads(text)
    problem = data["note"] if data["status"] == "rejected" else ""   # a rejected one's note is its problem
    submission = Submission(data["id"], data["source"], Path(data["id"]), tuple(data["files"]), problem,
                            tuple(data.get("notes", ())))
    return submission, Report.from_dict(data)


def without_messages(report: Report) -> Report:
    """A rejected submission's report: every check scores nothing and says nothing, since the one
    reason (the submission's problem) is given once, beside them."""
    return replace(report, exercises=tuple(
        replace(e, checks=tuple(replace(c, expected="", observed="", hint="") for c in e.checks))
        for e in report.exercises))


# --- Gradescope ---------------------------------------------------------------------------------

def gradescope_results(report: Report, problem: str = "") -> dict[str, Any]:
    """Gradescope's results.json: the score, one test per check (its points, its message), and a
    summary. Only fields of Gradescope's autograder specification are used; the maximum is in
    `extra_data` (each test carries its own `max_score`)."""
    many = len(report.start_methods) > 1
    tests = []
    for e in report.exercises:
        for n, c in enumerate(e.checks, 1):
            tests.append({
                "name": test_name(e, c, many),
                "number": "%d.%d" % (_exercise_number(e.exercise), n),
                "score": c.points,
                "max_score": c.max_points,
                "status": "passed" if c.status is Status.PASSED else "failed",
                "output": _check_output(c),
                "output_format": "text",
                "tags": [e.exercise],
                "visibility": GRADESCOPE_VISIBILITY,
            })
    return {
        "score": report.score,
        "output": summary(report, problem),
        "output_format": "text",
        "visibility": GRADESCOPE_VISIBILITY,
        "stdout_visibility": "hidden",
        "extra_data": {
            "max_score": report.max_score,
            "exercises": {e.exercise: {"state": e.state.value, "score": e.score, "max_score": e.max_score}
                          for e in report.exercises},
        },
        "tests": tests,
    }


def test_name(e: ExerciseResult, c: CheckResult, many: bool) -> str:
    """A check as a test of Gradescope or Classroom: "ex03 process args: the child got …"."""
    values = dict(exercise=e.exercise, title=e.title, check=c.title, method=c.start_method)
    if many:
        return _("{exercise} {title}: {check} ({method})").format(**values)
    return _("{exercise} {title}: {check}").format(**values)


def _exercise_number(exercise: str) -> int:
    digits = re.sub(r"\D", "", exercise)
    return int(digits) if digits else 0


def _check_output(c: CheckResult) -> str:
    if c.status is Status.PASSED:
        return _("passed")
    if c.status is Status.SKIPPED:
        return _("skipped: {reason}").format(reason=c.observed)
    return c.message


def summary(report: Report, problem: str = "") -> str:
    """A few lines for the top of a student's result: one per exercise, then the total."""
    lines = []
    if problem:
        lines += [_("Your submission could not be graded: {problem}").format(problem=problem), ""]
    width = max((display_width(e.title) for e in report.exercises), default=10)
    for e in report.exercises:
        lines.append("%s  %s  %s %d/%d" % (e.exercise, padded(e.title, width), padded(_(STATE_LABEL[e.state]), 13),
                                          e.score, e.max_score))
    done = sum(e.state is State.DONE for e in report.exercises)
    lines += ["", _("{score}/{max_score} points · {done} of {count} exercises done").format(
        score=report.score, max_score=report.max_score, done=done, count=len(report.exercises))]
    return "\n".join(lines)


def dumps(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


# --- GitHub Classroom ---------------------------------------------------------------------------

def classroom_result(report: Report) -> dict[str, Any]:
    """What GitHub Classroom's grading reporter reads from a runner's `result` output (base64 of
    this JSON): each check a test with its points; the reporter adds them up against max_score."""
    many = len(report.start_methods) > 1
    tests = [{
        "name": test_name(e, c, many),
        "status": "pass" if c.status is Status.PASSED else "fail",
        "score": c.points,
        "message": _check_output(c),
    } for e in report.exercises for c in e.checks]
    passed = all(c.status is Status.PASSED for e in report.exercises for c in e.checks)
    return {"version": 1, "status": "pass" if passed else "fail", "max_score": report.max_score, "tests": tests}


def classroom_summary(report: Report) -> str:
    """Markdown for the workflow run's summary page."""
    rows = [_("| exercise | state | points |"), "|---|---|---|"]
    rows += ["| %s %s | %s | %d/%d |" % (e.exercise, e.title, _(STATE_LABEL[e.state]), e.score, e.max_score)
             for e in report.exercises]
    failing = [(e, c) for e in report.exercises for c in e.checks if c.status is Status.FAILED]
    lines = [_("## procgrade: {score}/{max_score} points").format(score=report.score, max_score=report.max_score),
             "", *rows]
    if failing:
        lines += ["", _("### Failing checks"), ""]
        for e, c in failing:
            lines.append("- **%s %s**: %s" % (e.exercise, c.title, c.observed.replace("\n", " ")))
    return "\n".join(lines) + "\n"
