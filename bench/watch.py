"""Save -> verdict in watch mode: one `python -m grader watch` on a fresh copy of the stubs; each
exercise's reference solution is saved in turn, and the time is taken from the save to the line
the watch prints after the verdict. One round is ex01..ex07 in order (the watch moves on as each is
done); `runs` rounds, each on a fresh copy, give the median per exercise.
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.timing import KIT, Sample, load

MARKER = "Watching"   # the watch's line after every verdict


def _until_marker(stream) -> str:
    seen = []
    for line in stream:
        seen.append(line)
        if MARKER in line:
            return "".join(seen)
    raise RuntimeError("the watch ended early:\n" + "".join(seen))


def one_round(python: str) -> dict[str, tuple[float, float]]:
    """{exercise: (seconds from save to verdict, load before the save)} for one fresh workspace."""
    found = {}
    with tempfile.TemporaryDirectory(prefix="procgrade-bench-watch-") as tmp:
        exercises = Path(tmp) / "exercises"
        exercises.mkdir()
        originals = sorted((KIT / "exercises").glob("ex*.py"))   # the stubs as committed
        for stub in originals:
            shutil.copyfile(stub, exercises / stub.name)
        watch = subprocess.Popen([python, "-m", "grader", "watch", "--target", str(exercises)], cwd=KIT,
                                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            _until_marker(watch.stdout)
            for stub in originals:
                exercise = stub.name.split("_", 1)[0]
                before = load()
                started = time.perf_counter()
                shutil.copyfile(KIT / "solutions" / stub.name, exercises / stub.name)
                verdict = _until_marker(watch.stdout)
                found[exercise] = (time.perf_counter() - started, before)
                if "✓ " + exercise not in verdict:
                    raise RuntimeError("the reference solution of %s was not graded done:\n%s" % (exercise, verdict))
        finally:   # Ctrl+C, as a learner ends it
            watch.send_signal(signal.SIGINT)
            try:
                watch.wait(timeout=60)
            except subprocess.TimeoutExpired:
                watch.kill()
                watch.wait()
    return found


def save_to_verdict(runs: int, python: str = sys.executable) -> list[Sample]:
    samples: dict[str, Sample] = {}
    for _ in range(runs):
        for exercise, (wall, before) in one_round(python).items():
            sample = samples.setdefault(exercise, Sample("watch: save -> verdict, %s" % exercise))
            sample.wall.append(wall)
            sample.loads.append(before)
    return list(samples.values())


if __name__ == "__main__":
    for s in save_to_verdict(int(sys.argv[1]) if len(sys.argv) > 1 else 3):
        print("%-32s median %.3f s  (%s, load %.1f)" % (s.name, s.median, s.spread(), s.load))
