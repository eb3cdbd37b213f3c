"""Exercise 7: a folder copier; a Pool copies the files, a Manager().Queue() brings the progress.

The main run asks for the folder's name on stdin (no argument, like the tutorial's input()) and
copies a flat folder of 200+ files: every byte value, Windows line endings, an empty file,
non-ASCII and hidden names, and a 64 MiB file. Its checks look at the files (byte for byte, in
the one new folder that appeared next to the source), at the progress values printed (numbers
followed by `%`), at who opened each copy for writing, and at the peak memory of the worker that
copied the big file.

Each extra run shows one behaviour the main run cannot: files in sub-folders (the tutorial's
copier hangs on them), a broken link, an empty folder, a missing folder, `data/` with a trailing
slash, and a second run into the copy the main run made. They name the folder both as an
argument and on stdin, so a program that reads either works. Files are told apart by path, never
by what the program prints about them.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import time
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Optional

from grader import common_checks, source_trees
from grader.checks import check, fail, quote
from grader.i18n import N_, _, ngettext
from grader.runner import FileFact, Run, RunSpec
from grader.source_trees import BIG_FILE, BIG_SIZE, BROKEN_LINK, MISSING, SOURCE
from grader.trace import POOL_WORKER, Line, Trace

TITLE = N_("folder copier")
WARP = 1e-6             # no check times anything; the tutorial's sleep(random()) per KiB vanishes
MAIN_BUDGET = 10.0      # seconds: 200 files and 64 MiB take 0.5-1 s, 2-3 s on a busy machine
SMALL_BUDGET = 4.0      # seconds, for each run on a few files (0.1-0.5 s, under 1.5 when busy)
MEMORY_LIMIT_KB = 48 * 1024     # the 64 MiB file's worker: about 20 MiB in chunks, 85+ read whole
IDLE_POLLS_LIMIT = 100  # empty-handed queue calls in a row: 0-1 when get() waits, thousands spinning
PROGRESS = re.compile(r"(\d+(?:\.\d+)?)\s*%")
SHOWN = 4               # names shown in a message, at most


# --- the runs ---------------------------------------------------------------------------------

def run_spec(program: Path, start_method: str) -> RunSpec:
    return RunSpec(program, stdin=SOURCE + "\n", start_method=start_method, warp=WARP,
                   budget=MAIN_BUDGET, setup=source_trees.build_main, inspect=first_differences,
                   sync_start=False)


def _small_run(program: Path, start_method: str, setup, folder: str = SOURCE,
               copy: Optional[str] = None) -> RunSpec:
    return RunSpec(program, argv=(folder,), stdin=folder + "\n", start_method=start_method,
                   warp=WARP, budget=SMALL_BUDGET, setup=setup, sync_start=False,
                   inspect=functools.partial(first_differences, copy=copy))


# the extra runs below, as the report names them when they count for several start methods
EXTRA_RUNS_TOLD = N_("sub-folders, a broken link, an empty folder, a missing folder, a trailing slash, a second "
                     "run into the copy")


def extra_runs(program: Path, start_method: str) -> dict:
    def second_run(main: Run) -> Optional[RunSpec]:
        copy = the_copy(main)
        if copy is None:
            return None
        return _small_run(program, start_method, source_trees.copy_as_second_run(copy), copy=copy)

    return {
        "sub_folders": _small_run(program, start_method, source_trees.build_nested),
        "broken_link": _small_run(program, start_method, source_trees.build_with_broken_link),
        "empty": _small_run(program, start_method, source_trees.build_empty),
        "missing": _small_run(program, start_method, source_trees.build_nothing, MISSING),
        "trailing_slash": _small_run(program, start_method, source_trees.build_small, SOURCE + "/"),
        "second_run": second_run,
    }


# --- the learner's note: how fast the copier is (information, never a verdict) ---------------

# The reference solution's speed on the main tree, as a multiple of the yardstick's, measured the
# same way (its note over 9 checks on the kit's 2-core machine, 6 under fork and 3 under spawn,
# with os.sendfile: 0.5 in 4, 0.6 in 3, 0.7 and 0.8 once each; its pool and Manager start-up
# weigh more than its copying on 65 MiB); a ratio of two speeds timed on one machine carries over
# to others far better than MB/s.
REFERENCE_VS_YARDSTICK = 0.6
YARDSTICK = ".procgrade-yardstick"


def measure(work: Path, before: tuple[FileFact, ...], after: tuple[FileFact, ...]) -> Optional[float]:
    """RunSpec.measure of the main run: seconds that shutil.copytree, in one process, takes to
    copy the same folder on this machine just after the program's run, or None when the program
    made no copy or changed its source (then it is not the grader's tree any more)."""
    if len(new_folders_beside(before, after)) != 1 or entries_under(before, SOURCE) != entries_under(after, SOURCE):
        return None
    started = time.perf_counter()
    try:
        shutil.copytree(work / SOURCE, work / YARDSTICK, symlinks=True)
        return time.perf_counter() - started
    except OSError:
        return None
    finally:
        shutil.rmtree(work / YARDSTICK, ignore_errors=True)


def copying_seconds(trace: Trace, copy: str) -> Optional[float]:
    """From the first pool worker's start (the program's, when no pool worker wrote a copy) to
    the last progress line (main's end if it printed none)."""
    writers = {pid for pid, path in trace.opened_for_writing if copied_file(path, copy)}
    pool = [p for p in trace.procs_of_kind(POOL_WORKER) if p.started is not None]
    start = min(p.started for p in pool) if any(p.pid in writers for p in pool) else 0.0
    shown = [step.line.t for step in progress(trace)]
    end = shown[-1] if shown else trace.main.ended
    if end is None or end <= start:
        return None
    return end - start


def notes(run: Run) -> list[str]:
    """One line on the copier's speed, when it copied the whole folder right."""
    copy, yardstick = the_copy(run), run.measured
    took = copying_seconds(run.trace, copy) if copy is not None else None
    if copy is None or not named_after_source(copy) or not yardstick or not took:
        return []
    result = compare(run, copy)
    if result.missing or result.differing:
        return []
    files = [f for f in entries_under(run.files_before, SOURCE).values() if f.kind == "file"]
    mib = sum(f.size for f in files) / 2**20
    return [_("your copier: {speed} MB/s ({size} MiB in {files} files in {seconds} s), {ratio} times the speed of "
              "shutil.copytree in one process, timed here just after it; the reference copier: about {reference} "
              "times").format(speed="%.0f" % (mib / took), size="%.0f" % mib, files=len(files), seconds="%.2f" % took,
                              ratio="%.1f" % (yardstick / took), reference="%.1f" % REFERENCE_VS_YARDSTICK)]


STDOUT_NOTE = N_("your copier reported {what} on stdout: {message}. It counts, but error messages belong on "
                 "stderr (print(..., file=sys.stderr)), where they still show when the output is "
                 "redirected or read by another program")


def extra_notes(runs: dict[str, Optional[Run]]) -> list[str]:
    """A failure the copier reported on stdout rather than stderr: told, never a lost point."""
    found = []
    for name, what, any_on_stderr in (("missing", MISSING, True), ("broken_link", BROKEN_LINK, False)):
        run = runs.get(name)
        message = failure_message(run, what, any_on_stderr) if run is not None else None
        if message is not None and message.stream == "stdout" and run.trace.outcome.returncode not in (0, None):
            found.append(_(STDOUT_NOTE).format(what=quote(what), message=quote(message.text, 100)))
    return found


# --- the files --------------------------------------------------------------------------------

def entries_under(facts: tuple[FileFact, ...], folder: str) -> dict[str, FileFact]:
    """The entries below `folder`, by their path relative to it."""
    prefix = folder + "/"
    return {f.path[len(prefix):]: f for f in facts if f.path.startswith(prefix)}


def new_folders_beside(before: tuple[FileFact, ...], after: tuple[FileFact, ...]) -> list[str]:
    """Folders that appeared at the top of the working folder, next to the source."""
    known = {f.path for f in before}
    return [f.path for f in after if "/" not in f.path and f.kind == "dir" and f.path not in known]


def named_after_source(copy: str) -> bool:
    """The copy's name holds the source's (`data[复件]`, `new_data`, `data-副本`): positive
    evidence that it was made from the name the program read, not fixed in its code."""
    return SOURCE.casefold() in copy.casefold()


def the_copy(run: Run) -> Optional[str]:
    """The one new folder next to the source (`data[复件]`, `data[副本]`, `new_data`...)."""
    found = new_folders_beside(run.files_before, run.files_after)
    return found[0] if len(found) == 1 else None


@dataclass(frozen=True)
class Difference:
    """Where a copied file first differs from its original."""

    path: str
    source_size: int
    copy_size: int
    offset: int
    source_bytes: bytes   # a few bytes from `offset` on
    copy_bytes: bytes

    @property
    def appended(self) -> bool:
        """The copy is the whole original with more after it: written onto an old copy with "ab"."""
        return self.offset == self.source_size and self.copy_size > self.source_size

    def describe(self) -> str:
        values = dict(path=quote(self.path), size=self.source_size, copy_size=self.copy_size, offset=self.offset,
                      source=repr(self.source_bytes), copy=repr(self.copy_bytes))
        if self.source_size == self.copy_size:
            return _("{path} ({size} bytes in both; from byte {offset} the source has {source}, the copy "
                     "{copy})").format(**values)
        return _("{path} ({size} bytes in the source, {copy_size} in the copy; from byte {offset} the source "
                 "has {source}, the copy {copy})").format(**values)


def first_differences(work: Path, before: tuple[FileFact, ...], after: tuple[FileFact, ...],
                      copy: Optional[str] = None, at_most: int = SHOWN) -> dict[str, Difference]:
    """RunSpec.inspect: for copied files whose bytes differ, the first differing byte (the
    working folder is gone once the run is over)."""
    if copy is None:
        beside = new_folders_beside(before, after)
        copy = beside[0] if len(beside) == 1 else None
    if copy is None:
        return {}
    # The source as it is now, only where it is still as it was: its bytes are the original's.
    source = {rel: f for rel, f in entries_under(after, SOURCE).items()
              if f.kind == "file" and f in entries_under(before, SOURCE).values()}
    copied = entries_under(after, copy)
    found: dict[str, Difference] = {}
    for rel, original in sorted(source.items()):
        twin = copied.get(rel)
        if twin is None or twin.kind != "file" or twin.sha256 == original.sha256:
            continue
        try:
            found[rel] = _first_difference(rel, work / SOURCE / rel, work / copy / rel)
        except OSError:
            continue  # evidence only: the verdict comes from the snapshots
        if len(found) >= at_most:
            break
    return found


def _first_difference(rel: str, source: Path, copy: Path, block: int = 1 << 16) -> Difference:
    with open(source, "rb") as a, open(copy, "rb") as b:
        offset = 0
        while True:
            x, y = a.read(block), b.read(block)
            if x != y or not x:
                break
            offset += len(x)
        i = next((k for k in range(min(len(x), len(y))) if x[k] != y[k]), min(len(x), len(y)))
        return Difference(rel, os.fstat(a.fileno()).st_size, os.fstat(b.fileno()).st_size, offset + i,
                          x[i:i + 8], y[i:i + 8])


def copied_file(path: str, copy: str, flavour: type = PurePath) -> Optional[str]:
    """The path relative to the copy of a file opened at `path` (relative or absolute, in the
    platform's own form: `\\` on Windows), if it is inside the copy; "/"-joined, as FileFact paths."""
    parts = flavour(os.path.normpath(path)).parts
    if copy not in parts:
        return None
    at = len(parts) - 1 - parts[::-1].index(copy)
    return "/".join(parts[at + 1:]) or None


@dataclass(frozen=True)
class Comparison:
    missing: list[str]          # source files (or folders) with no copy
    differing: list[str]        # copied files whose bytes differ
    matching: int               # files copied byte for byte


def compare(run: Run, copy: str, folders_too: bool = False) -> Comparison:
    source = entries_under(run.files_before, SOURCE)
    copied = entries_under(run.files_after, copy)
    missing, differing, matching = [], [], 0
    for rel, original in sorted(source.items()):
        twin = copied.get(rel)
        if original.kind == "dir":
            if folders_too and (twin is None or twin.kind != "dir"):
                missing.append(rel + "/")
        elif original.kind != "file":
            continue  # the broken link: it has nothing to copy
        elif twin is None or twin.kind != "file":
            missing.append(rel)
        elif (twin.size, twin.sha256) != (original.size, original.sha256):
            differing.append(rel)
        else:
            matching += 1
    return Comparison(missing, differing, matching)


def found_elsewhere(run: Run, copy: str, missing: list[str]) -> list[tuple[str, str]]:
    """Of the files missing from the copy, those that are in it under another folder, with the
    same name and bytes: (where the source has it, where the copy has it) - a copier that
    flattens the tree. (The name too: two empty files of a tree are not one file moved.)"""
    source = entries_under(run.files_before, SOURCE)
    by_content: dict[tuple, str] = {}
    for rel, entry in sorted(entries_under(run.files_after, copy).items()):
        if entry.kind == "file":
            by_content.setdefault((rel.rsplit("/", 1)[-1], entry.size, entry.sha256), rel)
    moved = []
    for rel in missing:
        original = source.get(rel)
        if original is None or original.kind != "file":
            continue
        there = by_content.get((rel.rsplit("/", 1)[-1], original.size, original.sha256))
        if there is not None:
            moved.append((rel, there))
    return moved


def names(paths: list[str]) -> str:
    return at_most_shown([quote(p, 60) for p in paths])


def at_most_shown(items: list[str]) -> str:
    """The first SHOWN items of some evidence, and how many more there are."""
    shown = common_checks.listed(items[:SHOWN])
    if len(items) <= SHOWN:
        return shown
    return _("{names} and {count} more").format(names=shown, count=len(items) - SHOWN)


def differences_evidence(run: Run, differing: list[str]) -> str:
    known = run.inspection or {}
    told = [known[p].describe() for p in differing if p in known]
    return common_checks.clauses(told) if told else names(differing)


APPEARED, DISAPPEARED, CHANGED = "appeared", "disappeared", "changed"


def source_changes(run: Run) -> list[str]:
    """What changed inside the source, in words."""
    return [text for _kind, text in changes_in_source(run)]


def changes_in_source(run: Run) -> list[tuple[str, str]]:
    """(APPEARED, DISAPPEARED or CHANGED, in words) for what changed inside the source; a new
    folder is named once, with how much it holds."""
    before = {f.path: f for f in run.files_before if f.path == SOURCE or f.path.startswith(SOURCE + "/")}
    after = {f.path: f for f in run.files_after if f.path == SOURCE or f.path.startswith(SOURCE + "/")}
    appeared = sorted(set(after) - set(before))
    new_folders = [p for p in appeared if after[p].kind == "dir"]
    changes = []
    for path in appeared:
        if any(path.startswith(folder + "/") for folder in new_folders):
            continue
        inside = sum(p.startswith(path + "/") for p in appeared)
        changes.append((APPEARED, ngettext("{path} appeared (holding {count} entry)", "{path} appeared (holding {count} entries)",
                                           inside).format(path=quote(path), count=inside)
                        if after[path].kind == "dir" else _("{path} appeared").format(path=quote(path))))
    changes += [(DISAPPEARED, _("{path} disappeared").format(path=quote(p))) for p in sorted(set(before) - set(after))]
    changes += [(CHANGED, _("{path} changed").format(path=quote(p)))
                for p in sorted(set(before) & set(after)) if before[p] != after[p]]
    return changes


# --- the progress -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Step:
    """One progress value the program printed."""

    value: float
    text: str         # the number as printed: "37.50"
    line: Line

    @property
    def decimals(self) -> int:
        return len(self.text.partition(".")[2])


def progress(trace: Trace) -> list[Step]:
    """Every number followed by `%` the program printed, in order: main's, when main printed any
    (the tutorial's main shows the progress), else any process's."""
    found = [Step(float(m.group(1)), m.group(1), line) for line in trace.out()
             for m in PROGRESS.finditer(line.text)]
    mine = [step for step in found if step.line.pid == trace.main_pid]
    return mine or found


def values(found: list[Step], limit: int = 8) -> str:
    shown = [step.text for step in found]
    if len(shown) > limit:
        shown = shown[:3] + ["…"] + shown[-(limit - 4):]
    return ", ".join(shown)


def reaches_100(found: list[Step]) -> bool:
    return bool(found) and abs(found[-1].value - 100) < 0.01 and max(s.value for s in found) < 100.01


# --- how a run ended --------------------------------------------------------------------------

def must_have_ended(run: Run, expected: str, hang_hint: str = "") -> None:
    """Fail with a diagnosis when the run did not end by itself (the tutorial's copier waits
    forever in q.get() once a task has died without a report)."""
    outcome = run.trace.outcome
    if outcome.reason == "exited":
        return
    if outcome.hung:
        found = progress(run.trace)
        stopped = (_("{why} (the progress at {value} %)").format(why=outcome.why_stopped(), value=found[-1].text)
                   if found else outcome.why_stopped())
        try:
            source = run.spec.program.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            source = None
        fail(expected=expected,
             observed=stopped + common_checks.hang_diagnosis(run.trace, source),
             hint=hang_hint or (
                 _("a task that fails before its put() never reports, and main waits for that "
                   "report forever: catch the error inside the task and put a report in every case")
                 if run.trace.task_errors else
                 _("main waits in get() for a report that never comes: get exactly one report per "
                   "file handed to the pool (the total is len(file_names), the list)")))
    common_checks.ended_by_itself(run.trace, expected_code=None)


def copy_or_fail(run: Run, expected: str) -> str:
    copy = the_copy(run)
    if copy is not None:
        return copy
    must_have_ended(run, expected)
    found = new_folders_beside(run.files_before, run.files_after)
    inside = [text for kind, text in changes_in_source(run) if kind == APPEARED]
    if found:
        observed = ngettext("{count} new folder appeared next to {source}: {names}",
                            "{count} new folders appeared next to {source}: {names}", len(found)).format(
                                count=len(found), source=quote(SOURCE), names=names(found))
    elif inside:
        observed = _("no new folder appeared next to {source}, but inside it {changes}").format(
            source=quote(SOURCE), changes=common_checks.listed(inside[:SHOWN]))
    else:
        observed = _("no new folder appeared next to {source}").format(source=quote(SOURCE))
    fail(expected=expected, observed=observed,
         hint=_("create the copy next to the source: {code}, with os.makedirs(..., exist_ok=True)").format(
             code='`os.path.abspath(src) + "[复件]"`'))


@dataclass(frozen=True)
class Message:
    """A line the program printed about a failure: where it went and what it said."""

    stream: str      # "stderr" or "stdout"
    text: str

    def describe(self) -> str:
        return _("{text} on {stream}").format(text=quote(self.text, 100), stream=self.stream)


def failure_message(run: Run, name: str, any_on_stderr: bool = False) -> Optional[Message]:
    """The program's message about `name`, which it could not copy: a line naming it on stderr
    (with `any_on_stderr`, any line there), else a line naming it on stdout (the prompt and the
    progress are on stdout too: only the name makes a stdout line evidence of such a message)."""
    said = [text.strip() for text in stderr_of(run).splitlines() if text.strip()]
    naming = [text for text in said if name in text]
    if naming or (said and any_on_stderr):
        return Message("stderr", (naming or said)[0])
    on_stdout = [l.text.strip() for l in run.trace.out() if name in l.text]
    return Message("stdout", on_stdout[0]) if on_stdout else None


def stderr_of(run: Run) -> str:
    """Everything the program's processes wrote to stderr, as the stream itself received it (who
    wrote it does not matter to the checks that read this)."""
    return run.stderr


# --- the main run: a flat folder, its name read from stdin -------------------------------------

@check(N_("no process crashes"))
def test_no_process_crashed(trace):
    common_checks.no_crash(trace)


@check(N_("asked for a folder's name, it creates the copy next to that folder"))
def test_makes_the_copy(run, trace):
    common_checks.not_idle(trace)
    copy = the_copy(run)
    expected = _("one new folder next to {source} (like {example}), after reading {source} from stdin").format(
        source=quote(SOURCE), example="`%s[复件]`" % SOURCE)
    if copy is not None and named_after_source(copy):
        return
    if copy is not None:
        fail(expected=expected,
             observed=_("the one new folder, {copy}, does not carry the name the program was given, {source}").format(
                 copy=quote(copy), source=quote(SOURCE)),
             hint=_("build the copy's name from the name read: {code}; a fixed name copies every folder to the "
                    "same place").format(code='`os.path.abspath(src) + "[复件]"`'))
    crashes = trace.crashes()
    if crashes and crashes[0].pid == trace.main_pid and not new_folders_beside(run.files_before, run.files_after):
        hint = common_checks.crash_hint(crashes[0])
        if "IndexError" in crashes[0].exception or "EOFError" in crashes[0].exception:
            hint = _("with no argument, ask for the folder's name: {code} (sys.argv[1] exists only when a name is "
                     "given)").format(code='`src = input("请输入要copy的文件夹的名字：")`')
        fail(expected=expected, observed=_("main crashed with {exception}").format(exception=quote(crashes[0].exception, 160)),
             hint=hint)
    copy_or_fail(run, expected)


@check(N_("every file of the folder is in the copy"), needs=["makes_the_copy"])
def test_every_file_copied(run, trace):
    copy = the_copy(run)
    result = compare(run, copy)
    if not result.missing:
        return
    expected = _("all {count} files of {source} in {copy}").format(
        count=result.matching + len(result.differing) + len(result.missing), source=quote(SOURCE), copy=quote(copy))
    must_have_ended(run, expected)
    hint = _("main's loop must get one report per file before it ends: if main stops early, the pool's "
             "workers are stopped with it (check the total: len(file_names), the list)")
    if result.missing == [".hidden"]:
        hint = _("glob(\"*\") skips names that start with a dot: list the folder with os.listdir or os.walk")
    fail(expected=expected,
         observed=ngettext("{count} of them is missing from the copy: {names}",
                           "{count} of them are missing from the copy: {names}", len(result.missing)).format(
                               count=len(result.missing), names=names(result.missing)),
         hint=hint)


@check(N_("each copied file is byte-for-byte the same as its original"), needs=["makes_the_copy"])
def test_copies_are_identical(run, trace):
    copy = the_copy(run)
    result = compare(run, copy)
    if not result.differing and result.matching:
        return
    if not result.differing:
        fail(expected=_("the copied files in {copy} are the same as in {source}").format(copy=quote(copy), source=quote(SOURCE)),
             observed=_("no file of {source} was copied into {copy}").format(source=quote(SOURCE), copy=quote(copy)),
             hint=_("each task opens its source file \"rb\" and its copy \"wb\" and writes every chunk it reads"))
    fail(expected=_("each file in {copy} has exactly the bytes of its original in {source}").format(
             copy=quote(copy), source=quote(SOURCE)),
         observed=files_differ(run, result.differing),
         hint=_("open both files in binary mode, \"rb\" and \"wb\": text mode decodes and re-encodes, "
                "and rewrites line endings like \\r\\n"))


def files_differ(run: Run, differing: list[str]) -> str:
    return ngettext("{count} file differ: {evidence}", "{count} files differ: {evidence}", len(differing)).format(
        count=len(differing), evidence=differences_evidence(run, differing))


@check(N_("the progress goes up step by step and never goes down"))
def test_progress_never_goes_down(trace):
    common_checks.not_idle(trace)
    found = progress(trace)
    if len(found) < 2:
        fail(expected=_("a progress value (a number followed by %) after each file, like {example}").format(
                 example="`拷贝的进度为：37.50 %`"),
             observed=_("the program printed no number followed by %") if not found else
                      _("the program printed one progress value only, {line}").format(line=quote(found[0].line.text)),
             hint=_("after each report main gets from the queue: {code}").format(
                 code='`print("\\r拷贝的进度为：%.2f %%" % (done * 100 / total), end="", flush=True)`'))
    for before, step in zip(found, found[1:]):
        if step.value < before.value:
            fail(expected=_("each progress value at least the one before"),
                 observed=_("{value} came after {before} ({line}): {values}").format(
                     value=step.text, before=before.text, line=quote(step.line.text), values=values(found)),
                 hint=_("count the files done, not the files left: done * 100 / total"))


@check(N_("the progress ends at 100 %, and never goes past it"))
def test_progress_ends_at_100(run, trace):
    common_checks.not_idle(trace)
    common_checks.output_complete(trace, "the last progress value")
    found = progress(trace)
    if reaches_100(found):
        return
    expected = _("the last progress value is 100 (like {example}), none above").format(example="`拷贝的进度为：100.00 %`")
    if not found:
        fail(expected=expected, observed=_("the program printed no number followed by %"),
             hint=_("print the progress after each file, as a percentage"))
    must_have_ended(run, expected)
    top = max(found, key=lambda step: step.value)
    fail(expected=expected,
         observed=_("the progress went to {value}: {values}").format(value=top.text, values=values(found))
         if top.value >= 100.01 else
         _("the last progress value was {value}: {values}").format(value=found[-1].text, values=values(found)),
         hint=_("the total is the number of files, len(file_names) (the list), and main gets exactly "
                "one report per file"))


@check(N_("the progress counts the files: each value is files done × 100 / all the files"),
       needs=["every_file_copied", "progress_never_goes_down"])
def test_progress_counts_files(run, trace):
    common_checks.not_idle(trace)
    total = sum(f.kind == "file" for f in entries_under(run.files_before, SOURCE).values())
    for step in progress(trace):
        # A value printed with d decimals is off by up to half a unit in its last place.
        slack = 0.5 * 10 ** -step.decimals * total / 100 + 1e-9
        files = step.value * total / 100
        if slack >= 0.5 or abs(files - round(files)) <= slack:
            continue  # printed too coarsely to tell, or a whole number of files
        first = next((s.value for s in progress(trace) if s.value > 0), 0)
        implied = 100 / first if first else 0
        said = dict(percent="%s %%" % step.text, files="%.2f" % files, total=total, values=values(progress(trace)),
                    implied=round(implied))
        fail(expected=_("progress values that are k × 100 / {total} for the {total} files of {source} (k files "
                        "done)").format(total=total, source=quote(SOURCE)),
             observed=(_("{percent} is {files} files out of {total}; the values went {values}, as if there were "
                         "{implied} files") if implied and abs(implied - round(implied)) < 0.05 else
                       _("{percent} is {files} files out of {total}; the values went {values}")).format(**said),
             hint=_("the total is the number of files, len(file_names) (the list), not len(file_name), "
                    "the length of one name"))


@check(N_("the files are copied by at least 2 pool workers, not by main"), needs=["makes_the_copy"])
def test_copied_by_pool_workers(run, trace):
    copy = the_copy(run)
    writers: dict[int, int] = {}
    for pid, path in trace.opened_for_writing:
        if copied_file(path, copy):
            writers[pid] = writers.get(pid, 0) + 1
    workers = [pid for pid in writers if (trace.proc(pid) and trace.proc(pid).kind) == POOL_WORKER]
    others = [pid for pid in writers if pid not in workers]
    if len(workers) >= 2 and not others:
        return
    # One worker may take every task when each is quick and the others are still starting: the
    # program shared the work out (a pool of 2+, the copy split into tasks), the scheduler did not.
    pool = trace.procs_of_kind(POOL_WORKER)
    if len(workers) == 1 and not others and len(pool) >= 2 and trace.tasks_done >= 2:
        return
    who = common_checks.listed(
        ngettext("{who}: {count} file", "{who}: {count} files", n).format(who=trace.describe(pid), count=n)
        for pid, n in sorted(writers.items(), key=lambda item: -item[1])[:SHOWN])
    expected = _("the files of {copy} opened for writing by 2 or more pool workers, none by main").format(copy=quote(copy))
    if not writers:
        fail(expected=expected, observed=_("no process opened a file in {copy} for writing").format(copy=quote(copy)),
             hint=_("each task opens its copy with open(path, \"wb\") (or shutil.copyfile)"))
    if others:
        in_main = trace.main_pid in others
        fail(expected=expected, observed=_("copies were written by {who}").format(who=who),
             hint=_("hand each file to the pool: pool.apply_async(copy_file, args=(...)); calling "
                    "copy_file(...) yourself runs it in main") if in_main else
                  _("copy in the tasks of a multiprocessing.Pool, not in processes of your own"))
    if len(pool) >= 2:
        fail(expected=expected,
             observed=ngettext("only one pool worker wrote copies ({who}), in {count} task of a pool of {size}",
                               "only one pool worker wrote copies ({who}), in {count} tasks of a pool of {size}",
                               trace.tasks_done).format(who=who, count=trace.tasks_done, size=len(pool)),
             hint=_("one task that copies the whole folder keeps the other workers idle: hand the "
                    "pool one task per file, pool.apply_async(copy_file, args=(...)) in a loop"))
    fail(expected=expected, observed=_("only one pool worker wrote copies: {who}").format(who=who),
         hint=_("give the pool at least 2 processes, multiprocessing.Pool(3), and hand it every file "
                "with apply_async so that they run at the same time"))


@check(N_("the source folder is left exactly as it was"))
def test_source_untouched(run, trace):
    common_checks.not_idle(trace)
    changes = source_changes(run)
    if not changes:
        return
    fail(expected=_("nothing inside {source} changes").format(source=quote(SOURCE)),
         observed=_("in {source}: {changes}").format(source=quote(SOURCE), changes=at_most_shown(changes)),
         hint=_("open the originals for reading only (\"rb\") and put the copy in a new folder next "
                "to the source, never inside it"))


@check(N_("a 64 MiB file is copied in chunks: the worker's memory stays far below its size"),
       needs=["makes_the_copy"])
def test_memory_stays_small(run, trace):
    copy = the_copy(run)
    writers = [pid for pid, path in trace.opened_for_writing if copied_file(path, copy) == BIG_FILE]
    if not writers:
        fail(expected=_("{file} copied").format(file=quote(BIG_FILE)),
             observed=_("no process opened {file} for writing").format(file=quote(copy + "/" + BIG_FILE)),
             hint=_("every file of the folder gets its own task"))
    peaks = [(pid, trace.proc(pid).max_rss_kb if trace.proc(pid) else 0) for pid in writers]
    pid, peak = max(peaks, key=lambda p: p[1])
    if peak < MEMORY_LIMIT_KB:
        return
    fail(expected=_("the process copying {file} ({size} MiB) peaks below {limit} MiB of memory").format(
             file=quote(BIG_FILE), size=BIG_SIZE >> 20, limit=MEMORY_LIMIT_KB >> 10),
         observed=_("{who} copied it and peaked at {peak} MiB").format(who=trace.describe(pid), peak=peak >> 10),
         hint=_("read and write a chunk at a time (for example 1 MiB: old.read(1024 * 1024) until it "
                "returns b\"\"), or shutil.copyfileobj(old, new, 1024 * 1024): read() with no size "
                "holds the whole file in memory"))


@check(N_("main waits for the reports in get(), it does not spin on empty()"), about_time=True)
def test_waits_without_spinning(trace):
    common_checks.not_idle(trace)
    worst = max(trace.learner_procs(), key=lambda proc: proc.asked_most("idle")[0])
    count = worst.asked_most("idle")[0]
    if count < IDLE_POLLS_LIMIT:
        return
    fail(expected=_("main waits in progress.get(), which sleeps until the next report comes"),
         observed=_("{who} asked the queue {count} times in a row whether a report was there (empty(), qsize() "
                    "or get_nowait()), found none each time, and never waited in between").format(
                        who=trace.describe(worst.pid), count=count),
         hint=_("drop the `while q.empty(): pass` loop and call q.get(): it waits by itself. A loop "
                "that keeps asking burns a CPU the workers need"))


@check(N_("the program ends by itself with exit code 0, leaving nothing running"), about_time=True)
def test_ends_cleanly(trace):
    common_checks.ended_by_itself(trace)

@check(N_("every process stays in the program's tree: none detached itself"))
def test_stays_in_tree(trace):
    common_checks.stays_in_tree(trace)


# --- the extra runs ---------------------------------------------------------------------------

@check(N_("files in sub-folders are copied too, and the sub-folders with them (empty ones included)"))
def test_copies_sub_folders(runs):
    run = runs["sub_folders"]
    expected = _("the whole tree of {source}, sub-folders included, copied next to it").format(source=quote(SOURCE))
    common_checks.not_idle(run.trace)
    must_have_ended(run, expected)
    copy = copy_or_fail(run, expected)
    result = compare(run, copy, folders_too=True)
    if not result.missing and not result.differing:
        return
    moved = found_elsewhere(run, copy, result.missing)
    if moved:
        fail(expected=expected,
             observed=_("missing from {copy}: {names}; their bytes are in the copy, but elsewhere: {moved}").format(
                 copy=quote(copy), names=names(result.missing),
                 moved=at_most_shown([_("{source} at {copy}").format(source=quote(rel, 60), copy=quote(there, 60))
                                      for rel, there in moved])),
             hint=_("each file keeps its place in the tree: its path in the copy is the copy's folder joined "
                    "with its path relative to the source (os.path.relpath(root, src) for the folder os.walk "
                    "is in), not with its name alone"))
    if result.missing and all(rel.endswith("/") for rel in result.missing):
        fail(expected=expected,
             observed=_("every file is in {copy}, but these folders are not: {names}").format(
                 copy=quote(copy), names=names(result.missing)),
             hint=_("a folder with no file in it gets no task: create in the copy every folder os.walk "
                    "lists (os.makedirs(..., exist_ok=True) for each root), not only those a file goes to"))
    if result.missing:
        errors = run.trace.task_errors
        said = dict(copy=quote(copy), names=names(result.missing),
                    exception=quote(errors[0].exception, 120) if errors else "")
        fail(expected=expected,
             observed=(_("missing from {copy}: {names}; a task failed with {exception}") if errors else
                       _("missing from {copy}: {names}")).format(**said),
             hint=_("os.listdir() lists only the top folder, and a sub-folder is not a file: walk the "
                    "tree with os.walk(src), create each folder in the copy (os.makedirs(..., "
                    "exist_ok=True)) and give the pool one task per file"))
    fail(expected=expected, observed=files_differ(run, result.differing),
         hint=_("copy each file in binary mode, \"rb\" and \"wb\""))


@check(N_("a broken link does not stop the copy: the program ends, the other files are copied, "
          "the progress reaches 100 %"), needs=["progress_ends_at_100"])
def test_broken_link_does_not_stop_the_copy(runs):
    run = runs["broken_link"]
    expected = _("the program ends by itself, with every other file copied and the progress at 100")
    common_checks.not_idle(run.trace)
    must_have_ended(run, expected)
    copy = copy_or_fail(run, expected)
    # whether the bytes are right is the main run's check: here, whether the other files were copied
    missing = compare(run, copy).missing
    if missing:
        fail(expected=expected,
             observed=_("with {link} in {source} (a link to nothing), these files were not copied: {names}").format(
                 link=quote(BROKEN_LINK), source=quote(SOURCE), names=names(missing)),
             hint=_("one file that cannot be read must not stop the others: catch the error inside "
                    "that file's task"))
    found = progress(run.trace)
    if not reaches_100(found):
        said = dict(link=quote(BROKEN_LINK), source=quote(SOURCE), value=found[-1].text if found else "",
                    values=values(found))
        fail(expected=expected,
             observed=(_("with {link} in {source}, the progress ended at {value}: {values}") if found else
                       _("with {link} in {source}, the progress ended at nothing")).format(**said),
             hint=_("count every task's report, the failed ones too: the progress counts the entries "
                    "handled, not only the ones copied"))


@check(N_("the entry that could not be copied is named in a message, and the exit code is not 0"),
       needs=["broken_link_does_not_stop_the_copy"])
def test_broken_link_reported(runs):
    run = runs["broken_link"]
    trace = run.trace
    expected = _("a message naming {link} (on stderr, or on stdout), and an exit code other than 0").format(
        link=quote(BROKEN_LINK))
    crashes = trace.crashes()
    if crashes:
        fail(expected=expected, observed=crashed(trace),
             hint=_("catch the error in the task, send it back with the report, and let main list the "
                    "failures on sys.stderr"))
    message = failure_message(run, BROKEN_LINK)
    code = trace.outcome.returncode
    if message is not None and code not in (0, None):
        return
    problems = []
    if message is None:
        problems.append(_("no line on stderr or stdout named it"))
    if code == 0:
        problems.append(_("the exit code was 0 after {message}").format(message=message.describe()) if message else
                        _("the exit code was 0"))
    fail(expected=expected, observed=common_checks.clauses(problems),
         hint=_("after the progress loop, print each failure with its name to sys.stderr "
                "(print(..., file=sys.stderr)) and end with sys.exit(1)") if message is None else
              _("end with sys.exit(1) when a file could not be copied: a script that runs the copier "
                "learns from the exit code that the copy is incomplete"))


def crashed(trace: Trace) -> str:
    """The first crash of a run, for a message."""
    first = trace.crashes()[0]
    return _("{who} crashed with {exception}").format(who=trace.describe(first.pid), exception=quote(first.exception, 160))


@check(N_("an empty folder gives an empty copy (no ZeroDivisionError, no wait)"))
def test_empty_folder_gives_empty_copy(runs):
    run = runs["empty"]
    trace = run.trace
    expected = _("an empty copy next to the empty {source}, and exit code 0").format(source=quote(SOURCE))
    must_have_ended(run, expected, hang_hint=_("with no file there is no report to wait for: when the "
                                               "total is 0, show 100.00 and do not enter the loop of get()"))
    crashes = trace.crashes()
    if crashes:
        hint = common_checks.crash_hint(crashes[0])
        if "ZeroDivisionError" in crashes[0].exception:
            hint = _("with no file, there is nothing to divide: when total == 0, print 100.00 at once")
        fail(expected=expected, observed=crashed(trace), hint=hint)
    copy = copy_or_fail(run, expected)
    inside = entries_under(run.files_after, copy)
    if inside or trace.outcome.returncode != 0:
        fail(expected=expected,
             observed=_("{copy} holds {names}").format(copy=quote(copy), names=names(sorted(inside))) if inside else
                      _("main exited with code {code}").format(code=trace.outcome.returncode),
             hint=_("an empty folder is a finished copy: create it, show 100.00 and end normally"))


@check(N_("a folder that does not exist gets a clear message and a non-zero exit, without a traceback"))
def test_missing_folder_message(runs):
    run = runs["missing"]
    trace = run.trace
    expected = _("one clear line about {folder} (on stderr, or on stdout naming it), and an exit code other "
                 "than 0").format(folder=quote(MISSING))
    common_checks.not_idle(trace)
    must_have_ended(run, expected)
    crashes = trace.crashes()
    if crashes or "Traceback (most recent call last)" in stderr_of(run):
        fail(expected=expected,
             observed=crashed(trace) if crashes else _("a traceback was printed on stderr"),
             hint=_("check os.path.isdir(src) first; if it is not a folder, print one line to "
                    "sys.stderr and sys.exit(2)"))
    message = failure_message(run, MISSING, any_on_stderr=True)
    code = trace.outcome.returncode
    if message is not None and code not in (0, None):
        return
    if message is not None:
        fail(expected=expected, observed=_("main exited with code 0 after {message}").format(message=message.describe()),
             hint=_("end with sys.exit(2) after the message: a non-zero exit code tells a script that "
                    "called the copier that it failed"))
    printed = [l for l in trace.out() if l.text.strip()]
    said = dict(folder=quote(MISSING), last=quote(printed[-1].text) if printed else "", code=code)
    fail(expected=expected,
         observed=(_("nothing was printed on stderr, and no line on stdout named {folder} (the last one was {last}); "
                     "main exited with code {code}") if printed else
                   _("nothing was printed on stderr, and no line on stdout named {folder}; main exited with code "
                     "{code}")).format(**said),
         hint=_("print(\"...\", file=sys.stderr) with the folder's name, then sys.exit(2): a non-zero "
                "exit code tells a script that called the copier that it failed"))


@check(N_("`data/` with a trailing slash is copied next to the folder, not into it"))
def test_trailing_slash_copies_next_to_it(runs):
    run = runs["trailing_slash"]
    expected = _("the copy of {slashed} next to {source} (like {example}), nothing new inside it").format(
        slashed="`%s/`" % SOURCE, source=quote(SOURCE), example="`%s[复件]`" % SOURCE)
    common_checks.not_idle(run.trace)
    changes = source_changes(run)
    if changes:
        fail(expected=expected, observed=_("inside {source}: {changes}").format(
                 source=quote(SOURCE), changes=common_checks.listed(changes[:SHOWN])),
             hint=_("{joined} is {result}, a folder inside the source: drop the trailing slash first, {code}").format(
                 joined='`"data/" + "[复件]"`', result='`"data/[复件]"`', code='`os.path.abspath(src) + "[复件]"`'))
    must_have_ended(run, expected)
    copy = copy_or_fail(run, expected)
    # only what the slash changes: whether bytes are copied right is the main run's check
    missing = compare(run, copy).missing
    if missing:
        fail(expected=expected, observed=_("missing from {copy}: {names}").format(copy=quote(copy), names=names(missing)),
             hint=_("os.path.join(src, name) works with or without the trailing slash"))


@check(N_("running it again into the copy it made before works"), needs=["makes_the_copy"])
def test_second_run_into_existing_copy(run, runs):
    copy = the_copy(run)
    again = runs["second_run"]
    trace = again.trace
    expected = _("with {copy} already there from a first run, the program ends with code 0 and {copy} is again "
                 "an exact copy").format(copy=quote(copy))
    common_checks.not_idle(trace)
    must_have_ended(again, expected)
    crashes = trace.crashes()
    if crashes:
        hint = common_checks.crash_hint(crashes[0])
        if "FileExistsError" in crashes[0].exception:
            hint = _("create the copy's folder with os.makedirs(dst, exist_ok=True): it may already exist")
        fail(expected=expected, observed=crashed(trace), hint=hint)
    fresh = fresh_small_copies(runs)
    result = compare(again, copy)
    # Only what the existing copy changed: files a fresh run of the same folder copies right, and
    # an exit code a fresh run does not give. With no fresh run to compare with, all of it.
    broken = [p for p in result.missing + result.differing
              if fresh is None or p not in fresh.wrong]
    code = trace.outcome.returncode
    bad_code = code != 0 and (fresh is None or fresh.returncode == 0)
    if not broken and not bad_code:
        return
    if broken:
        seen = [again.inspection[p] for p in broken if p in (again.inspection or {})]
        appended = bool(seen) and all(difference.appended for difference in seen)
        files = common_checks.clauses(again.inspection[p].describe() if p in (again.inspection or {}) else
                                      _("{path} missing").format(path=quote(p)) for p in broken[:SHOWN])
        fail(expected=expected,
             observed=(_("a fresh copy of the same folder came out right, but copied again over the old copy "
                         "these files are wrong: {files}") if fresh is not None else
                       _("these files are wrong in the copy: {files}")).format(files=files),
             hint=_("each of these copies holds the old file with the new one added after it: open the "
                    "copy with \"wb\", which empties an existing file first (\"ab\" adds to it)")
                  if appended else
                  _("a copy made over an existing one must come out like a fresh one: open each copy "
                    "with \"wb\", which empties an existing file first, and create folders with "
                    "exist_ok=True"))
    said = dict(code=code, copy=quote(copy))
    fail(expected=expected,
         observed=(_("main exited with code {code} with {copy} already there, where a fresh copy of the same folder "
                     "ended with code 0") if fresh is not None else
                   _("main exited with code {code} with {copy} already there")).format(**said),
         hint=_("an existing copy is not an error: create the folder with os.makedirs(dst, exist_ok=True) "
                "and copy over the old files"))


@dataclass(frozen=True)
class FreshCopy:
    """How a run with no copy there yet did on the second run's files (the trailing-slash run)."""

    wrong: frozenset       # files missing or differing in its copy
    returncode: Optional[int]


def fresh_small_copies(runs: dict) -> Optional[FreshCopy]:
    """The trailing-slash run copies the same small folder into a place where nothing was: the
    yardstick for what a second run does. None when it made no copy or did not end by itself."""
    fresh = runs.get("trailing_slash")
    if fresh is None or fresh.trace.outcome.reason != "exited":
        return None
    copy = the_copy(fresh)
    if copy is None:
        return None
    result = compare(fresh, copy)
    return FreshCopy(frozenset(result.missing + result.differing), fresh.trace.outcome.returncode)
