"""Measure a proposed change to the grader before anyone makes it: patched copies in /tmp.

    python -m bench.grader_variants [CHECK ARGS ...]     default: --target solutions
    RUNS=5 ONLY="longest first" python -m bench.grader_variants ex07 --target solutions

Each variant is a copy of grader/ taken now (so all of them see the same grader), with one change
made by text replacement; `python -m grader check ARGS` runs from the copy, the variants taking
turns, RUNS times each after a warm-up. It prints the median wall and CPU time (user + system of
the whole process tree) and the CPU difference to the unpatched copy: on a shared machine the CPU
time is the measure to trust. A variant whose text no longer matches the grader is left out,
with a note. bench/NOTES.md says what each change is and why.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.timing import KIT, children_cpu, load


class Skip(Exception):
    pass


def _replace(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    if text.count(old) != count:
        raise Skip("%s: %r found %d times, expected %d" % (path.name, old[:50], text.count(old), count))
    path.write_text(text.replace(old, new), encoding="utf-8")


PRECOMPILED = '''
@functools.lru_cache(maxsize=None)
def _compiled_instrument() -> Path:
    """The instrumentation with its bytecode, compiled once per grader process: the program runs
    with PYTHONDONTWRITEBYTECODE, so each of its processes compiled sitecustomize.py again."""
    import atexit
    import py_compile
    folder = Path(tempfile.mkdtemp(prefix="procgrade-instrument-")) / "instrument"
    atexit.register(shutil.rmtree, folder.parent, True)
    shutil.copytree(INSTRUMENT, folder, ignore=shutil.ignore_patterns("__pycache__"))
    for source in folder.glob("*.py"):
        py_compile.compile(str(source), doraise=True)
    return folder


def _run_in('''


def precompiled_sitecustomize(grader: Path) -> None:
    runner = grader / "runner.py"
    _replace(runner, 'shutil.copytree(INSTRUMENT, prog / "instrument", ignore=shutil.ignore_patterns("__pycache__"))',
             'shutil.copytree(_compiled_instrument(), prog / "instrument")')
    _replace(runner, "\ndef _run_in(", PRECOMPILED)
    if "import functools" not in runner.read_text(encoding="utf-8"):
        _replace(runner, "import hashlib", "import functools\nimport hashlib")


def longest_first(grader: Path) -> None:
    """plugin.py: submit the runs of the costliest suites first (ex07: 7 runs, then ex06), so the
    end of the pool's queue holds short runs."""
    _replace(grader / "plugin.py", "        for item in session.items:\n            subject",
             "        def cost(item):\n"
             "            return (10 if hasattr(item.module, 'extra_runs') else 0) + ('ex06' in item.module.__name__)\n"
             "        for item in sorted(session.items, key=cost, reverse=True):\n            subject")


def everything(grader: Path) -> None:
    """Every change that still applies."""
    applied = 0
    for change in (precompiled_sitecustomize, longest_first):
        try:
            change(grader)
            applied += 1
        except Skip:
            pass
    if not applied:
        raise Skip("none of the changes applies")


VARIANTS = {
    "unpatched": None,
    "precompiled sitecustomize": precompiled_sitecustomize,
    "longest first": longest_first,
    "all that apply": everything,
}


def main(argv: list[str]) -> int:
    args = argv or ["--target", str(KIT / "solutions")]
    runs = int(os.environ.get("RUNS", "5"))
    only = [v for v in os.environ.get("ONLY", "").split(",") if v]
    python = str(KIT / ".nox" / "learner" / "bin" / "python")
    if not Path(python).exists():
        python = sys.executable
    work = Path(tempfile.mkdtemp(prefix="procgrade-bench-variants-"))
    try:
        folders = {}
        for number, (name, change) in enumerate(VARIANTS.items()):
            if only and name != "unpatched" and name not in only:
                continue
            folder = work / ("v%d" % number)
            shutil.copytree(KIT / "grader", folder / "grader", ignore=shutil.ignore_patterns("__pycache__"))
            try:
                if change:
                    change(folder / "grader")
            except Skip as why:
                print("left out %r: %s" % (name, why))
                continue
            folders[name] = folder
        times = {name: ([], []) for name in folders}
        for name, folder in folders.items():   # warm-up
            subprocess.run([python, "-m", "grader", "check", *args], cwd=folder, capture_output=True)
        loads = []
        for _ in range(runs):
            for name, folder in folders.items():
                loads.append(load())
                cpu, started = children_cpu(), time.perf_counter()
                done = subprocess.run([python, "-m", "grader", "check", *args], cwd=folder, capture_output=True)
                times[name][0].append(time.perf_counter() - started)
                times[name][1].append(children_cpu() - cpu)
                if done.returncode not in (0, 1) or b"Traceback" in done.stdout + done.stderr:
                    print("%s broke:\n%s" % (name, (done.stdout + done.stderr).decode()[-1500:]))
        base = statistics.median(times["unpatched"][1])
        print("python -m grader check %s; %d runs each; load %.1f (median)" % (" ".join(args), runs,
                                                                               statistics.median(loads)))
        for name, (wall, cpu) in times.items():
            print("%-28s wall %5.2f s (%.2f-%.2f)  CPU %5.2f s (%.2f-%.2f)  CPU vs unpatched %+5.0f ms (%+.0f %%)"
                  % (name, statistics.median(wall), min(wall), max(wall), statistics.median(cpu), min(cpu), max(cpu),
                     (statistics.median(cpu) - base) * 1000, (statistics.median(cpu) / base - 1) * 100))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
