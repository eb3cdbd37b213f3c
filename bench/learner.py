"""How fast a learner gets an answer: `nox -s check`, warm and cold, the README's `python3 kit.py -s
check` (which hands a learner's session to the grader without starting nox), and the grader alone.

Warm: the check environment exists (a warm-up run makes sure), so a run costs nox's start, the
grader's start (pytest), the runs of the programs and the report. Cold: a fresh copy of the kit
(its tracked files, as a clone has them) in a temporary folder, from `nox -s check` to the first
report, the environment's creation and install included (pip's own cache is whatever the machine
has: on a learner's first day it may be colder still).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.timing import KIT, Sample, learner_env, load, nox_command, repeat_command, run_command
from grader.learner_env import python as learner_python

CHECK_PYTHON = learner_python()   # the learner sessions' one environment
ONE = "ex02"   # the "one exercise" of the targets: a typical one (every exercise is also timed alone)
FIRST_FOUR = ("ex01", "ex02", "ex03", "ex04")   # the foundation issue's target: all four done in 2 s


def exercise_ids() -> list[str]:
    return sorted(p.name.split("_", 1)[0] for p in (KIT / "exercises").glob("ex*.py"))


def kit_command() -> list[str]:
    """`python3 kit.py`, as the README tells a learner to type it, with the bench's own interpreter:
    the `python3` on this machine's PATH is pyenv's shim, a shell script that cost each command
    60 ms more before Python started (a learner's python3 is the interpreter itself)."""
    return [sys.executable, str(KIT / "kit.py")]


def warm(runs: int) -> list[Sample]:
    nox = nox_command()
    env = learner_env()
    kwargs = dict(cwd=KIT, env=env)
    run_command([*nox, "-s", "check", "--", ONE], **kwargs)   # the environment exists from here on
    samples = [
        repeat_command("nox -s check  (7 pristine stubs)", [*nox, "-s", "check"], runs, **kwargs),
        repeat_command("nox -s check -- %s  (1 pristine stub)" % ONE, [*nox, "-s", "check", "--", ONE], runs, **kwargs),
        repeat_command("nox -s check  (all 7 done: --target solutions)",
                       [*nox, "-s", "check", "--", "--target", "solutions"], runs, **kwargs),
        repeat_command("nox -s check -- %s  (1 done)" % ONE,
                       [*nox, "-s", "check", "--", ONE, "--target", "solutions"], runs, **kwargs),
        repeat_command("nox -s check -- %s  (4 done: --target solutions)" % " ".join(FIRST_FOUR),
                       [*nox, "-s", "check", "--", *FIRST_FOUR, "--target", "solutions"], runs, **kwargs),
        repeat_command("nox -s solutions  (7 exercises x 3 start methods)", [*nox, "-s", "solutions"], runs,
                       **kwargs),
        repeat_command("python3 kit.py -s check  (all 7 done: --target solutions)",
                       [*kit_command(), "-s", "check", "--", "--target", "solutions"], runs, **kwargs),
        repeat_command("python3 kit.py -s check -- %s  (1 pristine stub)" % ONE,
                       [*kit_command(), "-s", "check", "--", ONE], runs, **kwargs),
    ]
    py = [str(CHECK_PYTHON), "-m", "grader", "check"]
    samples += [
        repeat_command("python -m grader check  (7 pristine stubs)", py, runs, **kwargs),
        repeat_command("python -m grader check %s  (1 pristine stub)" % ONE, [*py, ONE], runs, **kwargs),
        repeat_command("python -m grader check  (all 7 done)", [*py, "--target", "solutions"], runs, **kwargs),
        repeat_command("python -m grader check %s  (1 done)" % ONE, [*py, ONE, "--target", "solutions"], runs, **kwargs),
    ]
    return samples


def per_exercise(runs: int, launcher: list[str] | None = None) -> list[Sample]:
    """Each exercise alone, done (the reference solution), as the learner runs it: through nox, or
    through `launcher` (kit_command())."""
    command = launcher or nox_command()
    return [repeat_command(e, [*command, "-s", "check", "--", e, "--target", "solutions"], runs, warmup=0,
                           cwd=KIT, env=learner_env())
            for e in exercise_ids()]


def fresh_copy(dest: Path) -> Path:
    """The kit's files as a clone of the current work tree has them (tracked and new files, not
    what .gitignore leaves out: no .nox, no caches)."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=KIT,
                            capture_output=True, check=True).stdout.decode().split("\0")
    for rel in filter(None, listed):
        source = KIT / rel
        if source.is_file():
            target = dest / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    return dest


def cold(runs: int) -> list[Sample]:
    """A fresh copy of the kit, `nox -s check` to the first report, environment creation included."""
    sample = Sample("fresh clone: nox -s check  (creates the environment)",
                    note="pip's download cache as the machine has it")
    for _ in range(runs):
        work = Path(tempfile.mkdtemp(prefix="procgrade-bench-cold-"))
        try:
            kit = fresh_copy(work / "procgrade")
            sample.loads.append(load())
            wall, cpu, output = run_command([*nox_command(), "-s", "check"], cwd=kit, env=learner_env())
            if "ex01" not in output:
                raise RuntimeError("no report from the fresh clone:\n" + output[-2000:])
            sample.wall.append(wall)
            sample.cpu.append(cpu)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return [sample]
