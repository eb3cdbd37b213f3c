"""Grading programs the way a user does, from the kit's own tests: `python -m grader check` in a
subprocess (never in this pytest process), many targets per call, results read from its JSON.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from grader.start_methods import offered

KIT = Path(__file__).resolve().parent.parent
PROGRAMS = Path(__file__).resolve().parent / "programs"
METHODS = offered()   # the start methods this platform has (Windows: spawn only)
# The copier's known-wrong and correct variants are graded under spawn only: seven runs each,
# with a 64 MiB file, cost minutes per start method, and what they get wrong (binary copies,
# progress, sub-folders, memory) does not depend on how children start. The reference solution
# and the stub are still graded under all three (test_kit), and spawn is the method that shows a
# missing __main__ guard.
VARIANT_METHODS = {"ex07": ("spawn",)}


def variant_methods(exercise: str) -> tuple[str, ...]:
    return VARIANT_METHODS.get(exercise, METHODS)
EXPECT = re.compile(r"^Fails(?: under ([\w, ]+))?:[ \t]*(.*)$", re.M)


@dataclass(frozen=True)
class Variant:
    """A program in tests/programs/exNN/: ok_* must pass, bad_* must fail exactly the checks its
    docstring names on its `Fails:` line(s) (`Fails under spawn, forkserver: ...` for one method)."""

    path: Path
    exercise_file: str

    @property
    def exercise(self) -> str:
        return self.exercise_file.split("_", 1)[0]

    def expected_failures(self, method: str) -> set[str]:
        text = self.path.read_text(encoding="utf-8", errors="replace")  # a GBK program's docstring is ASCII
        for methods, checks in EXPECT.findall(text):
            if not methods or method in [m.strip() for m in methods.split(",")]:
                return set(checks.split())
        return set()


def exercise_files() -> dict[str, str]:
    suites = KIT / "grader" / "suites"
    return {p.name[5:9]: p.name[5:] for p in suites.glob("test_ex*.py")}


def variants(prefix: str = "") -> list[Variant]:
    files = exercise_files()
    found = []
    for folder in sorted(PROGRAMS.glob("ex*")):
        if folder.name in files:
            found.extend(Variant(path, files[folder.name]) for path in sorted(folder.glob(prefix + "*.py")))
    return found


def grade(targets: list[Path], exercise: Optional[str] = None, methods=METHODS, jobs: int = 4,
          timeout: float = 900, lang: Optional[str] = None, env: Optional[dict] = None) -> list[dict]:
    """Grade folders with the real command line; return its JSON reports (one per target). `lang`
    is the command's --lang; `env`, variables added to the command's environment. `jobs` is the
    grader's own default on this 2-core machine (twice the CPUs), as a learner's check runs."""
    out = Path(tempfile.mkdtemp(prefix="procgrade-results-")) / ("results-%s.json" % (exercise or "all"))
    cmd = [sys.executable, "-m", "grader", "check", "--jobs", str(jobs), "--json", str(out)]
    cmd += ["--start-method", "all" if tuple(methods) == METHODS else methods[0]]
    for target in targets:
        cmd += ["--target", str(target)]
    if exercise:
        cmd.append(exercise)
    if lang:
        cmd += ["--lang", lang]
    proc = subprocess.run(cmd, cwd=KIT, capture_output=True, text=True, timeout=timeout,
                          env=dict(os.environ, **(env or {})))
    if proc.returncode not in (0, 1):
        raise RuntimeError("grader failed (%d): %s" % (proc.returncode, proc.stderr[-3000:]))
    try:
        return json.loads(out.read_text(encoding="utf-8"))
    finally:
        shutil.rmtree(out.parent, ignore_errors=True)


def failed_checks(report: dict, exercise: str, method: str) -> dict[str, str]:
    """check id -> what was observed, for the checks that failed (not skipped) under `method`."""
    (ex,) = [e for e in report["exercises"] if e["exercise"] == exercise]
    return {c["check"]: c["observed"] for c in ex["checks"]
            if c["start_method"] == method and c["status"] in ("failed", "error")}


def not_passed(report: dict, exercise: str, method: str) -> dict[str, str]:
    """The checks of `exercise` under `method` that did not pass (check -> status); at least one
    check must have run."""
    found = statuses(report, exercise, method)
    assert found, "no checks ran for %s" % exercise
    return {c: s for c, s in found.items() if s != "passed"}


def statuses(report: dict, exercise: str, method: str) -> dict[str, str]:
    (ex,) = [e for e in report["exercises"] if e["exercise"] == exercise]
    return {c["check"]: c["status"] for c in ex["checks"] if c["start_method"] == method}
