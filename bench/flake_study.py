"""Flake study: grade the reference solutions many times while other processes keep every core
busy, and count false failures (a solution failing any check is one); with --wrong, grade the
known-wrong programs of tests/programs instead, and count false passes (a program that does not
fail every check its `Fails:` line names, or fails one it does not name).

    python bench/flake_study.py --runs 100 --methods fork spawn forkserver --load 2
    python bench/flake_study.py --wrong --runs 20 --exercises ex05 --jobs 4
    python bench/flake_study.py --wrong --runs 50 --exercises ex06 --programs bad_spin_until_ready
    python bench/flake_study.py --wrong --runs 100 --exercises ex05 --keep /tmp/misgraded
    python bench/flake_study.py --wrong --runs 20 --exercises ex06 --words

Each round grades RUNS copies in one grader command (its --jobs runs in parallel too, adding to
the load). Prints one line per start method and every failure seen, with its message, so a
flake can be traced to its root. Exit code 1 if any false failure (or false pass). With --words,
also how many ways each failed check of a known-wrong program was worded over its copies (numbers
left out): a verdict can hold while its evidence changes with the load, and only words show it.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

KIT = Path(__file__).resolve().parent.parent
BUSY = "while True: pass"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--methods", nargs="+", default=["fork", "spawn", "forkserver"])
    parser.add_argument("--load", type=int, default=os.cpu_count() or 2, help="busy processes beside the grader")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--exercises", nargs="*", default=[])
    parser.add_argument("--programs", nargs="*", default=[],
                        help="with --wrong: only these programs (file stems, e.g. bad_spin_until_ready; an ok_* "
                             "program named here must fail no check)")
    parser.add_argument("--wrong", action="store_true",
                        help="grade tests/programs' known-wrong programs (bad_*) instead of the solutions")
    parser.add_argument("--words", action="store_true",
                        help="with --wrong: list every failed check whose message was not the same in every "
                             "copy (numbers left out), with each wording's count")
    parser.add_argument("--keep", type=Path, default=None,
                        help="copy there every run of a misgraded grading, as it was recorded (its channel, "
                             "stdout, stderr, the supervisor's result, stacks), to trace it")
    args = parser.parse_args()
    if args.wrong:
        return wrong_programs(args)

    root = Path(tempfile.mkdtemp(prefix="procgrade-flake-"))
    os.chmod(root, 0o755)
    busy = [subprocess.Popen([sys.executable, "-c", BUSY]) for _ in range(args.load)]
    false_failures = 0
    try:
        targets = []
        for i in range(args.runs):
            target = root / ("copy%03d" % i)
            shutil.copytree(KIT / "solutions", target)
            targets.append(target)
        for method in args.methods:
            reports, took = grade(root, targets, method, args)
            failures = Counter()
            examples = {}
            checks = 0
            for report in reports:
                for exercise in report["exercises"]:
                    for check in exercise["checks"]:
                        checks += 1
                        if check["status"] != "passed":
                            key = "%s:%s" % (exercise["exercise"], check["check"])
                            failures[key] += 1
                            examples.setdefault(key, check["observed"])
                            keep_runs(root, Path(report["target"]), args,
                                      "%s-%s" % (method, Path(report["target"]).name))
            false_failures += sum(failures.values())
            shutil.rmtree(root / "kept", ignore_errors=True)
            print("%-10s %d runs, %d checks, %d false failures, %.1f s, load %s"
                  % (method, args.runs, checks, sum(failures.values()), took, load_range()), flush=True)
            for key, n in failures.most_common():
                print("    %s x%d: %s" % (key, n, examples[key][:300]), flush=True)
    finally:
        for proc in busy:
            proc.kill()
            proc.wait()
        shutil.rmtree(root, ignore_errors=True)
    return 1 if false_failures else 0


LOAD_SAMPLES: list[float] = []   # the 1-minute load average, every 10 s while a grader command runs


def load_range() -> str:
    """The load seen during the last grader command: min-max (mean) of the 1-minute average."""
    if not LOAD_SAMPLES:
        return "%.1f" % os.getloadavg()[0]
    return "%.1f-%.1f (mean %.1f)" % (min(LOAD_SAMPLES), max(LOAD_SAMPLES), sum(LOAD_SAMPLES) / len(LOAD_SAMPLES))


def grade(root: Path, targets: list[Path], method: str, args) -> tuple[list[dict], float]:
    """One grader command over every target under `method`: its JSON reports, and how long it took.
    Samples the load average while it runs (load_range)."""
    out = root / ("%s.json" % method)
    cmd = [sys.executable, "-m", "grader", "check", "--start-method", method, "--jobs", str(args.jobs),
           "--json", str(out), *args.exercises]
    for target in targets:
        cmd += ["--target", str(target)]
    LOAD_SAMPLES.clear()
    done = threading.Event()

    def sample() -> None:
        while not done.wait(10):
            LOAD_SAMPLES.append(os.getloadavg()[0])

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    env = dict(os.environ)
    if args.keep:
        env["PROCGRADE_KEEP_RUNS"] = str(root / "kept")
    started = time.monotonic()
    try:
        subprocess.run(cmd, cwd=KIT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False, env=env)
    finally:
        done.set()
        sampler.join()
    return json.loads(out.read_text(encoding="utf-8")), time.monotonic() - started


def keep_runs(root: Path, target: Path, args, label: str) -> None:
    """The runs recorded for `target` (the grader kept every run under root/kept) go to
    args.keep/label: the whole evidence of a misgraded grading."""
    if not args.keep:
        return
    dest = args.keep / label
    for run in sorted((root / "kept").glob("*")):
        try:
            program = Path((run / "program.txt").read_text(encoding="utf-8").split("\n")[0])
        except OSError:
            continue
        if program.parent == target.resolve():
            dest.mkdir(parents=True, exist_ok=True)
            shutil.move(str(run), str(dest / run.name))


def wrong_programs(args) -> int:
    """Each bad_* program of the chosen exercises, RUNS copies of each, graded under load: every
    copy must fail exactly the checks its docstring names (tests/graded.py's Variant)."""
    sys.path.insert(0, str(KIT / "tests"))
    from graded import variants

    # named programs may be correct ones too (ok_*: they must fail nothing)
    chosen = [v for v in variants("" if args.programs else "bad_")
              if (not args.exercises or v.exercise in args.exercises)
              and (not args.programs or v.path.stem in args.programs)]
    root = Path(tempfile.mkdtemp(prefix="procgrade-flake-wrong-"))
    os.chmod(root, 0o755)
    busy = [subprocess.Popen([sys.executable, "-c", BUSY]) for _ in range(args.load)]
    wrong = 0
    try:
        targets = {}
        for v in chosen:
            for i in range(args.runs):
                target = root / ("%s-%s-%03d" % (v.exercise, v.path.stem, i))
                target.mkdir()
                shutil.copyfile(v.path, target / v.exercise_file)
                targets[target] = v
        for method in args.methods:
            reports, took = grade(root, list(targets), method, args)
            misgraded = Counter()
            worded: dict[tuple[str, str], Counter] = {}
            for report in reports:
                v = targets[Path(report["target"])]
                (ex,) = [e for e in report["exercises"] if e["exercise"] == v.exercise]
                failed = {c["check"] for c in ex["checks"] if c["status"] in ("failed", "error")}
                for c in ex["checks"]:
                    if c["status"] == "failed":
                        worded.setdefault(("%s/%s" % (v.exercise, v.path.stem), c["check"]), Counter())[wording(c)] += 1
                if failed != v.expected_failures(method):
                    # every check that differs, with its words: the one a skipped check needed says why
                    said = "; ".join("%s (%s): %s" % (c["check"], c["status"], c["observed"][:400])
                                     for c in ex["checks"] if c["check"] in failed ^ v.expected_failures(method)
                                     or (c["check"] in failed and c["status"] == "failed"))
                    misgraded["%s/%s: failed %s, expected %s; %s" % (
                        v.exercise, v.path.stem, sorted(failed), sorted(v.expected_failures(method)), said)] += 1
                    keep_runs(root, Path(report["target"]), args, "%s-%s" % (method, Path(report["target"]).name))
            shutil.rmtree(root / "kept", ignore_errors=True)
            wrong += sum(misgraded.values())
            print("%-10s %s: %d programs x %d runs, %d misgraded, %.1f s, load %s"
                  % (method, " ".join(args.exercises) or "all", len(chosen), args.runs, sum(misgraded.values()),
                     took, load_range()), flush=True)
            for key, n in misgraded.most_common():
                print("    x%d %s" % (n, key), flush=True)
            if args.words:
                print_wordings(worded)
    finally:
        for proc in busy:
            proc.kill()
            proc.wait()
        shutil.rmtree(root, ignore_errors=True)
    return 1 if wrong else 0


NUMBER = re.compile(r"\d+(?:\.\d+)?")


def wording(check: dict) -> str:
    """A failed check's message with its numbers left out (pids, times, counts differ every run)."""
    return NUMBER.sub("N", "%s | %s" % (check["observed"], check.get("hint", "")))


def print_wordings(worded: dict) -> None:
    """The failed checks worded more than one way over the copies of one program, each wording
    with how many copies said it; then how many failed checks said the same every time."""
    varied = {key: words for key, words in worded.items() if len(words) > 1}
    for (program, check), words in sorted(varied.items()):
        print("    words %s %s: %d ways" % (program, check, len(words)), flush=True)
        for text, n in words.most_common():
            print("      x%d %s" % (n, text[:400]), flush=True)
    print("    words: %d of %d failed checks worded the same in every copy"
          % (len(worded) - len(varied), len(worded)), flush=True)


def stop_on_sigterm(signum, frame) -> None:
    """`kill` stops a study as Ctrl+C does (a killed study left its busy loops and its grader
    command running): its `finally` ends the busy loops, subprocess.run kills the grader command,
    and each of its supervisors, its stdin closed, stops its run."""
    raise KeyboardInterrupt


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, stop_on_sigterm)
    sys.exit(main())
