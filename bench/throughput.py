"""Instructor throughput: a generated class graded with `nox -s grade`, --jobs 1 and --jobs 2.

bench/grade_class.py does the work (it has its own maintainer): it makes the class with
bench/make_class.py (solutions, known-wrong and known-right programs, stubs, missing exercises,
a hang, a crash, a tamperer, decoys; folders and zips), grades it with `nox -s grade`, measures
the wall and CPU time and the peak memory, and compares every grade with the class's answer key
(a fast wrong grade is no throughput) and checks that nothing is left behind. Here it is run
through its command line, once per --jobs, and its JSON summary is read.
"""

from __future__ import annotations

import json
import subprocess
import sys

from bench.timing import KIT, Sample, load

SCRIPT = KIT / "bench" / "grade_class.py"


def _grade_class(size: int, jobs: int, runs: int, only: tuple[str, ...] = ()) -> dict:
    cmd = [sys.executable, str(SCRIPT), "--size", str(size), "--runs", str(runs), "--jobs", str(jobs),
           "--wait", "0"]   # the bench says what load it saw; it does not wait for a quiet machine
    if only:
        cmd += ["--only", *only]
    proc = subprocess.run(cmd, cwd=KIT, capture_output=True, text=True, timeout=3600)
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    if not lines:
        raise RuntimeError("bench/grade_class.py gave no summary (exit %d):\n%s\n%s"
                           % (proc.returncode, proc.stdout[-2000:], proc.stderr[-2000:]))
    return json.loads(lines[-1])


def grade_class(classes: list[tuple[int, int]], runs: int = 1) -> list[Sample]:
    """`classes`: (jobs, size) pairs. The same generator makes every class: a smaller class is the
    first `size` students of a larger one (the profiles repeat every 20 students)."""
    _grade_class(2, 1, 1, only=("ex02",))   # warm-up: the grade environment exists from here on
    samples = []
    for jobs, size in classes:
        before = load()
        summary = _grade_class(size, jobs, runs)
        sample = Sample("%d submissions, --jobs %d" % (size, jobs))
        sample.wall = [r["seconds"] for r in summary["runs"]]
        sample.cpu = [r["cpu_seconds"] for r in summary["runs"] if "cpu_seconds" in r]
        sample.loads = [before] + [r["load_after"] for r in summary["runs"] if "load_after" in r][:-1]
        sample.extra = {"size": size, "jobs": jobs, "peak_tree_mb": summary["peak_tree_mb"],
                        "peak_used_mb": summary["peak_used_mb"],
                        "wrong": max(r.get("wrong_grades", 0) for r in summary["runs"]),
                        "problems": summary.get("problems", [])[:5],
                        "per_minute": size / sample.median * 60}
        samples.append(sample)
    return samples
