"""Where the CPU of one check goes, exercise by exercise (issue 14's profile).

For each exercise, on its reference solution, under one start method:

  check      `python -m grader check exNN --target solutions`: the CPU of the whole command
  nox        what `nox -s check -- exNN` adds on top of it (nox's own start and session)
  grader     the grader's process: interpreter, pytest and the grader's import, collection, the
             checks, the trace and the report (check minus its runs' processes)
  around     the grader's work around each run (temporary folders, the tree's set-up, snapshots
             and hashes of the files, building the trace, comparing copies), in its own process
  supervise  the supervisors: one Python process per run, its start-up and its looks at /proc
  starts     the program's Python processes started (main, children, pool workers, Manager,
             resource tracker...) times the cost of one instrumented start that does nothing
  program    the rest: the programs' own work, and the instrumentation's records while it runs

The runs are made in this process, one after the other, with the suite's own RunSpecs (the main
run and every extra run), so that their CPU can be told apart: children's CPU from the kernel's
accounting of waited-for children, the supervisor's from its own report, the grader's from
getrusage(RUSAGE_SELF).
"""

from __future__ import annotations

import resource
import statistics
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from bench.timing import KIT, children_cpu, learner_env, nox_command, run_command

COLUMNS = ("check", "nox", "grader", "around", "supervise", "starts", "program")


def self_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


@dataclass
class Split:
    exercise: str
    method: str
    runs: int = 0
    processes: int = 0
    cpu: dict[str, list[float]] = field(default_factory=dict)

    def add(self, column: str, value: float) -> None:
        self.cpu.setdefault(column, []).append(value)

    def median(self, column: str) -> float:
        values = self.cpu.get(column, [])
        return statistics.median(values) if values else float("nan")

    def to_dict(self) -> dict:
        return {"exercise": self.exercise, "method": self.method, "runs": self.runs, "processes": self.processes,
                "cpu": self.cpu}


def _grader_modules():
    if str(KIT) not in sys.path:
        sys.path.insert(0, str(KIT))
    from bench.floor import suite
    from grader.runner import RunSpec, run_program
    return suite, RunSpec, run_program


def one_start(method: str) -> float:
    """CPU of an instrumented run of a program that does nothing, less its supervisor's: what
    each Python process of a run costs before it does anything (interpreter, site, the
    instrumentation's import and connection, its exit record)."""
    suite, RunSpec, run_program = _grader_modules()
    with tempfile.TemporaryDirectory(prefix="procgrade-bench-start-") as folder:
        program = Path(folder) / "nothing.py"
        program.write_text("pass\n", encoding="utf-8")
        values = []
        for _ in range(6):
            before = children_cpu()
            run = run_program(RunSpec(program, start_method=method, budget=10.0))
            values.append(children_cpu() - before - run.trace.outcome.supervisor_cpu)
    return statistics.median(values[1:])


def runs_of(exercise_id: str, method: str, split: Split, start: float) -> None:
    """The exercise's main run and extra runs, one after the other, their CPU split."""
    suite, RunSpec, run_program = _grader_modules()
    exercise, module = suite(exercise_id)
    program = KIT / "solutions" / exercise.file
    children_before, self_before = children_cpu(), self_cpu()
    supervise = 0.0
    processes = runs = 0

    def run(spec) -> object:
        nonlocal supervise, processes, runs
        done = run_program(spec)
        supervise += done.trace.outcome.supervisor_cpu
        processes += sum(1 for p in done.trace.procs if p.argv)   # exec'd: a fork child starts no interpreter
        runs += 1
        return done

    main = run(module.run_spec(program, method))
    for how in getattr(module, "extra_runs", lambda *_: {})(program, method).values():
        spec = how if isinstance(how, RunSpec) else how(main)
        if spec is not None:
            run(spec)
    children = children_cpu() - children_before
    split.runs, split.processes = runs, processes
    split.add("around", self_cpu() - self_before)
    split.add("supervise", supervise)
    split.add("starts", processes * start)
    split.add("program", children - supervise - processes * start)


def cpu_split(exercise_ids: list[str], runs: int, method: str) -> list[Split]:
    start = one_start(method)
    python = [sys.executable, "-m", "grader", "check", "--start-method", method, "--target", "solutions"]
    nox = [*nox_command(), "-s", "check", "--", "--start-method", method, "--target", "solutions"]
    found = []
    for exercise_id in exercise_ids:
        split = Split(exercise_id, method)
        run_command([*python, exercise_id], cwd=KIT)   # warm: bytecode, page cache, the learner's environment
        run_command([*nox, exercise_id], cwd=KIT, env=learner_env())
        for _ in range(runs):
            _, check, _ = run_command([*python, exercise_id], cwd=KIT)
            _, through_nox, _ = run_command([*nox, exercise_id], cwd=KIT, env=learner_env())
            runs_of(exercise_id, method, split, start)
            split.add("check", check)
            split.add("nox", through_nox - check)
            inside = split.cpu["around"][-1] + split.cpu["supervise"][-1] + split.cpu["starts"][-1] + \
                split.cpu["program"][-1]
            split.add("grader", check - inside)
        split.cpu["start_each"] = [start]
        found.append(split)
    return found


def table(splits: list[Split]) -> tuple[list[str], list[list[str]]]:
    headers = ["exercise", "runs", "Python processes started", *COLUMNS]
    rows = []
    for s in splits:
        rows.append([s.exercise, str(s.runs), str(s.processes)]
                    + ["%.0f ms" % (s.median(c) * 1000) for c in COLUMNS])
    return headers, rows


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("exercises", nargs="*", default=["ex01", "ex02", "ex03", "ex04", "ex05", "ex06", "ex07"])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--start-method", default="fork")
    args = parser.parse_args()
    splits = cpu_split(args.exercises, args.runs, args.start_method)
    headers, rows = table(splits)
    print("| " + " | ".join(headers) + " |")
    print("|" + "|".join("---" for _ in headers) + "|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    print("one instrumented start that does nothing: %.0f ms of CPU" % (splits[0].cpu["start_each"][0] * 1000))
