"""Grading a class on deadline night: `python -m grader grade SUBMISSIONS` (`nox -s grade`).

Every submission is taken into its own temporary folder (grader/submissions.py: only the
exercise files, nothing else it holds), then all of them are graded in ONE pytest session whose
pool runs the programs in parallel, each program in its own supervised process tree with a hard
budget: a hang costs only its own budget and a crash only its own checks. The results go through
the results model to the renderers (grader/outputs.py) into the output folder, and nowhere else;
the submissions folder is only read.

Nothing is lost. The new output is built beside the old one, in a hidden folder next to it
(`.OUT.procgrade-partial`), and swapped in when it is complete: until then the previous output
stays as it was. Each submission's files are written there as soon as its last check is reported,
so Ctrl+C or SIGTERM (what nox sends) keeps what was graded: the run stops its programs, removes
its temporary folders, and `--resume` grades only the rest. `grades.csv` is always made from the
students' JSON files, so a resumed run, a merge of shards and one run give the same bytes.

Output folder (`--out`, default SUBMISSIONS-grades next to it):
    grades.csv                      one row per submission
    students/<id>.json              every check of one submission
    gradescope/<id>/results.json    the same, in Gradescope's format
    junit.xml                       pytest's own JUnit XML (test ids name the submission)
    .procgrade-grades               marks the folder as ours; holds the digest of the grades.csv
                                    we wrote, so that a hand edit is never overwritten silently
    .procgrade-run.json             what was graded: exercises, start methods, shard
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import signal
import sys
import tempfile
import threading
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator, Optional, Sequence, TextIO

import pytest

from . import outputs
from .exercises import all_exercises, select
from .i18n import _
from .plugin import GraderPlugin, grader_plugin
from .progress import Progress
from .results import Report
from .runner import SUPERVISOR
from .submissions import BadInput, Submission, class_ids, find, same_id_notes, take_in, take_in_all

# grade(targets, exercises, methods, jobs, junitxml=..., plugins=...) from grader/__main__.py
GradeFunction = Callable[..., GraderPlugin]

MARKER = ".procgrade-grades"
MANIFEST = ".procgrade-run.json"
PARTIAL = ".procgrade-partial"     # the output being built: .OUT.procgrade-partial beside OUT
OLD = ".procgrade-old"             # the previous output, for the moment of the swap
JUNIT_PARTS = "junit-parts"        # one JUnit file per grading session of a run (resumed runs: several)
# a temporary folder of a submission (procgrade-grade-*/ID/) or of a run (procgrade-run-*/program/)
TEMP_PATH = re.compile(r"%s/procgrade-(?:grade|run)-[^/\s\"'<>]+/(?:program/|work/)?"
                       % re.escape(tempfile.gettempdir()))
STOP_POLL_SECONDS = 0.1

EXIT_GRADED, EXIT_REJECTIONS, EXIT_COULD_NOT_RUN = 0, 1, 2


class Interrupted(Exception):
    """The run was stopped by Ctrl+C or SIGTERM; what was graded is kept."""


@dataclass(frozen=True)
class Shard:
    """Shard K of N: the submissions whose id hashes to K-1 modulo N. It depends on the id only,
    never on the folder's order or on which other shards run, so N runners share a class."""

    index: int   # 1..count
    count: int

    @classmethod
    def parse(cls, text: str) -> "Shard":
        match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text)
        if not match or not 1 <= int(match.group(1)) <= int(match.group(2)):
            raise BadInput("--shard takes K/N with 1 <= K <= N (for example 2/4), not %r" % text)
        return cls(int(match.group(1)), int(match.group(2)))

    def holds(self, sid: str) -> bool:
        return int(hashlib.sha256(sid.encode("utf-8")).hexdigest()[:16], 16) % self.count == self.index - 1

    def __str__(self) -> str:
        return "%d/%d" % (self.index, self.count)


@dataclass(frozen=True)
class Settings:
    """What a run grades; a resume and a merge must grade the same."""

    exercises: tuple[str, ...]
    methods: tuple[str, ...]
    shard: str = ""

    def to_json(self) -> str:
        return json.dumps({"exercises": list(self.exercises), "start_methods": list(self.methods),
                           "shard": self.shard}, indent=1) + "\n"

    @classmethod
    def read(cls, folder: Path) -> Optional["Settings"]:
        try:
            data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
            return cls(tuple(data["exercises"]), tuple(data["start_methods"]), data.get("shard", ""))
        except (OSError, ValueError, KeyError, TypeError):
            return None


def default_out(submissions: Path) -> Path:
    return submissions.parent / (submissions.name + "-grades")


def partial_of(out: Path) -> Path:
    return out.parent / ("." + out.name + PARTIAL)


def check_out(out: Path, submissions: Optional[Path] = None) -> None:
    """The output folder must be new, empty, or one of ours; never inside the submissions."""
    if submissions is not None:
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


# --- grades.csv edited by hand ---------------------------------------------------------------------

def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def marker_text(grades_csv: bytes) -> str:
    return ("made by procgrade's `grade` command; it replaces what it wrote here\n"
            "grades.csv sha256 %s\n" % _digest(grades_csv))


def check_hand_edits(out: Path, force: bool) -> None:
    """Refuse to replace a grades.csv that changed since the grader wrote it, unless forced."""
    grades, marker = out / "grades.csv", out / MARKER
    if force or not grades.is_file() or not marker.is_file():
        return
    recorded = re.search(r"grades\.csv sha256 ([0-9a-f]{64})", marker.read_text(encoding="utf-8", errors="replace"))
    if recorded and recorded.group(1) != _digest(grades.read_bytes()):
        raise BadInput("%s was changed since the grader wrote it (by hand?); a new run would overwrite it. "
                       "Keep a copy of your changes, then run again with --force to replace it." % grades)


# --- stopping on Ctrl+C or SIGTERM -------------------------------------------------------------------

class Stopper:
    """While a class is graded, SIGINT and SIGTERM stop the run the way Ctrl+C stops pytest
    (KeyboardInterrupt in the main thread, so that every `finally` runs and removes its temporary
    folder). It first marks the run as stopping, so that no submission graded from a run it cut
    short is written, then asks every running supervisor to stop its program now (they kill their
    trees and end in a moment) and keeps asking the ones started while the pool winds down."""

    def __init__(self) -> None:
        self.stopping = threading.Event()
        self._closed = threading.Event()
        self._previous: dict[int, Any] = {}

    def __enter__(self) -> "Stopper":
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGINT, signal.SIGTERM):
                self._previous[sig] = signal.signal(sig, self._on_signal)
        return self

    def __exit__(self, *exc: object) -> None:
        self._closed.set()   # ends the thread that stops supervisors
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)

    def _on_signal(self, signum: int, frame: object) -> None:
        if self.stopping.is_set():
            return   # a second signal while we clean up: the cleanup goes on
        self.stopping.set()
        stop_supervisors()
        threading.Thread(target=self._keep_stopping, name="procgrade-stopper", daemon=True).start()
        raise KeyboardInterrupt

    def _keep_stopping(self) -> None:
        while not self._closed.wait(STOP_POLL_SECONDS):
            stop_supervisors()


def stop_supervisors() -> None:
    """SIGTERM to each of this process's children that is a run's supervisor: it kills its
    program's whole tree and ends."""
    import psutil

    for child in psutil.Process().children():
        try:
            if str(SUPERVISOR) in " ".join(child.cmdline()):
                child.terminate()
        except psutil.Error:
            pass


# --- the pytest plugin that writes each submission as soon as it is graded -------------------------

class Recorder:
    """Writes a submission's files the moment its last check is reported (Progress tells when),
    and makes a missing exercise file a failure in junit.xml, as it is in the grades, not an error."""

    def __init__(self, taken: list[Submission], write: Callable[[Submission, Report], None],
                 stopper: Stopper) -> None:
        self.by_folder = {s.folder: s for s in taken}
        self.write = write
        self.stopper = stopper
        self.config: Optional[pytest.Config] = None

    @pytest.hookimpl
    def pytest_configure(self, config: pytest.Config) -> None:
        self.config = config

    def done(self, target: Path) -> None:
        if self.stopper.stopping.is_set() or self.config is None:
            return   # its last runs may have been cut short by the stop: grade it again on --resume
        submission = self.by_folder[target]
        (report,) = [r for r in grader_plugin(self.config).reports() if r.target == str(target)]
        self.write(submission, graded_report(submission, report))

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
        outcome = yield
        report = outcome.get_result()
        from .checks import CheckFailed
        if call.when == "setup" and report.failed and call.excinfo and isinstance(call.excinfo.value, CheckFailed):
            # the `run` fixture fails when the file is not there: pytest's JUnit writer calls a
            # failure outside "call" an error, which would blame the grader
            report.when = "call"


def graded_report(submission: Submission, report: Report) -> Report:
    """The report as the instructor's files show it."""
    shown = outputs.stable(report, submission.id, str(submission.folder))
    return outputs.without_messages(shown) if submission.rejected else shown


# --- files -----------------------------------------------------------------------------------------

def _write_atomically(path: Path, text: str) -> None:
    """A file is there whole or not at all: a run stopped mid-write leaves no half JSON that a
    resume would trust."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def write_student(folder: Path, submission: Submission, report: Report) -> None:
    _write_atomically(folder / "gradescope" / submission.id / "results.json",
                      outputs.dumps(outputs.gradescope_results(report, submission.problem)))
    # the student's JSON last: its presence says the submission is done
    _write_atomically(folder / "students" / ("%s.json" % submission.id), outputs.student_json(submission, report))


def read_students(folder: Path) -> dict[str, tuple[Submission, Report]]:
    """The submissions whose files a run wrote into `folder`, by id (unreadable ones left out)."""
    found = {}
    for path in sorted((folder / "students").glob("*.json")):
        try:
            submission, report = outputs.student_from_json(path.read_text(encoding="utf-8"))
        except (OSError, ValueError, KeyError, TypeError):
            continue
        if path.stem == submission.id:
            found[submission.id] = (submission, report)
    return found


def finish(folder: Path, graded: list[tuple[Submission, Report]], settings: Settings) -> bytes:
    """Write what is made from all the students at once: grades.csv, junit.xml, the manifest
    and the marker. Returns grades.csv's bytes."""
    grades = outputs.grades_csv(graded, list(settings.exercises)).encode("utf-8")
    (folder / "grades.csv").write_bytes(grades)
    parts = sorted((folder / JUNIT_PARTS).glob("*.xml")) if (folder / JUNIT_PARTS).is_dir() else []
    if parts:
        (folder / "junit.xml").write_bytes(merge_junit(parts))
    shutil.rmtree(folder / JUNIT_PARTS, ignore_errors=True)
    (folder / MANIFEST).write_text(settings.to_json(), encoding="utf-8")
    (folder / MARKER).write_text(marker_text(grades), encoding="utf-8")
    return grades


def swap_in(built: Path, out: Path) -> None:
    """Put the complete new output where the old one was; the old one goes only after."""
    old = out.parent / ("." + out.name + OLD)
    shutil.rmtree(old, ignore_errors=True)
    if out.exists():
        os.rename(out, old)
    os.rename(built, out)
    shutil.rmtree(old, ignore_errors=True)


def merge_junit(parts: Sequence[Path]) -> bytes:
    """pytest's JUnit files of several sessions as one test suite, its counts those of the cases."""
    merged: Optional[ET.Element] = None
    for path in parts:
        for suite in ET.parse(path).getroot().iter("testsuite"):
            if merged is None:
                merged = ET.Element("testsuite", dict(suite.attrib))
            merged.extend(list(suite.iter("testcase")))
    root = ET.Element("testsuites")
    if merged is not None:
        cases = list(merged)
        merged.set("tests", str(len(cases)))
        for count, tag in (("errors", "error"), ("failures", "failure"), ("skipped", "skipped")):
            merged.set(count, str(sum(1 for c in cases if c.find(tag) is not None)))
        merged.set("time", "%.3f" % sum(float(c.get("time", "0")) for c in cases))
        root.append(merged)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


CASE_SUBJECT = re.compile(r"\[(.+)-(?:fork|spawn|forkserver)\]$")


def keep_junit_of(part: Path, ids: set[str]) -> None:
    """An interrupted session's JUnit file, cut to the submissions it finished (the others are
    graded again on --resume, and bring their own cases)."""
    try:
        tree = ET.parse(part)
    except (OSError, ET.ParseError):
        part.unlink(missing_ok=True)
        return
    for suite in tree.getroot().iter("testsuite"):
        for case in list(suite.iter("testcase")):
            match = CASE_SUBJECT.search(case.get("name", ""))
            # pytest writes an id's non-ASCII letters as \\uXXXX escapes
            if not match or {match.group(1), _unescaped(match.group(1))}.isdisjoint(ids):
                suite.remove(case)
    tree.write(part, encoding="utf-8", xml_declaration=True)


def _unescaped(text: str) -> str:
    try:
        return text.encode("ascii", "backslashreplace").decode("unicode_escape")
    except UnicodeDecodeError:
        return text


def without_temp_paths(junit: Path) -> None:
    """Messages in pytest's JUnit XML name the temporary folders a submission was graded from:
    `.../procgrade-grade-x/ada/ex02_pid.py` becomes `ada/ex02_pid.py`."""
    if junit.is_file():
        junit.write_text(TEMP_PATH.sub("", junit.read_text(encoding="utf-8")), encoding="utf-8")


# --- the class ------------------------------------------------------------------------------------

def grade_class(submissions: Path, out: Optional[Path], grade: GradeFunction, exercises: Sequence[str] = (),
                methods: Sequence[str] = ("spawn",), jobs: int = 2, stream: TextIO = sys.stderr,
                sandbox: str = "none", resume: bool = False, force: bool = False,
                shard: Optional[Shard] = None) -> int:
    """Grade every submission (of the shard); write the output folder. 0: all graded; 1: some
    submission was rejected or broke the grader (its row says so; the others are graded all the
    same); 2: interrupted (what was graded is kept for --resume).
    Raises BadInput (nothing written) when the submissions or the output folder will not do."""
    started = time.monotonic()
    submissions = submissions.resolve()
    entries = find(submissions)
    out = (out or default_out(submissions)).resolve()
    check_out(out, submissions)
    check_hand_edits(out, force)
    settings = Settings(tuple(e.id for e in select(list(exercises))), tuple(methods), str(shard or ""))
    ids = class_ids(entries)
    wanted = [(entry, sid) for entry, sid in zip(entries, ids) if shard is None or shard.holds(sid)]
    building = _prepare(partial_of(out), settings, resume, force, stream)
    kept = {sid: pair for sid, pair in read_students(building).items()
            if any(sid == w and pair[0].source == e.name for e, w in wanted)}
    for stale in set(read_students(building)) - set(kept):
        _forget(building, stale)
    rest = [(entry, sid) for entry, sid in wanted if sid not in kept]
    if kept:
        print(_("resuming: {done} of {count} already graded, grading the other {rest}").format(
            done=len(kept), count=len(wanted), rest=len(rest)), file=stream)

    work = Path(tempfile.mkdtemp(prefix="procgrade-grade-"))
    try:
        with Stopper() as stopper:
            taken = take_in_all(entries, work, [e.file for e in all_exercises()], only={sid for _entry, sid in rest})
            clashes = same_id_notes([e.name for e in entries])
            for s in taken:
                if s.rejected:
                    print(_("rejected {source}: {problem} (graded as nothing submitted)").format(
                        source=s.source, problem=s.problem), file=stream)
                if s.source in clashes:
                    print("%s: %s" % (s.source, clashes[s.source]), file=stream)
            if taken:
                part = building / JUNIT_PARTS / ("%03d.xml" % len(list((building / JUNIT_PARTS).glob("*.xml"))))
                part.parent.mkdir(parents=True, exist_ok=True)
                recorder = Recorder(taken, lambda s, r: write_student(building, s, r), stopper)
                progress = Progress([s.folder for s in taken], stream, on_done=recorder.done)
                grade([s.folder for s in taken], list(settings.exercises), list(methods), jobs,
                      junitxml=str(part), plugins=[progress, recorder], sandbox=sandbox, notes=False)
                without_temp_paths(part)
    except KeyboardInterrupt:
        done = len(read_students(building))
        for part in (building / JUNIT_PARTS).glob("*.xml"):
            keep_junit_of(part, set(read_students(building)))
        print(_("interrupted: {done} of {count} graded — run again with --resume to finish").format(
            done=done, count=len(wanted)), file=stream)
        return EXIT_COULD_NOT_RUN
    finally:
        shutil.rmtree(work, ignore_errors=True)

    graded = list(read_students(building).values())
    missing = {sid for _entry, sid in wanted} - {s.id for s, _report in graded}
    if missing:   # the grader broke down between the sessions' end and its last report
        raise BadInput("the grader did not finish %s; run again with --resume" % ", ".join(sorted(missing)))
    finish(building, graded, settings)
    check_hand_edits(out, force)   # an edit made while this run was grading is not lost either
    swap_in(building, out)
    return _closing_words(graded, out, time.monotonic() - started, stream)


def _prepare(building: Path, settings: Settings, resume: bool, force: bool, stream: TextIO) -> Path:
    """The folder the new output is built in: the interrupted run's on --resume (same settings
    only), a new one otherwise. An interrupted run's work is never thrown away unasked."""
    if building.exists():
        graded = len(read_students(building))
        before = Settings.read(building)
        if resume and before is not None and before != settings:
            raise BadInput("the interrupted run in %s graded %s (start methods %s%s); run again with the same "
                           "choices to resume it, or with --force instead of --resume to start over"
                           % (building, " ".join(before.exercises), " ".join(before.methods),
                              ", shard %s" % before.shard if before.shard else ""))
        if not resume and not force:
            raise BadInput("an interrupted run left %d graded submissions in %s: run again with --resume to "
                           "finish it, or with --force to start over" % (graded, building))
        if not resume:
            shutil.rmtree(building)
    elif resume:
        print(_("nothing to resume (no {folder}): grading every submission").format(folder=building), file=stream)
    building.mkdir(parents=True, exist_ok=True)
    (building / MANIFEST).write_text(settings.to_json(), encoding="utf-8")
    return building


def _forget(folder: Path, sid: str) -> None:
    (folder / "students" / ("%s.json" % sid)).unlink(missing_ok=True)
    shutil.rmtree(folder / "gradescope" / sid, ignore_errors=True)


def grade_folders(taken: list[Submission], grade: GradeFunction, exercises: Sequence[str],
                  methods: Sequence[str], jobs: int, junitxml: Optional[Path] = None,
                  progress: Optional[Progress] = None, sandbox: str = "none") -> list[tuple[Submission, Report]]:
    """One grading session over the submissions' temporary folders; their reports as the
    instructor's files show them (outputs.stable)."""
    plugin = grade([s.folder for s in taken], list(exercises), list(methods), jobs,
                   junitxml=str(junitxml) if junitxml else "", plugins=[progress] if progress else [],
                   sandbox=sandbox, notes=False)
    reports = {r.target: r for r in plugin.reports()}
    return [(s, graded_report(s, reports[str(s.folder)])) for s in taken]


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


# --- shards joined ---------------------------------------------------------------------------------

def merge(parts: Sequence[Path], out: Path, force: bool = False, stream: TextIO = sys.stderr) -> int:
    """Join the output folders of several runs (the shards of one class) into `out`: the same
    files one run over the whole class gives. Refuses ids found in two of them, and outputs
    that graded other exercises or start methods."""
    parts = [p.resolve() for p in parts]
    out = out.resolve()
    settings: Optional[Settings] = None
    graded: dict[str, tuple[Submission, Report]] = {}
    found_in: dict[str, Path] = {}
    for part in parts:
        if not (part / MARKER).is_file() or not (part / "grades.csv").is_file():
            raise BadInput("%s is not a complete output of `grade` (no grades.csv or no %s in it)" % (part, MARKER))
        if part == out:
            raise BadInput("the merged output %s is also one of the outputs to merge: choose another --out" % out)
        check_hand_edits(part, force)
        these = Settings.read(part)
        if these is None:
            raise BadInput("%s does not say what it graded (no %s): grade it again with this version" % (part, MANIFEST))
        same = Settings(these.exercises, these.methods)
        if settings is not None and same != settings:
            raise BadInput("%s graded %s (start methods %s), the others %s (start methods %s): merge only "
                           "outputs of the same choices" % (part, " ".join(these.exercises), " ".join(these.methods),
                                                           " ".join(settings.exercises), " ".join(settings.methods)))
        settings = same
        for sid, pair in read_students(part).items():
            if sid in graded:
                raise BadInput("the id %s is in both %s and %s: each submission must be in one output only "
                               "(were the shards cut the same way, K/N with the same N?)" % (sid, found_in[sid], part))
            graded[sid], found_in[sid] = pair, part
    assert settings is not None
    check_out(out)
    check_hand_edits(out, force)
    building = partial_of(out)
    shutil.rmtree(building, ignore_errors=True)
    building.mkdir(parents=True)
    for sid, part in sorted(found_in.items()):
        for rel in ("students/%s.json" % sid, "gradescope/%s/results.json" % sid):
            (building / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(part / rel, building / rel)
    junits = [p / "junit.xml" for p in parts if (p / "junit.xml").is_file()]
    if junits:
        (building / JUNIT_PARTS).mkdir()
        for n, path in enumerate(junits):
            shutil.copyfile(path, building / JUNIT_PARTS / ("%03d.xml" % n))
    finish(building, list(graded.values()), settings)
    swap_in(building, out)
    print(_("merged {count} submissions from {parts} outputs into {file}").format(
        count=len(graded), parts=len(parts), file=out / "grades.csv"), file=stream)
    return EXIT_GRADED


def _closing_words(graded: list[tuple[Submission, Report]], out: Path, seconds: float, stream: TextIO) -> int:
    counts: dict[str, int] = {}
    for submission, report in graded:
        word, _note = outputs.status(submission, report)
        counts[word] = counts.get(word, 0) + 1
    # the status words are the CSV's values (never translated): quoted as they are
    told = ", ".join("%d %s" % (n, word) for word, n in sorted(counts.items()))
    print(_("{count} submissions in {seconds} s ({statuses}); grades: {file}").format(
        count=len(graded), seconds="%.1f" % seconds, statuses=told, file=out / "grades.csv"), file=stream)
    return EXIT_REJECTIONS if counts.get("rejected") or counts.get("grader error") else EXIT_GRADED
