"""Flake study: grade the reference solutions many times while other processes keep every core
busy, and count false failures (a solution failing any check is one).

    python bench/flake_study.py --runs 100 --methods fork spawn forkserver --load 2

Each round grades RUNS copies of solutions/ in one grader command (its --jobs runs in
parallel too, adding to the load). Prints one line per start method and every failure seen,
with its message, so a flake can be traced to its root. Exit code 1 if any false failure.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
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
    args = parser.parse_args()

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
            out = root / ("%s.json" % method)
            cmd = [sys.executable, "-m", "grader", "check", "--start-method", method, "--jobs", str(args.jobs),
                   "--json", str(out), *args.exercises]
            for target in targets:
                cmd += ["--target", str(target)]
            started = time.monotonic()
            subprocess.run(cmd, cwd=KIT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
            took = time.monotonic() - started
            failures = Counter()
            examples = {}
            checks = 0
            for report in json.loads(out.read_text(encoding="utf-8")):
                for exercise in report["exercises"]:
                    for check in exercise["checks"]:
                        checks += 1
                        if check["status"] != "passed":
                            key = "%s:%s" % (exercise["exercise"], check["check"])
                            failures[key] += 1
                            examples.setdefault(key, check["observed"])
            false_failures += sum(failures.values())
            print("%-10s %d runs, %d checks, %d false failures, %.1f s, load %s"
                  % (method, args.runs, checks, sum(failures.values()), took, os.getloadavg()[0]))
            for key, n in failures.most_common():
                print("    %s x%d: %s" % (key, n, examples[key][:300]))
    finally:
        for proc in busy:
            proc.kill()
            proc.wait()
        shutil.rmtree(root, ignore_errors=True)
    return 1 if false_failures else 0


if __name__ == "__main__":
    sys.exit(main())
