"""The reference copier (solutions/ex07_folder_copier.py) against `cp -r` and `shutil.copytree`.

Three generated trees (seeded, so every run copies the same bytes):
  small   many small files: 10,000 files of 0-16 KiB in 50 folders (about 80 MiB)
  large   a few large files: 3 files of 200 MiB
  mixed   at least 1 GiB: 4,000 small files, 400 files of 64 KiB-2 MiB and 4 files of 160 MiB
  issue14 290 MiB: 400 small files in 8 folders and 3 files of 96 MiB (ISSUE_TREE)
Each copy goes to a new destination (a cold destination: it does not exist; the previous copy
was deleted and `sync` flushed before the clock starts); the source is in the page cache, as a
learner's folder is after they made it. Tools take turns within each repetition (in an order
that rotates), so a burst of load from elsewhere hits them alike, and each tool's time is divided
by `cp -r`'s time of the same repetition: the ratio is reported pair by pair (median of the
per-repetition ratios).

`candidates` makes patched copies of the reference in a temporary folder, each with one change,
to measure what a change would gain before anyone makes it in solutions/.

`grader_tree` measures a copier on the grader's own ex07 tree, the way the ex07 suite runs it:
what a learner could be told ("your copier: X MB/s; the reference: Y MB/s").
"""

from __future__ import annotations

import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from bench.timing import KIT, Sample, load, run_command

REFERENCE = KIT / "solutions" / "ex07_folder_copier.py"
MiB = 1 << 20
BLOCK = MiB


@dataclass(frozen=True)
class TreeShape:
    name: str
    label: str
    small: int = 0              # files of 0..small_max bytes, per_folder in each folder
    per_folder: int = 200
    small_max: int = 16 * 1024
    medium: int = 0             # files of 64 KiB..medium_max
    medium_max: int = 2 * MiB
    large: int = 0
    large_size: int = 0


# the tree of issue 14's target (the reference copier at most as slow as `cp -r` on it)
ISSUE_TREE = TreeShape("issue14", "290 MiB: 400 small files in 8 folders, 3 × 96 MiB", small=400, per_folder=50,
                       large=3, large_size=96 * MiB)
TREES = (
    ISSUE_TREE,
    TreeShape("small", "many small files (10,000 × 0-16 KiB)", small=10_000),
    TreeShape("large", "a few large files (3 × 200 MiB)", large=3, large_size=200 * MiB),
    TreeShape("mixed", "mixed, ≥ 1 GiB (4,000 small, 400 × 64 KiB-2 MiB, 4 × 160 MiB)", small=4_000,
              medium=400, large=4, large_size=160 * MiB),
)
QUICK_TREES = (
    ISSUE_TREE,
    TreeShape("small", "many small files (5,000 × 0-16 KiB)", small=5_000),
    TreeShape("large", "a few large files (2 × 100 MiB)", large=2, large_size=100 * MiB),
    TreeShape("mixed", "mixed (2,000 small, 100 × 64 KiB-2 MiB, 2 × 100 MiB)", small=2_000, medium=100,
              large=2, large_size=100 * MiB),
)


def _write_big(path: Path, size: int, block: bytearray) -> None:
    """`size` bytes: one random block, with the offset stamped at the start of each MiB, so no
    two MiB are alike (a copy that repeats or reorders blocks does not match)."""
    with open(path, "wb") as handle:
        offset = 0
        while offset < size:
            n = min(BLOCK, size - offset)
            block[0:8] = offset.to_bytes(8, "big")
            handle.write(block[:n])
            offset += n


def build_tree(root: Path, shape: TreeShape, seed: int = 7) -> tuple[int, int]:
    """Write the tree; return (files, bytes)."""
    rng = random.Random("procgrade-bench-%s-%d" % (shape.name, seed))
    block = bytearray(rng.randbytes(BLOCK))
    root.mkdir(parents=True)
    files = total = 0
    for i in range(shape.small):
        folder = root / "small" / ("d%03d" % (i // shape.per_folder))
        if i % shape.per_folder == 0:
            folder.mkdir(parents=True)
        data = rng.randbytes(rng.randrange(0, shape.small_max))
        (folder / ("f%05d.dat" % i)).write_bytes(data)
        files, total = files + 1, total + len(data)
    if shape.medium:
        (root / "medium").mkdir()
    for i in range(shape.medium):
        size = rng.randrange(64 * 1024, shape.medium_max)
        _write_big(root / "medium" / ("m%04d.bin" % i), size, block)
        files, total = files + 1, total + size
    if shape.large:
        (root / "large").mkdir()
    for i in range(shape.large):
        _write_big(root / "large" / ("big%d.bin" % i), shape.large_size, block)
        files, total = files + 1, total + shape.large_size
    return files, total


def same_tree(source: Path, copy: Path) -> list[str]:
    """Every difference between the two trees (names, kinds, bytes); [] when identical."""
    problems = []
    for folder, dirs, names in os.walk(source):
        rel = Path(folder).relative_to(source)
        for name in dirs:
            if not (copy / rel / name).is_dir():
                problems.append("missing folder %s" % (rel / name))
        for name in names:
            a, b = Path(folder) / name, copy / rel / name
            if not b.is_file():
                problems.append("missing file %s" % (rel / name))
            elif a.stat().st_size != b.stat().st_size or not _same_bytes(a, b):
                problems.append("different bytes in %s" % (rel / name))
        if len(problems) > 10:
            break
    return problems


def _same_bytes(a: Path, b: Path) -> bool:
    with open(a, "rb") as x, open(b, "rb") as y:
        while True:
            u, v = x.read(BLOCK), y.read(BLOCK)
            if u != v:
                return False
            if not u:
                return True


def tools(python: str, candidates: dict[str, Path]) -> dict[str, list[str]]:
    """name -> command (SRC and DST are appended)."""
    found = {
        "cp -r": ["cp", "-r"],
        "shutil.copytree": [python, "-c", "import shutil, sys; shutil.copytree(sys.argv[1], sys.argv[2])"],
        "reference (solutions/ex07)": [python, str(REFERENCE)],
    }
    for name, path in candidates.items():
        found[name] = [python, str(path)]
    return found


def sync() -> None:
    try:
        os.sync()
    except AttributeError:
        subprocess.run(["sync"])


def compare(trees: tuple[TreeShape, ...], runs: int, with_candidates: bool = False,
            python: str = sys.executable, workdir: Optional[Path] = None) -> list[Sample]:
    """Every tool on every tree, `runs` repetitions each, tools taking turns."""
    work = Path(tempfile.mkdtemp(prefix="procgrade-bench-copy-", dir=workdir))
    samples = []
    try:
        candidate_files = make_candidates(work / "candidates") if with_candidates else {}
        commands = tools(python, candidate_files)
        for shape in trees:
            source = work / shape.name
            started = time.perf_counter()
            files, size = build_tree(source, shape)
            built = time.perf_counter() - started
            sync()
            by_tool = {name: Sample("%s: %s" % (shape.name, name), extra={"tree": shape.label, "files": files,
                                                                          "bytes": size, "build_s": built})
                       for name in commands}
            # An untimed copy and delete first: on this ext4 (mounted with `discard`) a copy made
            # right after a large delete is slower than the very first one, so without it the
            # first tool of the first repetition would be favoured. The order turns each time.
            dest = work / ("%s-copy" % shape.name)
            run_command(["cp", "-r", str(source), str(dest)], ok_codes=(0,))
            shutil.rmtree(dest)
            names = list(commands)
            for rep in range(runs):
                for name in names[rep % len(names):] + names[:rep % len(names)]:
                    command = commands[name]
                    sync()
                    sample = by_tool[name]
                    sample.loads.append(load())
                    wall, cpu, output = run_command([*command, str(source), str(dest)], ok_codes=(0,))
                    sample.wall.append(wall)
                    sample.cpu.append(cpu)
                    if rep == 0:
                        problems = same_tree(source, dest)
                        if problems:
                            sample.note = "WRONG COPY: " + "; ".join(problems[:3])
                    shutil.rmtree(dest)
            cp = by_tool["cp -r"]
            for sample in by_tool.values():
                sample.extra["mb_s"] = size / MiB / sample.median
                sample.extra["ratio"] = statistics.median(w / c for w, c in zip(sample.wall, cp.wall))
                sample.extra["ratios"] = [round(w / c, 2) for w, c in zip(sample.wall, cp.wall)]
                sample.extra["cpu_ratio"] = sample.cpu_median / cp.cpu_median if cp.cpu_median else float("nan")
                samples.append(sample)
            shutil.rmtree(source)
            sync()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return samples


# --- candidate changes to the reference, measured before they are made ---------------------------

KERNEL_COPY = 'if sys.platform == "linux":\n        moved = 0'
THROUGH_PYTHON = 'if False:  # candidate: chunks through Python only\n        moved = 0'

BATCHES = "BATCH_FILES = 32 "
ONE_FILE_PER_TASK = "BATCH_FILES = 1 "

CANDIDATES = {
    # the tutorial's way, one task and one report per file: what the batches gain
    "ref, one file per task": [(BATCHES, ONE_FILE_PER_TASK)],
    # every chunk read into Python and written out again (the reference before os.sendfile)
    "ref, chunks through Python": [(KERNEL_COPY, THROUGH_PYTHON)],
}


def make_candidates(folder: Path) -> dict[str, Path]:
    """Patched copies of the reference; a candidate whose patch no longer applies is left out."""
    folder.mkdir(parents=True)
    text = REFERENCE.read_text(encoding="utf-8")
    made = {}
    for i, (name, patches) in enumerate(CANDIDATES.items()):
        patched = text
        for old, new in patches:
            if patched.count(old) != 1:
                print("candidate %r left out: the reference changed (%r not found once)" % (name, old[:40]),
                      file=sys.stderr)
                break
            patched = patched.replace(old, new)
        else:
            path = folder / ("candidate%d" % i) / REFERENCE.name
            path.parent.mkdir()
            path.write_text(patched, encoding="utf-8")
            made[name] = path
    return made


# --- the grader's tree: what a learner could be told ---------------------------------------------

def grader_tree(programs: dict[str, Path], runs: int, method: str = "spawn") -> list[Sample]:
    """Each program run as the ex07 suite runs it (instrumented, its RunSpec) on the suite's tree:
    MB/s over the program's lifetime, and over its copying (first pool worker started to the
    last progress line). Programs take turns, after one warm-up run. The first row is a yardstick
    the grader could measure at no cost beside a learner's run: `shutil.copytree` of the same tree."""
    if str(KIT) not in sys.path:
        sys.path.insert(0, str(KIT))
    from grader import source_trees
    from grader.runner import run_program
    from grader.suites import test_ex07_folder_copier as ex07

    probe = Path(tempfile.mkdtemp(prefix="procgrade-bench-tree-"))
    yardstick = Sample("yardstick: shutil.copytree of the same tree, in one process")
    try:
        source_trees.build_main(probe)
        tree = probe / source_trees.SOURCE
        size = sum(p.stat().st_size for p in tree.rglob("*") if p.is_file())
        for n in range(runs + 1):
            sync()
            started = time.perf_counter()
            shutil.copytree(tree, probe / ("copy%d" % n))
            if n:   # the first is a warm-up
                yardstick.wall.append(time.perf_counter() - started)
                yardstick.loads.append(load())
    finally:
        shutil.rmtree(probe)
    yardstick.extra.update(bytes=size, copying=list(yardstick.wall), states=["-"])
    samples = {name: Sample(name, extra={"bytes": size, "copying": [], "states": []}) for name in programs}
    run_program(ex07.run_spec(next(iter(programs.values())), method))   # warm-up
    for _ in range(runs):
        for name, program in programs.items():
            sample = samples[name]
            sample.loads.append(load())
            trace = run_program(ex07.run_spec(program, method)).trace
            sample.wall.append(trace.outcome.duration)
            workers = [p.started for p in trace.procs if p.started is not None and p.pid != trace.main_pid]
            progress = [line.t for line in trace.out() if ex07.PROGRESS.search(line.text)]
            if workers and progress:
                sample.extra["copying"].append(max(progress[-1] - min(workers), 1e-6))
            sample.extra["states"].append(trace.outcome.reason)
    for sample in [yardstick, *samples.values()]:
        sample.extra["mb_s"] = size / MiB / sample.median
        if sample.extra["copying"]:
            sample.extra["copy_mb_s"] = size / MiB / statistics.median(sample.extra["copying"])
    return [yardstick, *samples.values()]


def learner_programs() -> dict[str, Path]:
    """The reference and the kit's other correct copiers (tests/programs/ex07/ok_*), as a class
    would show them; and one known-wrong one that reads whole files."""
    found = {"reference (solutions/ex07)": REFERENCE}
    for path in sorted((KIT / "tests" / "programs" / "ex07").glob("ok_*.py")):
        found[path.stem] = path
    wrong = KIT / "tests" / "programs" / "ex07" / "bad_read_whole_file.py"
    if wrong.is_file():
        found[wrong.stem] = wrong
    return found
