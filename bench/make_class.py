"""Generate a class of submissions, with an answer key, to grade with `nox -s grade`.

    python bench/make_class.py DEST [--size 60]

DEST gets one folder or .zip per student, built from solutions/, exercises/ (the stubs) and the
known-wrong and known-right programs of tests/programs/, plus a few hostile ones written here (a
program that hangs, one that crashes, one that tampers with files beside it, a submission full of
decoys: a conftest.py, a pytest.ini, a sitecustomize.py, fake results, a grader/ folder, the kit's
solutions/). DEST.key.json gets the answer key: what every exercise of every student must score,
derived from the suites' declarations (each check's points and `needs`) and each known-wrong
program's `Fails:` line, never from a grading run. `check_grades` compares an output folder with it.

The kit's own tests grade a small class made here; bench/grade_class.py grades a large one.
"""

from __future__ import annotations

import argparse
import csv
import importlib
import json
import re
import sys
import warnings
import zipfile
from pathlib import Path
from typing import Any

KIT = Path(__file__).resolve().parent.parent
if str(KIT) not in sys.path:
    sys.path.insert(0, str(KIT))

from grader.checks import check_id  # noqa: E402
from grader.exercises import Exercise, all_exercises  # noqa: E402

PROGRAMS = KIT / "tests" / "programs"
METHOD = "spawn"
FAILS = re.compile(r"^Fails(?: under ([\w, ]+))?:\s*(.*)$", re.M)   # as tests/graded.py reads it

# A child that waits forever on a queue nobody writes to, and main that joins it: the classic hang.
HANG = '''"""Hangs: the child waits for a message that never comes, and main waits for the child."""
import os
from multiprocessing import Process, Queue


def run_proc(q):
    print("子进程运行中，pid=%d..." % os.getpid())
    q.get()
    print("子进程将要结束...")


if __name__ == "__main__":
    print("父进程pid: %d" % os.getpid())
    q = Queue()
    p = Process(target=run_proc, args=(q,))
    p.start()
    p.join()
'''

# Main crashes before it starts anything.
CRASH = '''"""Crashes: main divides by zero before it starts the child."""
import os
from multiprocessing import Process


def run_proc(name, age, **kwargs):
    print(name, age, kwargs, os.getpid())


if __name__ == "__main__":
    ratio = 1 / 0
    p = Process(target=run_proc, args=("test", 18), kwargs={"m": 20})
    p.start()
'''

# The solution's behaviour, after dropping files that would fool a careless grader next to itself,
# in its working folder and in their parents.
TAMPER_PREFIX = '''import os as _os
from pathlib import Path as _Path

_BAIT = {
    "conftest.py": "import pytest\\n\\n@pytest.hookimpl(hookwrapper=True)\\ndef pytest_runtest_makereport(item, call):\\n    outcome = yield\\n    outcome.get_result().outcome = 'passed'\\n",
    "pytest.ini": "[pytest]\\naddopts = -p no:procgrade\\n",
    "sitecustomize.py": "import builtins\\nbuiltins.print = lambda *a, **k: None\\n",
    "results.json": '{"score": 999, "tests": []}\\n',
    "grades.csv": "id,total\\nme,999\\n",
}
if __name__ == "__main__":
    for _folder in {_Path.cwd(), _Path(__file__).resolve().parent, _Path.cwd().parent,
                    _Path(__file__).resolve().parent.parent}:
        for _name, _text in _BAIT.items():
            try:
                (_folder / _name).write_text(_text)
            except OSError:
                pass
'''

DECOYS = {
    "conftest.py": "import pytest\n\n@pytest.hookimpl(hookwrapper=True)\ndef pytest_runtest_makereport(item, call):\n"
                   "    outcome = yield\n    outcome.get_result().outcome = 'passed'\n",
    "pytest.ini": "[pytest]\naddopts = -p no:procgrade\n",
    "sitecustomize.py": "raise SystemExit('a submission must never be imported by the grader')\n",
    "results.json": '{"score": 999, "tests": []}\n',
    "grades.csv": "id,total\nme,999\n",
    "grader/__init__.py": "raise SystemExit('a submission must never be imported by the grader')\n",
    "grader/__main__.py": "print('all done')\n",
}


# --- what the suites declare ---------------------------------------------------------------------

def declared_checks(exercise: Exercise) -> list[tuple[str, int, tuple[str, ...]]]:
    """(check id, points, needs) of each check of the exercise's suite, in order."""
    with warnings.catch_warnings():   # outside the grader's session, its `check` mark is unregistered
        warnings.simplefilter("ignore")
        module = importlib.import_module("grader.suites." + exercise.suite.stem)
    found = []
    for name, function in vars(module).items():
        marks = [m for m in getattr(function, "pytestmark", []) if m.name == "check"]
        if name.startswith("test_") and marks:
            kwargs = marks[0].kwargs
            found.append((check_id(name), int(kwargs.get("points", 1)), tuple(kwargs.get("needs", ()))))
    return found


def expected_score(exercise: Exercise, failing: set[str]) -> int:
    """Points left when exactly `failing` fail: those, and every check that needs one of them
    (directly or not), score nothing; all others pass."""
    checks = declared_checks(exercise)
    lost = set(failing)
    for _ in checks:                       # the needs graph is shallow: a pass per check suffices
        lost |= {cid for cid, _, needs in checks if set(needs) & lost}
    return sum(points for cid, points, _ in checks if cid not in lost)


def max_score(exercise: Exercise) -> int:
    return expected_score(exercise, set())


def fails_line(program: Path, method: str = METHOD) -> set[str]:
    for methods, checks in FAILS.findall(program.read_text(encoding="utf-8", errors="replace")):
        if not methods or method in [m.strip() for m in methods.split(",")]:
            return set(checks.split())
    return set()


def variants(exercise: Exercise, prefix: str) -> list[Path]:
    return sorted((PROGRAMS / exercise.id).glob(prefix + "*.py"))


# --- one student -------------------------------------------------------------------------------

class Student:
    """Files of one submission and what each exercise must score."""

    def __init__(self, name: str, layout: str = "flat") -> None:
        self.name = name
        self.layout = layout                     # flat | nested | zip | zip-flat
        self.files: dict[str, bytes] = {}        # path inside the submission -> content
        self.key: dict[str, dict[str, Any]] = {}

    def put(self, exercise: Exercise, source: bytes, expect: dict[str, Any]) -> None:
        folder = "" if self.layout in ("flat", "zip-flat") else "exercises/"
        self.files[folder + exercise.file] = source
        self.key[exercise.id] = expect

    def missing(self, exercise: Exercise) -> None:
        self.key[exercise.id] = {"kind": "missing", "state": "not submitted", "score": 0}

    def write(self, dest: Path) -> str:
        if self.layout.startswith("zip"):
            path = dest / (self.name + ".zip")
            with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
                wrapper = self.name + "-main/" if self.layout == "zip" else ""
                for rel, content in sorted(self.files.items()):   # fixed times: the same class, the same bytes
                    archive.writestr(zipfile.ZipInfo(wrapper + rel, (2024, 1, 1, 0, 0, 0)), content)
            return path.name
        folder = dest / self.name
        for rel, content in self.files.items():
            (folder / rel).parent.mkdir(parents=True, exist_ok=True)
            (folder / rel).write_bytes(content)
        folder.mkdir(parents=True, exist_ok=True)
        return folder.name


def solution(e: Exercise) -> tuple[bytes, dict[str, Any]]:
    return (KIT / "solutions" / e.file).read_bytes(), {"kind": "solution", "state": "done", "score": max_score(e)}


def stub(e: Exercise) -> tuple[bytes, dict[str, Any]]:
    return (KIT / "exercises" / e.file).read_bytes(), {"kind": "stub", "state": "not started", "score": 0}


def known(e: Exercise, program: Path) -> tuple[bytes, dict[str, Any]]:
    failing = fails_line(program) if program.name.startswith("bad_") else set()
    # a program that does not start gets one message and every other check is skipped: no points
    # (its docstring quotes that message, as every such known-wrong program's does)
    did_not_start = "your program did not start" in program.read_text(encoding="utf-8", errors="replace")
    expect = {"kind": "%s/%s" % (e.id, program.stem), "failing": sorted(failing),
              "score": 0 if did_not_start else expected_score(e, failing)}
    if not failing:
        expect["state"] = "done"
    return program.read_bytes(), expect


# --- the class ---------------------------------------------------------------------------------

PROFILES = ("full", "wrong", "partial", "full", "ok", "wrong", "stubs", "full", "wrong", "partial",
            "hang", "full", "wrong", "ok", "crash", "partial", "wrong", "decoys", "full", "tamper")
LAYOUTS = ("flat", "nested", "zip", "nested", "zip-flat")


def make_student(n: int, profile: str, exercises: list[Exercise]) -> Student:
    layout = "nested" if profile == "decoys" else LAYOUTS[n % len(LAYOUTS)]
    student = Student("student%03d-%s" % (n, profile), layout)
    for i, e in enumerate(exercises):
        if profile in ("full", "hang", "crash", "tamper"):
            source, expect = solution(e)
        elif profile in ("stubs", "decoys"):
            source, expect = stub(e)
        elif profile == "partial":
            if i >= (n % (len(exercises) - 1)) + 1:
                student.missing(e)
                continue
            source, expect = solution(e)
        else:   # wrong, ok: each student a different program per exercise
            pool = variants(e, "bad_" if profile == "wrong" else "ok_")
            if not pool:
                source, expect = solution(e)
            else:
                source, expect = known(e, pool[(n + i) % len(pool)])
        student.put(e, source, expect)
    by_id = {e.id: e for e in exercises}
    if profile == "hang" and "ex02" in by_id:
        student.put(by_id["ex02"], HANG.encode(), {"kind": "hang", "state": "failing",
                                                   "fails_at_least": ["ends_cleanly"], "below": max_score(by_id["ex02"])})
    if profile == "crash" and "ex03" in by_id:
        student.put(by_id["ex03"], CRASH.encode(), {"kind": "crash", "state": "did not start",
                                                    "fails_at_least": ["no_process_crashed"], "below": max_score(by_id["ex03"])})
    if profile == "tamper" and "ex04" in by_id:
        source, expect = solution(by_id["ex04"])
        student.put(by_id["ex04"], TAMPER_PREFIX.encode() + source, dict(expect, kind="tamper"))
    if profile == "decoys":
        for rel, text in DECOYS.items():
            student.files[rel] = text.encode()
        for e in exercises:   # the kit's solutions beside the stubs: never graded
            student.files["solutions/" + e.file] = (KIT / "solutions" / e.file).read_bytes()
    return student


def make_class(dest: Path, size: int = 60, profiles: tuple[str, ...] = PROFILES,
               only: tuple[str, ...] = ()) -> dict[str, Any]:
    """Write `size` submissions into dest (created); return the answer key. `only`: exercise ids
    to write files for (default: every exercise the kit has)."""
    dest.mkdir(parents=True)
    exercises = [e for e in all_exercises() if not only or e.id in only]
    students = {}
    for n in range(size):
        student = make_student(n, profiles[n % len(profiles)], exercises)
        entry = student.write(dest)
        students[student.name] = {"entry": entry, "exercises": student.key}
    return {"exercises": [e.id for e in exercises], "max": {e.id: max_score(e) for e in exercises},
            "students": students}


# --- grading against the key --------------------------------------------------------------------

def check_grades(out: Path, key: dict[str, Any]) -> list[str]:
    """Every way the output folder disagrees with the key; [] when all grades are right."""
    problems = []
    with open(out / "grades.csv", encoding="utf-8", newline="") as handle:
        rows = {row["id"]: row for row in csv.DictReader(handle)}
    if set(rows) != set(key["students"]):
        problems.append("students in grades.csv %s, expected %s" % (sorted(rows), sorted(key["students"])))
    for name, student in key["students"].items():
        row = rows.get(name)
        report = json.loads((out / "students" / ("%s.json" % name)).read_text(encoding="utf-8"))
        results = {e["exercise"]: e for e in report["exercises"]}
        total = 0
        for exercise, expect in student["exercises"].items():
            got = results.get(exercise)
            if got is None:
                problems.append("%s: %s was not graded" % (name, exercise))
                continue
            total += got["score"]
            problems += ["%s %s (%s): %s" % (name, exercise, expect["kind"], p) for p in _compare(got, expect)]
            if row is not None and row[exercise] != str(got["score"]):
                problems.append("%s %s: grades.csv says %s, the JSON %s" % (name, exercise, row[exercise], got["score"]))
        if row is not None and row["total"] != str(total):
            problems.append("%s: total %s in grades.csv, the exercises add up to %d" % (name, row["total"], total))
        gradescope = json.loads((out / "gradescope" / name / "results.json").read_text(encoding="utf-8"))
        if gradescope["score"] != total:
            problems.append("%s: Gradescope score %s, expected %d" % (name, gradescope["score"], total))
    return problems


def _compare(got: dict[str, Any], expect: dict[str, Any]) -> list[str]:
    problems = []
    failed = {c["check"] for c in got["checks"] if c["status"] in ("failed", "error")}
    if "score" in expect and got["score"] != expect["score"]:
        problems.append("score %d, expected %d (failed: %s)" % (got["score"], expect["score"], sorted(failed)))
    if "state" in expect and got["state"] != expect["state"]:
        problems.append("state %r, expected %r" % (got["state"], expect["state"]))
    if "failing" in expect and failed != set(expect["failing"]):
        problems.append("failed %s, expected %s" % (sorted(failed), expect["failing"]))
    if "fails_at_least" in expect and not set(expect["fails_at_least"]) <= failed:
        problems.append("failed %s, expected at least %s" % (sorted(failed), expect["fails_at_least"]))
    if "below" in expect and got["score"] >= expect["below"]:
        problems.append("score %d, expected below %d" % (got["score"], expect["below"]))
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dest", help="folder to create")
    parser.add_argument("--size", type=int, default=60)
    parser.add_argument("--only", nargs="*", default=[], help="exercise ids (default: all)")
    args = parser.parse_args(argv)
    dest = Path(args.dest).resolve()
    if dest.exists():
        parser.error("%s exists" % dest)
    key = make_class(dest, args.size, only=tuple(args.only))
    key_path = dest.parent / (dest.name + ".key.json")
    key_path.write_text(json.dumps(key, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print("%d submissions in %s; answer key: %s" % (args.size, dest, key_path))
    return 0


if __name__ == "__main__":
    sys.exit(main())
