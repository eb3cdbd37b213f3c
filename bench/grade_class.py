"""Grade a generated class the way an instructor does, several times, and measure it.

    python bench/grade_class.py [--size 60] [--runs 3] [--only ex01 ex02 ...] [--jobs N]

Each run is `nox -s grade -- CLASS EXERCISES --out OUT` in a fresh output folder. For each run it
reports the wall time, the peak memory of the whole run (the sum of the resident memory of nox,
the grader and every process under them, sampled every 50 ms; and the growth of the machine's used
memory), and it checks that:
- every grade agrees with the answer key (bench/make_class.py: derived from the suites'
  declarations and the known-wrong programs' `Fails:` lines, not from a grading run);
- no process of the run is left (every process seen in its tree is gone), and its temporary
  folder (TMPDIR, one per run) is empty;
- the submissions folder is unchanged, and nothing appeared next to it but the output folders.
It lists the files that differ between runs (junit.xml aside, which has pytest's timings), waits
before each run until no other grading job runs on the machine (they would be measured too), and
prints the median and a JSON line with every number.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

KIT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(KIT))

from bench.make_class import check_grades, make_class  # noqa: E402
from bench.timing import nox_command  # noqa: E402


def digest(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "dir"
            for p in sorted(root.rglob("*"))}


def other_graders(mine: set[int]) -> list[int]:
    """Supervisors of runs that are not ours: another grading job on this machine."""
    found = []
    for proc in psutil.process_iter(["pid", "cmdline"]):
        if proc.info["pid"] not in mine and "grader/supervisor.py" in " ".join(proc.info["cmdline"] or []):
            found.append(proc.info["pid"])
    return found


def wait_until_quiet(limit: float) -> str:
    """Wait (at most `limit` seconds) until no other grading runs and the load is low: the
    machine has 2 cores and other jobs would be measured too. Says what it found."""
    deadline = time.monotonic() + limit
    while True:
        if not other_graders(set()) and os.getloadavg()[0] < 1.0:
            return "quiet: load %.1f" % os.getloadavg()[0]
        if time.monotonic() >= deadline:
            return "busy: load %.1f, %d other grader runs" % (os.getloadavg()[0], len(other_graders(set())))
        time.sleep(2)


class PeakMemory(threading.Thread):
    """Samples the sum of RSS over a process and all its descendants, and the machine's used memory."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.root = psutil.Process(pid)
        self.base_used = psutil.virtual_memory().used
        self.peak_tree = self.peak_used = 0
        self.seen: dict[int, float] = {}        # every process of the run: pid -> its start time
        self.others_seen = 0                     # samples during which another grading job ran
        self.running = True

    def run(self) -> None:
        while self.running:
            total = 0
            try:
                procs = [self.root] + self.root.children(recursive=True)
            except psutil.Error:
                break
            for proc in procs:
                try:
                    total += proc.memory_info().rss
                    self.seen.setdefault(proc.pid, proc.create_time())
                except psutil.Error:
                    pass
            if other_graders(set(self.seen)):
                self.others_seen += 1
            self.peak_tree = max(self.peak_tree, total)
            self.peak_used = max(self.peak_used, psutil.virtual_memory().used - self.base_used)
            time.sleep(0.05)


def one_run(klass: Path, out: Path, temp: Path, only: list[str], jobs: int) -> dict:
    """One `nox -s grade`, its temporary folders in `temp` (so that what it leaves is seen)."""
    cmd = [*nox_command(), "-s", "grade", "--", str(klass), *only, "--out", str(out)]
    if jobs:
        cmd += ["--jobs", str(jobs)]
    temp.mkdir()
    cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=KIT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env=dict(os.environ, TMPDIR=str(temp)))
    meter = PeakMemory(proc.pid)
    meter.start()
    output, _ = proc.communicate()
    seconds = time.monotonic() - started
    cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)   # every process of the run was waited for
    cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
    meter.running = False
    meter.join()
    time.sleep(0.5)
    left = []
    for pid, created in meter.seen.items():
        try:
            if psutil.Process(pid).create_time() == created:
                left.append("%d %s" % (pid, " ".join(psutil.Process(pid).cmdline())[:100]))
        except psutil.Error:
            pass
    return {"seconds": round(seconds, 2), "cpu_seconds": round(cpu, 1), "exit": proc.returncode, "peak_tree_mb": round(meter.peak_tree / 2**20),
            "peak_used_mb": round(meter.peak_used / 2**20), "processes": len(meter.seen),
            "leftover_processes": left, "temp_left": sorted(p.name for p in temp.iterdir()),
            "other_grading_jobs_seen": meter.others_seen, "load_after": round(os.getloadavg()[0], 2),
            "last_lines": output.strip().splitlines()[-3:]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=60)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", nargs="*", default=[], help="exercise ids to grade (default: all)")
    parser.add_argument("--jobs", type=int, default=0, help="default: the grader's (the core count)")
    parser.add_argument("--keep", action="store_true", help="keep the class and the output folders")
    parser.add_argument("--wait", type=float, default=600,
                        help="seconds to wait, before each run, for other grading jobs to end (default: 600)")
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="bench-class-"))
    klass = work / "class"
    key = make_class(klass, args.size, only=tuple(args.only))
    before = digest(klass)
    runs, problems = [], []
    for n in range(1, args.runs + 1):
        out = work / ("out%d" % n)
        machine = wait_until_quiet(args.wait)
        run = one_run(klass, out, work / ("tmp%d" % n), args.only, args.jobs)
        run["machine_before"] = machine
        wrong = check_grades(out, key)
        run["wrong_grades"] = len(wrong)
        problems += ["run %d: %s" % (n, w) for w in wrong[:20]]
        problems += ["run %d left process %s" % (n, p) for p in run["leftover_processes"]]
        problems += ["run %d left %s in its temporary folder" % (n, p) for p in run["temp_left"]]
        runs.append(run)
        print("run %d: %.1f s (%.1f s of CPU), exit %d, peak %d MB (tree) / %d MB (machine), %d processes, %d wrong grades, "
              "%d left running, %d temporary entries left; machine before: %s; other grading seen in %d samples"
              % (n, run["seconds"], run["cpu_seconds"], run["exit"], run["peak_tree_mb"], run["peak_used_mb"], run["processes"],
                 len(wrong), len(run["leftover_processes"]), len(run["temp_left"]), machine,
                 run["other_grading_jobs_seen"]), flush=True)
    first = digest(work / "out1")
    differing = set()
    for n in range(2, args.runs + 1):
        other = digest(work / ("out%d" % n))
        differing |= {p for p, h in first.items() if p != "junit.xml" and other.get(p) != h}
    if differing:    # not a failure by itself: said in the summary, with what differs
        print("files that differ between runs: %s" % sorted(differing))
    if digest(klass) != before:
        problems.append("the submissions folder changed")
    beside = sorted(p.name for p in work.iterdir())
    expected = ["class", *("out%d" % n for n in range(1, args.runs + 1)), *("tmp%d" % n for n in range(1, args.runs + 1))]
    if beside != sorted(expected):
        problems.append("unexpected entries next to the class: %s" % beside)
    seconds = statistics.median(r["seconds"] for r in runs)
    summary = {
        "size": args.size, "exercises": key["exercises"], "cores": os.cpu_count(), "runs": runs,
        "median_seconds": seconds, "submissions_per_minute": round(args.size / seconds * 60, 1),
        "peak_tree_mb": max(r["peak_tree_mb"] for r in runs), "peak_used_mb": max(r["peak_used_mb"] for r in runs),
        "files_differing_between_runs": sorted(differing), "problems": problems,
    }
    print("median %.1f s for %d submissions: %.1f submissions per minute; peak memory %d MB (tree), %d MB (machine)"
          % (seconds, args.size, summary["submissions_per_minute"], summary["peak_tree_mb"], summary["peak_used_mb"]))
    print("\n".join(problems) or "all grades right, nothing left running, nothing left behind")
    print(json.dumps(summary))
    if not args.keep:
        shutil.rmtree(work)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
