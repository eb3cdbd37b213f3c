"""The floor: what the OS and the interpreter cost before the grader adds anything.

- a bare interpreter (`python -c pass`), for each interpreter the kit involves;
- starting and joining one `Process` under each start method (warm: in a running interpreter;
  cold: a whole script that does only that);
- one instrumented run of each exercise's reference solution (`grader.runner.run_program` with
  the suite's own RunSpec): the program's own lifetime (which the suite's time warp sets) and
  the grader's cost around it (supervisor, set-up, snapshots, trace);
- the layers above it for one exercise: `python -m grader check exNN` (pytest, the checks, the
  report; ex07 also makes its extra runs).
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
import time
from typing import Optional

from bench.timing import KIT, Sample, load, repeat, repeat_command

if str(KIT) not in sys.path:
    sys.path.insert(0, str(KIT))

METHODS = ("fork", "spawn", "forkserver")

# Run by the interpreter under test: start and join one Process, `n` times after one warm-up,
# under each start method; prints the medians (seconds) as JSON.
PROCESS_TIMER = r"""
import json, multiprocessing as mp, os, sys, time
n = int(sys.argv[1])
out = {}
for method in sys.argv[2:]:
    ctx = mp.get_context(method)
    times = []
    for i in range(n + 1):
        t = time.perf_counter()
        p = ctx.Process(target=os.getpid)
        p.start()
        p.join()
        times.append(time.perf_counter() - t)
    out[method] = times[1:]
print(json.dumps(out))
"""

ONE_PROCESS_SCRIPT = ("import multiprocessing as mp, os\n"
                      "if __name__ == '__main__':\n"
                      "    mp.set_start_method(%r)\n"
                      "    p = mp.Process(target=os.getpid)\n"
                      "    p.start()\n"
                      "    p.join()\n")


def interpreters() -> dict[str, str]:
    """The interpreters a check involves: the environment's (grader, supervisor) and the one
    the learner's program runs with (the system's, when the grader runs it as another user)."""
    found = {"environment's python": sys.executable}
    try:
        from grader import sandbox
        learner = sandbox.choose(sys.executable).python
    except Exception:  # an older grader without sandbox.py: the program runs with ours
        learner = sys.executable
    if learner != sys.executable:
        found["learner's program's python (%s)" % learner] = learner
    return found


def bare(runs: int) -> list[Sample]:
    samples = []
    for label, python in interpreters().items():
        samples.append(repeat_command("%s -c pass" % label, [python, "-c", "pass"], runs))
        samples.append(repeat_command("%s -I -c pass" % label, [python, "-I", "-c", "pass"], runs))
        samples.append(repeat_command("%s -c 'import multiprocessing'" % label,
                                      [python, "-c", "import multiprocessing"], runs))
    py = sys.executable
    samples.append(repeat_command("import psutil (supervisor, -I)", [py, "-I", "-c", "import psutil"], runs))
    samples.append(repeat_command("import pytest", [py, "-c", "import pytest"], runs))
    samples.append(repeat_command("import grader.__main__ (pytest + grader)", [py, "-c", "import grader.__main__"],
                                  runs, cwd=KIT))
    return samples


def processes(runs: int) -> list[Sample]:
    """One Process started and joined, per start method: warm (median of `runs` inside one
    interpreter) and cold (a whole script that does only that)."""
    samples = []
    for label, python in interpreters().items():
        out = subprocess.run([python, "-c", PROCESS_TIMER, str(max(runs, 5)), *METHODS], capture_output=True,
                             text=True, check=True).stdout
        for method, times in json.loads(out).items():
            sample = Sample("start + join one Process, %s, warm  [%s]" % (method, label), note="in one interpreter")
            sample.wall, sample.loads = times, [load()]
            samples.append(sample)
        for method in METHODS:
            samples.append(repeat_command("whole script: one Process, %s  [%s]" % (method, label),
                                          [python, "-c", ONE_PROCESS_SCRIPT % method], runs))
    return samples


def suite(exercise_id: str):
    from grader.exercises import select
    (exercise,) = select([exercise_id])
    return exercise, importlib.import_module("grader.suites." + exercise.suite.stem)


def instrumented(exercise_ids: list[str], runs: int, method: str = "spawn") -> list[Sample]:
    """One instrumented run of each exercise's solution; the program's own lifetime beside it."""
    from grader.runner import run_program
    samples = []
    for exercise_id in exercise_ids:
        exercise, module = suite(exercise_id)
        spec = module.run_spec(KIT / "solutions" / exercise.file, method)
        programs: list[float] = []
        around: list[float] = []

        def once() -> float:
            started = time.perf_counter()
            run = run_program(spec)
            wall = time.perf_counter() - started
            programs.append(run.trace.outcome.duration)
            around.append(wall - run.trace.outcome.duration)
            return wall

        sample = repeat("%s: one instrumented run (%s, warp %g)" % (exercise_id, method, spec.warp), once, runs)
        sample.extra["program"] = programs[1:]   # not the warm-up's
        sample.extra["around"] = around[1:]
        samples.append(sample)
    return samples


def extra_runs(exercise_id: str, runs: int, method: str = "spawn") -> Optional[Sample]:
    """An exercise's main run and all its extra runs, one after the other (what one job does)."""
    from grader.runner import RunSpec, run_program
    exercise, module = suite(exercise_id)
    if not hasattr(module, "extra_runs"):
        return None
    program = KIT / "solutions" / exercise.file
    count = []

    def once() -> None:
        main = run_program(module.run_spec(program, method))
        n = 1
        for how in module.extra_runs(program, method).values():
            spec = how if isinstance(how, RunSpec) else how(main)
            if spec is not None:
                run_program(spec)
                n += 1
        count.append(n)

    sample = repeat("%s: main run + extra runs, one after the other" % exercise_id, once, runs, warmup=0)
    sample.note = "%d runs" % count[0]
    return sample


def grader_check(exercise_ids: list[str], runs: int) -> list[Sample]:
    """`python -m grader check exNN --target solutions`: the grader's whole cost for one exercise."""
    py = [sys.executable, "-m", "grader", "check"]
    return [repeat_command("%s: python -m grader check" % e, [*py, e, "--target", "solutions"], runs,
                           warmup=0, cwd=KIT)
            for e in exercise_ids]
