"""`nox -s bench` (or `python -m bench`): measure, then write BENCHMARKS.md.

    python -m bench                    everything: 15-25 minutes on 2 cores, most of it grading the class
    python -m bench --quick            fewer runs, smaller trees and class (about 5 minutes)
    python -m bench --targets          issue 14's targets, 3 runs each (about 8 minutes)
    python -m bench --only copier      some sections: learner floor class copier
    python -m bench --only copier --merge OLD.json --json NEW.json
                                       measure one section again, keep the others' numbers
    python -m bench --candidates       also patched copies of the reference copier

Sections: 1. the learner's latency (`nox -s check`, warm and cold, and without nox); 2. the
floor (a bare interpreter, one Process per start method, one instrumented run per exercise);
3. an instructor's throughput (a generated class of 100); 4. the reference copier against
`cp -r` and `shutil.copytree`, and copiers on the grader's ex07 tree. BENCHMARKS.md gets the
tables, the targets met or missed, and bench/NOTES.md (where the time goes, what to change).
Everything is built in temporary folders and removed; nothing else of the kit is touched.
"""

from __future__ import annotations

import argparse
import datetime
import json
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench.timing import KIT, Sample, load, machine, seconds

SECTIONS = ("learner", "floor", "class", "copier")
NOTES = Path(__file__).resolve().parent / "NOTES.md"

# issue 14's targets (the first five rows of the table), then earlier ones still held
TARGET_ONE = 1.0           # `nox -s check -- exNN`, each exercise, its solution
TARGET_ALL = 2.0           # all seven through nox, every exercise done
TARGET_SOLUTIONS = 4.0     # `nox -s solutions`: 7 exercises x 3 start methods
TARGET_CLASS_CPU = 2.5     # CPU-seconds per submission when grading a class
TARGET_COPY = 1.0          # the reference copier's time / `cp -r`'s, on copier.ISSUE_TREE
TARGET_STUB = 0.5
TARGET_FOUR = 2.0
TARGET_WATCH = 0.6


@dataclass
class Plan:
    warm_runs: int = 5
    per_exercise_runs: int = 3
    watch_runs: int = 5
    cold_runs: int = 1
    bare_runs: int = 10
    instrumented_runs: int = 5
    check_runs: int = 3
    # (jobs, submissions): the target's --jobs 2, the default (twice the cores), and --jobs 1 on the
    # first 20 of the same class (every kind of submission once): 100 at --jobs 1 would take long
    classes: tuple = ((2, 100), (4, 100), (1, 20))
    class_runs: int = 1
    copy_runs: int = 3
    tree_runs: int = 3
    quick: bool = False
    trees: str = ""        # "issue": only copier.ISSUE_TREE


QUICK = Plan(warm_runs=2, per_exercise_runs=1, watch_runs=2, cold_runs=0, bare_runs=5, instrumented_runs=2, check_runs=1,
             classes=((2, 20),), copy_runs=1, tree_runs=1, quick=True)
# issue 14's rows with a spread (3 runs each), in about 8 minutes: a class of 20 at the default
# --jobs, and of the copier trees only the issue's (ISSUE_TREE)
TARGETS = Plan(warm_runs=3, per_exercise_runs=3, watch_runs=3, cold_runs=0, bare_runs=5, instrumented_runs=3,
               check_runs=1, classes=((4, 20),), copy_runs=3, tree_runs=3, quick=True, trees="issue")


# --- markdown --------------------------------------------------------------------------------------

def table(headers: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def cpu(sample: Sample) -> str:
    return seconds(sample.cpu_median) if sample.cpu else "-"


def load_of(sample: Sample) -> str:
    return "%.1f" % sample.load if sample.loads else "-"


def sample_rows(samples: list[Sample]) -> list[list[str]]:
    return [[s.name, "**%s**" % seconds(s.median), s.spread(), cpu(s), load_of(s)] for s in samples]


SAMPLE_HEADERS = ["what", "median", "spread (min-max, n)", "CPU (median, whole tree)", "load (1 min)"]


def median(values) -> float:
    return statistics.median(values) if values else float("nan")


def find(samples: list[Sample], start: str) -> Sample | None:
    return next((s for s in samples if s.name.startswith(start)), None)


# --- the sections --------------------------------------------------------------------------------

def run_learner(plan: Plan, out: dict) -> None:
    from bench import learner
    from bench.watch import save_to_verdict
    out["warm"] = learner.warm(plan.warm_runs)
    out["per_exercise"] = learner.per_exercise(plan.per_exercise_runs)
    out["per_exercise_kit"] = learner.per_exercise(plan.per_exercise_runs, learner.kit_command())
    out["cold"] = learner.cold(plan.cold_runs) if plan.cold_runs else []
    out["watch"] = save_to_verdict(plan.watch_runs, str(learner.CHECK_PYTHON))


def run_floor(plan: Plan, out: dict) -> None:
    from bench import floor, learner
    ids = learner.exercise_ids()
    out["bare"] = floor.bare(plan.bare_runs)
    out["processes"] = floor.processes(plan.bare_runs)
    out["instrumented"] = floor.instrumented(ids, plan.instrumented_runs)
    extra = floor.extra_runs("ex07", max(1, plan.check_runs))
    out["extra_runs"] = [extra] if extra else []
    out["grader_check"] = floor.grader_check(ids, plan.check_runs)


def run_class(plan: Plan, out: dict) -> None:
    from bench import throughput
    out["class"] = throughput.grade_class(list(plan.classes), plan.class_runs)


def run_copier(plan: Plan, out: dict, candidates: bool) -> None:
    from bench import copier
    free = shutil.disk_usage(tempfile.gettempdir()).free
    trees = (copier.ISSUE_TREE,) if plan.trees == "issue" else copier.QUICK_TREES if plan.quick else copier.TREES
    need = 3 * 2**30 if not plan.quick else 2**30
    if free < need:
        out["copier_skipped"] = "only %.1f GiB free in %s: the trees need %.0f GiB" % (
            free / 2**30, tempfile.gettempdir(), need / 2**30)
        out["copier"] = []
    else:
        out["copier"] = copier.compare(trees, plan.copy_runs, with_candidates=candidates)
    out["grader_tree"] = copier.grader_tree(copier.learner_programs(), plan.tree_runs)


# --- the report ------------------------------------------------------------------------------------

def targets(out: dict) -> str:
    rows = []

    def row(what: str, goal: str, sample: Sample | None, value: float | None, shown: str, limit: float) -> None:
        if sample is None or value is None:
            return
        met = "met" if value <= limit else "**missed**"
        if sample.n > 1 and shown == seconds(value):
            shown += " (%s)" % sample.spread()
        rows.append([what, goal, shown, "%.1f" % sample.load if sample.loads else "-", met])

    warm = out.get("warm", [])
    for s in out.get("per_exercise", []):
        row("`nox -s check -- %s`, its solution" % s.name, "≤ %g s" % TARGET_ONE, s, s.median,
            seconds(s.median), TARGET_ONE)
    for s in out.get("per_exercise_kit", []):
        row("`python3 kit.py -s check -- %s` (the README's command), its solution" % s.name, "≤ %g s" % TARGET_ONE,
            s, s.median, seconds(s.median), TARGET_ONE)
    s = find(warm, "nox -s check  (all 7 done")
    row("all seven exercises checked, warm (`nox -s check`, every exercise done)", "≤ %g s" % TARGET_ALL, s,
        s and s.median, s and seconds(s.median), TARGET_ALL)
    s = find(warm, "nox -s solutions")
    row("`nox -s solutions`: 7 exercises under fork, spawn and forkserver", "≤ %g s" % TARGET_SOLUTIONS, s,
        s and s.median, s and seconds(s.median), TARGET_SOLUTIONS)
    for s in out.get("class", []):
        if s.cpu:
            per = s.cpu_median / s.extra["size"]
            row("a class: CPU per submission (%d submissions, `--jobs %d`)" % (s.extra["size"], s.extra["jobs"]),
                "≤ %g CPU-s" % TARGET_CLASS_CPU, s, per, "%.2f CPU-s" % per, TARGET_CLASS_CPU)
    for s in out.get("copier", []):
        if s.name.startswith("issue14: reference"):
            row("reference copier, time ÷ `cp -r`'s, on the 290 MiB tree (400 small files, 3 × 96 MiB)",
                "≤ %g ×" % TARGET_COPY, s, s.extra["ratio"], "%.2f × (pairs %s)" % (
                    s.extra["ratio"], " ".join("%.2f" % r for r in s.extra["ratios"])), TARGET_COPY)
    s = find(warm, "nox -s check  (7 pristine")
    row("all seven exercises checked, warm (`nox -s check`, a fresh clone's stubs)", "≤ %g s" % TARGET_ALL, s,
        s and s.median, s and seconds(s.median), TARGET_ALL)
    s = find(warm, "nox -s check -- ex02  (1 pristine")
    row("one pristine stub, warm (`nox -s check -- ex02`)", "≤ %g s" % TARGET_STUB, s, s and s.median,
        s and seconds(s.median), TARGET_STUB)
    s = find(warm, "nox -s check -- ex01 ex02 ex03 ex04")
    row("the first four exercises, done (`nox -s check -- ex01 ex02 ex03 ex04`)", "≤ %g s" % TARGET_FOUR, s,
        s and s.median, s and seconds(s.median), TARGET_FOUR)
    if not rows:
        return ""
    return table(["target", "goal", "measured (median)", "load", ""], rows)


def meta_of(started: float, loads: tuple[float, float], argv: list[str], kept: list[str]) -> dict:
    return {"written": datetime.datetime.now().strftime("%Y-%m-%d %H:%M"), "seconds": round(time.time() - started),
            "loads": [round(x, 1) for x in loads], "argv": argv, "kept": kept}


def render(out: dict, meta: dict, info: dict) -> str:
    argv, kept, loads = meta["argv"], meta["kept"], meta["loads"]
    parts = ["# Benchmarks",
             "Written by `nox -s bench` (the code is in [bench/](bench/)) on %s in %d s%s. Do not edit by "
             "hand: run it again. The notes at the end are [bench/NOTES.md](bench/NOTES.md)."
             % (meta["written"], meta["seconds"], (" (`%s`)" % " ".join(argv) if argv else "") +
                ("; the %s section%s kept from an earlier run" % (", ".join(kept), "s are" if len(kept) > 1 else " is")
                 if kept else "")),
             "## The machine",
             table(list(info), [list(info.values())]),
             "Load average (1 minute) %.1f at the start, %.1f at the end, on %s cores. Every table gives the load "
             "its runs saw: with a load above the core count the machine is shared (other test runs), wall "
             "times stretch with it, and the CPU times (user + system of the whole process tree) are the "
             "steadier measure." % (loads[0], loads[1], info.get("cores", "?"))]
    goals = targets(out)
    if goals:
        parts += ["## Targets", goals]

    if "warm" in out:
        parts += ["## 1. How fast a learner gets an answer",
                  "Warm: the check environment exists. `--target solutions` stands for a learner who has done "
                  "the exercises (every program runs to its end and every check runs); the pristine stubs are "
                  "what a fresh clone reports. `python -m grader check` is the same without nox (the check "
                  "environment's interpreter): the difference is nox's own start.",
                  table(SAMPLE_HEADERS, sample_rows(out["warm"] + out.get("cold", [])))]
        layers = []
        by_id = {s.name.split(":")[0]: s for s in out.get("instrumented", [])}
        checks = {s.name.split(":")[0]: s for s in out.get("grader_check", [])}
        through_kit = {s.name: s for s in out.get("per_exercise_kit", [])}
        for s in out.get("per_exercise", []):
            inst, check, kit = by_id.get(s.name), checks.get(s.name), through_kit.get(s.name)
            program = inst.extra.get("program") if inst else None
            layers.append([s.name, "**%s** (%s)" % (seconds(s.median), s.spread()),
                           "%s (%s)" % (seconds(kit.median), kit.spread()) if kit else "-",
                           seconds(check.median) if check else "-",
                           seconds(inst.median) if inst else "-",
                           seconds(median(program)),
                           load_of(s)])
        if layers:
            parts += ["### Each exercise alone, done, and the layers under it",
                      "From the outside in: nox (kit.py, the README's command, starts no nox once the "
                      "learner's environment is made); the grader (pytest, the checks, the report; ex07 makes 7 runs); "
                      "one instrumented run of the program (supervisor, instrumentation, set-up, snapshots, "
                      "trace); the program's own lifetime inside that run, which the suite's time warp sets.",
                      table(["exercise", "`nox -s check -- exNN`", "`python3 kit.py -s check -- exNN`",
                             "`python -m grader check exNN`",
                             "one instrumented run", "the program's lifetime in it", "load"], layers)]

    if out.get("watch"):
        parts += ["### Watch mode: save -> verdict",
                  "`nox -s watch` on a fresh copy of the stubs; each exercise's reference solution saved in turn, "
                  "timed from the save to the line the watch prints after the verdict (one long-lived grader: "
                  "no Python, nox or pytest start per save). Target: %s median for ex01-ex05." % seconds(TARGET_WATCH),
                  table(SAMPLE_HEADERS, sample_rows(out["watch"]))]

    if "bare" in out:
        parts += ["## 2. The floor",
                  "What the interpreter and the OS cost before the grader adds anything.",
                  table(SAMPLE_HEADERS, sample_rows(out["bare"] + out["processes"]))]
        rows = []
        for s in out.get("instrumented", []):
            rows.append([s.name, "**%s**" % seconds(s.median), s.spread(), seconds(median(s.extra.get("program"))),
                         seconds(median(s.extra.get("around"))), cpu(s), load_of(s)])
        for s in out.get("extra_runs", []):
            rows.append([s.name, "**%s**" % seconds(s.median), s.spread(), "-", "-", cpu(s), load_of(s)])
        parts += ["### One instrumented run of each exercise (its solution, spawn)",
                  "`grader.runner.run_program` with the suite's own RunSpec. The program's lifetime is main's, "
                  "as the supervisor saw it; the rest is the grader's cost around it.",
                  table(["run", "median", "spread", "the program's lifetime", "the grader around it",
                         "CPU", "load"], rows)]

    if "class" in out:
        rows = []
        for s in out["class"]:
            rows.append([s.name, "**%s**" % seconds(s.median), s.spread(), "%.0f" % s.extra["per_minute"],
                         cpu(s), "%d MB" % s.extra["peak_tree_mb"], "%d MB" % s.extra["peak_used_mb"],
                         str(s.extra["wrong"]), load_of(s)])
        parts += ["## 3. Grading a class",
                  "`nox -s grade -- CLASS --out OUT --jobs N` on a class made by bench/make_class.py, run by "
                  "bench/grade_class.py (solutions, "
                  "known-wrong and known-right programs, stubs, missing exercises, a hang, a crash, a tamperer, "
                  "decoys; folders and zips). Peak memory: the sum of the resident memory of every process of "
                  "the run, sampled every 50 ms, and the growth of the machine's used memory. Wrong grades: "
                  "grades that disagree with the class's answer key.",
                  table(["class", "wall", "spread", "submissions / minute", "CPU", "peak memory (tree)",
                         "peak memory (machine)", "wrong grades", "load"], rows)]
        for s in out["class"]:
            for problem in s.extra.get("problems", []):
                parts.append("- --jobs %d: %s" % (s.extra["jobs"], problem))

    if "copier" in out or "grader_tree" in out:
        parts += ["## 4. The copier"]
        if out.get("copier_skipped"):
            parts.append("Skipped: %s." % out["copier_skipped"])
        if out.get("copier"):
            rows = []
            for s in out["copier"]:
                tree, tool = s.name.split(": ", 1)
                rows.append([s.extra["tree"] if tool == "cp -r" else "", tool, "**%s**" % seconds(s.median),
                             s.spread(), "%.0f" % s.extra["mb_s"], "**%.2f ×**" % s.extra["ratio"],
                             " ".join("%.2f" % r for r in s.extra["ratios"]), cpu(s),
                             "%.2f ×" % s.extra["cpu_ratio"], load_of(s), s.note])
            parts += ["Each copy into a new destination (the previous copy deleted and `sync`ed before the "
                      "clock starts; one untimed copy first); the source in the page cache. Tools take turns "
                      "in each repetition, in an order that rotates; the ratio to `cp -r` is taken pair by pair "
                      "(this tool's time ÷ `cp -r`'s in the same repetition), its median shown, then each "
                      "pair's. File creation on this machine's disk varies a lot from one moment to the next "
                      "(the same `cp -r` of 5,000 files took 0.2 to 3.5 s of system time): read the medians.",
                      table(["tree", "tool", "median", "spread", "MB/s", "÷ cp -r", "pairs", "CPU",
                             "CPU ÷ cp -r", "load", ""], rows)]
        if out.get("grader_tree"):
            rows = []
            for s in out["grader_tree"]:
                rows.append([s.name, seconds(s.median), "%.0f" % s.extra["mb_s"],
                             seconds(median(s.extra.get("copying"))),
                             "%.0f" % s.extra["copy_mb_s"] if "copy_mb_s" in s.extra else "-",
                             ", ".join(sorted(set(s.extra["states"]))), load_of(s)])
            size = out["grader_tree"][0].extra["bytes"]
            parts += ["### Copiers on the grader's ex07 tree",
                      "What a learner could be told beside their grade: each copier run as the ex07 suite runs "
                      "it (instrumented, spawn) on the suite's tree (%.0f MiB: 200+ small files and one of "
                      "64 MiB). Lifetime: main's; copying: from the first pool worker's start to the last "
                      "progress line." % (size / 2**20),
                      table(["copier", "lifetime", "MB/s (lifetime)", "copying", "MB/s (copying)", "ended",
                             "load"], rows)]
    if NOTES.is_file():
        parts.append(NOTES.read_text(encoding="utf-8").strip())
    return "\n\n".join(parts) + "\n"


SECTION_OF = {"warm": "learner", "per_exercise": "learner", "per_exercise_kit": "learner", "watch": "learner", "cold": "learner", "bare": "floor",
              "processes": "floor", "instrumented": "floor", "extra_runs": "floor", "grader_check": "floor",
              "class": "class", "copier": "copier", "grader_tree": "copier"}


def load_results(path: Path) -> dict:
    """The samples of an earlier --json file, as Samples again."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    out: dict = {}
    for key, value in raw.items():
        if key in ("machine", "meta"):
            continue
        if isinstance(value, list) and value and isinstance(value[0], dict) and "wall" in value[0]:
            samples = []
            for d in value:
                extra = {k: v for k, v in d.items()
                         if k not in ("name", "wall", "cpu", "loads", "note", "median", "cpu_median")}
                samples.append(Sample(d["name"], d["wall"], d["cpu"], d["loads"], d.get("note", ""), extra))
            out[key] = samples
        else:
            out[key] = value
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs, smaller trees and class")
    parser.add_argument("--targets", action="store_true",
                        help="issue 14's targets with a spread, in about 8 minutes (3 runs each, a class of 20, "
                             "the copier on the issue's tree only)")
    parser.add_argument("--only", nargs="*", choices=SECTIONS, default=list(SECTIONS),
                        help="sections to measure (none, with --merge: write BENCHMARKS.md again from the JSON)")
    parser.add_argument("--candidates", action="store_true",
                        help="also measure patched copies of the reference copier (bench/copier.py CANDIDATES)")
    parser.add_argument("--out", default=str(KIT / "BENCHMARKS.md"), help="default: %(default)s")
    parser.add_argument("--json", default="", help="also write every number as JSON to this file")
    parser.add_argument("--merge", default="",
                        help="a --json file of an earlier run: its sections that this run does not measure "
                             "are kept (to measure one section again and still write every table)")
    args = parser.parse_args(argv)
    plan = TARGETS if args.targets else QUICK if args.quick else Plan()
    started, first_load = time.time(), load()
    previous = json.loads(Path(args.merge).read_text(encoding="utf-8")) if args.merge else {}
    out: dict = load_results(Path(args.merge)) if args.merge else {}
    kept = sorted({SECTION_OF[k] for k in out if k in SECTION_OF} - set(args.only))
    info = previous["machine"] if previous.get("machine") and not args.only else machine()
    steps = {"learner": lambda: run_learner(plan, out), "floor": lambda: run_floor(plan, out),
             "class": lambda: run_class(plan, out), "copier": lambda: run_copier(plan, out, args.candidates)}
    shown_argv, skip = [], False
    for arg in (argv if argv is not None else sys.argv[1:]):   # not the paths of --json and --merge
        if skip:
            skip = False
        elif arg in ("--json", "--merge"):
            skip = True
        else:
            shown_argv.append(arg)

    def write() -> None:   # after every section: a long run that is stopped keeps what it measured
        meta = meta_of(started, (first_load, load()), shown_argv, kept)
        if not args.only and previous.get("meta"):   # nothing measured: the earlier run, written again
            meta = previous["meta"]
        Path(args.out).write_text(render(out, meta, info), encoding="utf-8")
        if args.json:
            raw = {k: [s.to_dict() if isinstance(s, Sample) else s for s in v] if isinstance(v, list) else v
                   for k, v in out.items()}
            Path(args.json).write_text(json.dumps({"machine": info, "meta": meta, **raw}, indent=1,
                                                  ensure_ascii=False), encoding="utf-8")

    for name in SECTIONS:
        if name in args.only:
            t = time.time()
            print("bench: %s ..." % name, file=sys.stderr, flush=True)
            steps[name]()
            print("bench: %s done in %.0f s" % (name, time.time() - t), file=sys.stderr, flush=True)
            write()
    if not args.only:
        write()
    print("wrote %s" % args.out, file=sys.stderr)
    print(targets(out))
    return 0

if __name__ == "__main__":
    sys.exit(main())
