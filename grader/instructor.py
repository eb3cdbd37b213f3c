"""Grading a class on deadline night: `python -m grader grade SUBMISSIONS` (`nox -s grade`).

Every submission is taken into its own temporary folder (grader/submissions.py: only the
exercise files, nothing else it holds), then all of them are graded in ONE pytest session whose
pool runs the programs in parallel, each program in its own supervised process tree with a hard
budget: a hang costs only its own budget and a crash only its own checks. The results go through
the results model to the renderers (grader/outputs.py) into the output folder, and nowhere else;
the submissions folder is only read.

Output folder (`--out`, default SUBMISSIONS-grades next to it):
    grades.csv                      one row per submission
    students/<id>.json              every check of one submission
    gradescope/<id>/results.json    the same, in Gradescope's format
    junit.xml                       pytest's own JUnit XML (test ids name the submission)
    .procgrade-grades               marks the folder as ours, so a later run may replace it
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, Optional, Sequence, TextIO

from . import outputs
from .exercises import all_exercises, select
from .plugin import GraderPlugin
from .progress import Progress
from .results import Report
from .submissions import BadInput, Submission, find, take_in, take_in_all

# grade(targets, exercises, methods, jobs, junitxml=..., plugins=...) from grader/__main__.py
GradeFunction = Callable[..., GraderPlugin]

MARKER = ".procgrade-grades"
OUR_ENTRIES = ("grades.csv", "junit.xml", "students", "gradescope")


def default_out(submissions: Path) -> Path:
    return submissions.parent / (submissions.name + "-grades")


def check_out(out: Path, submissions: Path) -> None:
    """The output folder must be new, empty, or one of ours; never inside the submissions."""
    if out == submissions or submissions in out.parents:
        raise BadInput("the output folder %s is inside the submissions folder %s: put it elsewhere"
                       % (out, submissions))
    if out in submissions.parents:
        raise BadInput("the submissions folder %s is inside the output folder %s: put the output elsewhere"
                       % (submissions, out))
    if out.exists() and not out.is_dir():
        raise BadInput("the output folder %s exists and is not a folder" % out)
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file():
        raise BadInput("the output folder %s exists and was not made by procgrade: choose another one "
                       "with --out, or empty it" % out)


def fresh_out(out: Path) -> None:
    """Create the output folder, or clear what an earlier run of ours wrote there."""
    out.mkdir(parents=True, exist_ok=True)
    (out / MARKER).write_text("made by procgrade's `grade` command; it replaces what it wrote here\n",
                              encoding="utf-8")
    for name in OUR_ENTRIES:
        entry = out / name
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        elif entry.exists() or entry.is_symlink():
            entry.unlink()


def grade_class(submissions: Path, out: Optional[Path], grade: GradeFunction, exercises: Sequence[str] = (),
                methods: Sequence[str] = ("spawn",), jobs: int = 2, stream: TextIO = sys.stderr,
                sandbox: str = "none") -> int:
    """Grade every submission; write the output folder. 0: all graded; 1: some submission was
    rejected or broke the grader (its row says so; the others are graded all the same).
    Raises BadInput (nothing written) when the submissions or the output folder will not do."""
    started = time.monotonic()
    submissions = submissions.resolve()
    entries, skipped = find(submissions)
    out = (out or default_out(submissions)).resolve()
    check_out(out, submissions)
    chosen = [e.id for e in select(list(exercises))]
    work = Path(tempfile.mkdtemp(prefix="procgrade-grade-"))
    try:
        taken = take_in_all(entries, work, [e.file for e in all_exercises()])
        for name in skipped:
            print("ignored %s: not a folder or a .zip" % name, file=stream)
        for s in taken:
            if s.rejected:
                print("rejected %s: %s (graded as nothing submitted)" % (s.source, s.problem), file=stream)
        fresh_out(out)
        graded = grade_folders(taken, grade, chosen, methods, jobs, junitxml=out / "junit.xml",
                               progress=Progress([s.folder for s in taken], stream), sandbox=sandbox)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    write_outputs(out, graded, chosen)
    return _closing_words(graded, out, time.monotonic() - started, stream)


def grade_folders(taken: list[Submission], grade: GradeFunction, exercises: Sequence[str],
                  methods: Sequence[str], jobs: int, junitxml: Optional[Path] = None,
                  progress: Optional[Progress] = None, sandbox: str = "none") -> list[tuple[Submission, Report]]:
    """One grading session over the submissions' temporary folders; their reports as the
    instructor's files show them (outputs.stable)."""
    plugin = grade([s.folder for s in taken], list(exercises), list(methods), jobs,
                   junitxml=str(junitxml) if junitxml else "", plugins=[progress] if progress else [],
                   sandbox=sandbox, notes=False)
    reports = {r.target: r for r in plugin.reports()}
    return [(s, outputs.stable(reports[str(s.folder)], s.id, str(s.folder))) for s in taken]


def grade_one(folder: Path, grade: GradeFunction, sid: str = "submission", methods: Sequence[str] = ("spawn",),
              jobs: int = 2) -> tuple[Submission, Report]:
    """One submission (a Gradescope or GitHub Classroom one), taken in like a class's."""
    work = Path(tempfile.mkdtemp(prefix="procgrade-grade-"))
    try:
        taken = take_in(folder, work / sid, [e.file for e in all_exercises()], sid)
        ((submission, report),) = grade_folders([taken], grade, [], methods, jobs)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return submission, report


def write_outputs(out: Path, graded: list[tuple[Submission, Report]], exercises: list[str]) -> None:
    (out / "grades.csv").write_text(outputs.grades_csv(graded, exercises), encoding="utf-8")
    (out / "students").mkdir(exist_ok=True)
    for submission, report in graded:
        (out / "students" / ("%s.json" % submission.id)).write_text(outputs.student_json(submission, report),
                                                                    encoding="utf-8")
        folder = out / "gradescope" / submission.id
        folder.mkdir(parents=True, exist_ok=True)
        results = outputs.gradescope_results(report, submission.problem)
        (folder / "results.json").write_text(outputs.dumps(results), encoding="utf-8")


def _closing_words(graded: list[tuple[Submission, Report]], out: Path, seconds: float, stream: TextIO) -> int:
    counts: dict[str, int] = {}
    for submission, report in graded:
        word, _ = outputs.status(submission, report)
        counts[word] = counts.get(word, 0) + 1
    told = ", ".join("%d %s" % (n, word) for word, n in sorted(counts.items()))
    print("%d submissions in %.1f s (%s); grades: %s" % (len(graded), seconds, told, out / "grades.csv"),
          file=stream)
    return 1 if counts.get("rejected") or counts.get("grader error") else 0
