"""The hostile corpus (tests/hostile/): every program graded as a submission, and contained.

Each program of tests/hostile/ pretends to be one exercise and attacks the grader or the machine
(see tests/hostile/README.md). The corpus is graded the way an instructor grades a class: one
`python -m grader check` per exercise with one `--target` folder per case, so that the cases are
graded side by side; a case that attacks the grading itself (its docstring has an `Alone:` line)
gets a command of its own, shared only with a bystander, the reference solution, which must still
be graded `done`. The grader runs from a copy of grader/ in the session's temp folder, so that
the cases that attack the grader's own files hit the copy, never the repository.

For every case this asserts, from the outside, never trusting the grader's word for it:
- the grade: the exercise's state, the exact set of failed checks and the message fragments its
  docstring names (`Expect:`, `Fails:`, `Message:`);
- the time: the grader command finished (a subprocess time-out); in each run of the case, the
  program's processes were all gone within its exercise's budget plus KILL_SLACK (the supervisor's
  report appeared), and the whole run, the grader's own bookkeeping included, was over within
  the budget plus RUN_SLACK (a watcher thread sees each run's folder appear and go away); the
  budget counts the program's own time, which a busy machine stretches to at most STRETCH times
  the budget on the clock (states.STRETCH), and that is the bound seen from outside;
- no process left behind: after the command, no process names the session's temp folder (on its
  command line, in its environment or as its working folder);
- no file changed outside the run folder: the trees around it (the repository's grader/,
  exercises/, solutions/ and the corpus; the copy of the grader; the targets and their parent
  folder; the decoy folders the test made for the case) are hashed before and after, and no run
  folder is left in the temp folder;
- nothing else disturbed: the decoy process the test starts is still alive, and the network
  listener heard nothing from the case.

The grader runs with its default options; PROCGRADE_HOSTILE_SANDBOX=bwrap grades the corpus with
`--sandbox bwrap` instead, PROCGRADE_HOSTILE_BACKEND=portable with `--backend portable` (the
supervisor's backend of macOS and Windows: psutil, no subreaper, no network namespace).

`python tests/test_hostile.py [--kit DIR] [--sandbox S] [--backend B] [--private-tmp] [CASE ...]` grades the
corpus the same way against the grader in DIR/grader (default: this repository's) and prints, per
case, what happened and how long it took: the table in tests/hostile/README.md is made with it.
It runs the hostile programs only through the grader.
"""

from __future__ import annotations

import ast
import functools
import hashlib
import importlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import psutil
import pytest

from grader.states import STRETCH

KIT = Path(__file__).resolve().parent.parent
CORPUS = Path(__file__).resolve().parent / "hostile"
SOLUTIONS = KIT / "solutions"
JOBS = 6                  # runs at once in one grader command: most cases wait, few compute
KILL_SLACK = 5.0          # seconds past its budget by which the program must be gone (the supervisor's report):
                          # its stack dump (0.3 s), kills, last sweep (waits up to 2 s), on a busy machine
RUN_SLACK = 15.0          # seconds past its budget by which the whole run must be over (the grader's
                          # snapshot of what the program wrote, up to its write cap, on a busy machine)
WATCH_SECONDS = 0.02      # how often the watcher looks at the run folders
HOSTILE_LINE = re.compile(r"^HOSTILE = \{\}.*$", re.M)
MARKER = "procgrade-hostile"   # the names of the decoys (folders, a process) the test makes
STATES = ("done", "failing", "not started")
FIELDS = ("Exercise", "Expect", "Fails", "Message", "Alone", "Bounds")

SANDBOX = os.environ.get("PROCGRADE_HOSTILE_SANDBOX", "")   # the grader's --sandbox ("": its default)
BACKEND = os.environ.get("PROCGRADE_HOSTILE_BACKEND", "")   # the grader's --backend ("": its default)

# Cases the grader does not contain yet, per --sandbox: strict, so that each one fails the suite as
# soon as its defence lands, and its entry must then go.
XFAILS: dict[str, dict[str, str]] = {"": {}, "bwrap": {}}
if not hasattr(os, "geteuid") or os.geteuid() != 0:  # only root can give each run a network namespace of its own
    XFAILS[""]["network"] = ("without root and without --sandbox bwrap a graded program can open network "
                             "connections: main and the child both reached the test's listener on 127.0.0.1")
# ...and per --backend: what the portable backend cannot contain (on macOS and Windows too)
BACKEND_XFAILS: dict[str, dict[str, str]] = {
    "portable": {"network": "the portable backend gives no run a network of its own: main and the child both "
                            "reached the test's listener on 127.0.0.1 (only the linux backend as root, or "
                            "--sandbox bwrap, takes the network away)"},
}
XFAIL = {**XFAILS.get(SANDBOX, {}), **BACKEND_XFAILS.get(BACKEND, {})}

# --- the corpus ---------------------------------------------------------------------------------

def exercise_files() -> dict[str, str]:
    return {p.name[5:9]: p.name[5:] for p in (KIT / "grader" / "suites").glob("test_ex*.py")}


def suite_checks(exercise: str) -> list[str]:
    suite = KIT / "grader" / "suites" / ("test_" + exercise_files()[exercise])
    return re.findall(r"^def test_(\w+)\(", suite.read_text(encoding="utf-8"), re.M)


@dataclass(frozen=True)
class Case:
    """One program of the corpus and what its docstring says must happen to it."""

    path: Path
    exercise: str                         # "ex02"
    expect: str                           # the exercise's state: done | failing | not started
    fails: frozenset                      # the checks that must fail (status failed or error)
    at_least: bool                        # `Fails: a b ...`: these and maybe more
    messages: tuple                       # (check or "", regex) pairs
    alone: str                            # why it gets a grader command of its own ("": it does not)

    @property
    def name(self) -> str:
        return self.path.stem

    @property
    def exercise_file(self) -> str:
        return exercise_files()[self.exercise]


def parse_case(path: Path) -> Case:
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    found: dict[str, list[str]] = {}
    for line in doc.splitlines():
        match = re.match(r"^(%s):[ \t]*(.*)$" % "|".join(FIELDS), line)
        if match:
            found.setdefault(match.group(1), []).append(match.group(2).strip())
    fails = (found.get("Fails") or [""])[0].split()
    messages = []
    for text in found.get("Message", []):
        check, sep, regex = text.partition(": ")
        messages.append((check, regex) if sep and re.fullmatch(r"\w+", check) else ("", text))
    return Case(path, (found.get("Exercise") or [""])[0], (found.get("Expect") or [""])[0],
                frozenset(f for f in fails if f != "..."), "..." in fails, tuple(messages),
                (found.get("Alone") or [""])[0])


def all_cases() -> list[Case]:
    return [parse_case(p) for p in sorted(CORPUS.glob("*.py"))]


@dataclass(frozen=True)
class Group:
    """The cases graded by one grader command."""

    name: str
    exercise: str
    cases: tuple
    bystander: bool        # the reference solution is graded with them and must stay `done`


def groups(cases: list[Case]) -> list[Group]:
    found = []
    for exercise in sorted({c.exercise for c in cases}):
        shared = tuple(c for c in cases if c.exercise == exercise and not c.alone)
        if shared:
            found.append(Group(exercise, exercise, shared, False))
    found += [Group(c.name, c.exercise, (c,), True) for c in cases if c.alone]
    return found


@functools.lru_cache(maxsize=None)
def budget_of(exercise: str) -> float:
    """The longest budget of the exercise's runs (its main run and its extra runs)."""
    if str(KIT) not in sys.path:
        sys.path.insert(0, str(KIT))
    with warnings.catch_warnings():   # outside the grader's session, its `check` mark is unregistered
        warnings.simplefilter("ignore")
        suite = importlib.import_module("grader.suites." + ("test_" + exercise_files()[exercise])[:-3])
    program = Path(exercise_files()[exercise])
    budgets = [suite.run_spec(program, "spawn").budget]
    extra = getattr(suite, "extra_runs", None)
    if extra is not None:
        budgets += [spec.budget for spec in extra(program, "spawn").values() if hasattr(spec, "budget")]
    return max(budgets)


# --- what the test sets up around the grading ---------------------------------------------------

class Listener:
    """A TCP server on 127.0.0.1 that the network case is aimed at: it must hear nothing."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.server.settimeout(0.2)
        self.port = self.server.getsockname()[1]
        self.heard: list[str] = []
        self._halt = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._halt.is_set():
            try:
                connection, _ = self.server.accept()
            except OSError:
                continue
            with connection:
                connection.settimeout(1.0)
                try:
                    data = connection.recv(400)
                except OSError:
                    data = b""
            self.heard.append(data.decode("utf-8", "replace").strip() or "(a connection, nothing sent)")

    def close(self) -> None:
        self._halt.set()
        self._thread.join(2)
        self.server.close()


class RunWatcher(threading.Thread):
    """Times every run of the grader: a run's folder (procgrade-run-*) appears in the temp folder
    when it starts and is removed when it is over; the program copied into it says whose it is; the
    supervisor's report (control/result.json) appears once the program's processes are all gone."""

    def __init__(self, folder: Path, programs: dict[str, str]) -> None:
        super().__init__(daemon=True)
        self.folder = folder
        self.programs = programs                 # sha256 of a program's bytes -> case name
        self.runs: dict[str, list] = {}          # run folder -> [case or None, first seen, last seen, report seen]
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.is_set():
            self.poll()
            time.sleep(WATCH_SECONDS)

    def poll(self) -> None:
        now = time.monotonic()
        try:
            names = [n for n in os.listdir(self.folder) if n.startswith("procgrade-run-")]
        except OSError:
            return
        for name in names:
            seen = self.runs.setdefault(name, [None, now, now, None])
            seen[2] = now
            if seen[0] is None:
                seen[0] = self._identify(self.folder / name)
            if seen[3] is None and (self.folder / name / "control" / "result.json").exists():
                seen[3] = now

    def _identify(self, run: Path) -> Optional[str]:
        try:
            for program in (run / "program").glob("*.py"):
                case = self.programs.get(hashlib.sha256(program.read_bytes()).hexdigest())
                if case:
                    return case
        except OSError:
            pass
        return None

    def stop(self) -> None:
        self._halt.set()
        self.join(5)
        self.poll()

    def spans(self, case: str) -> list[tuple[float, float]]:
        """Per run of the case: how long the whole run took, and how long until the supervisor's
        report; a report that came and went between two looks counts as late as the run's end."""
        return [(last - first, (reported if reported is not None else last) - first)
                for who, first, last, reported in self.runs.values() if who == case]

    def case_of(self, text: str) -> str:
        """The case whose run folder `text` (a path, a command line) names; "" when none does."""
        for name, (who, _, _, _) in self.runs.items():
            if name in text and who:
                return who
        return ""


def tree_hashes(root: Path) -> dict[str, str]:
    """Every entry under root (or root itself, a file): kind, size and content hash, by path.
    Links are recorded as links, never followed; __pycache__ folders are left out."""
    found: dict[str, str] = {}
    if not root.exists() and not root.is_symlink():
        return found
    if not root.is_dir() or root.is_symlink():
        return {str(root): _describe(root)}
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        for name in dirs + files:
            path = Path(folder) / name
            found[str(path)] = _describe(path)
    found[str(root)] = "dir"
    return found


def _describe(path: Path) -> str:
    if path.is_symlink():
        return "link -> %s" % os.readlink(path)
    if path.is_dir():
        return "dir"
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
    except OSError as error:
        return "unreadable (%s)" % error
    return "file %d %s" % (path.stat().st_size, digest.hexdigest()[:16])


def compare(before: dict[str, str], after: dict[str, str]) -> list[str]:
    changes = ["%s appeared" % p for p in sorted(set(after) - set(before))]
    changes += ["%s disappeared" % p for p in sorted(set(before) - set(after))]
    changes += ["%s changed" % p for p in sorted(set(before) & set(after)) if before[p] != after[p]]
    return changes


def processes_naming(texts: list[str], spare: set[int]) -> list[psutil.Process]:
    """Live processes whose command line, environment or working folder names one of `texts`."""
    found = []
    for proc in psutil.process_iter(["pid", "cmdline", "environ", "cwd", "status"]):
        info = proc.info
        if info["pid"] in spare or info["status"] == psutil.STATUS_ZOMBIE:
            continue
        seen = " ".join(info["cmdline"] or []) + " " + " ".join((info["environ"] or {}).values()) \
            + " " + (info["cwd"] or "")
        if any(text in seen for text in texts):
            found.append(proc)
    return found


def describe_process(proc: psutil.Process) -> str:
    try:
        return "pid %d `%s` (cwd %s)" % (proc.pid, " ".join(proc.cmdline())[:160], proc.cwd())
    except psutil.Error:
        return "pid %d (gone)" % proc.pid


def kill_all(procs: list[psutil.Process]) -> None:
    for proc in procs:
        try:
            proc.kill()
        except psutil.Error:
            pass
    psutil.wait_procs(procs, timeout=5)


# --- grading one group --------------------------------------------------------------------------

@dataclass
class GroupOutcome:
    group: Group
    returncode: Optional[int] = None      # None: the command was killed at its time-out
    timeout: float = 0.0
    seconds: float = 0.0
    stderr: str = ""
    reports: dict = field(default_factory=dict)        # target name -> its report
    watcher: Optional[RunWatcher] = None
    leftovers: dict = field(default_factory=dict)      # case name, or "" for the group -> descriptions
    changes: dict = field(default_factory=dict)        # case name, or "" for the group -> changes
    decoy_alive: bool = True
    heard: dict = field(default_factory=dict)          # case name -> what the listener got


class HostileGrading:
    """Grades the corpus one group at a time, on first need, in `tmp` (the session's temp folder,
    a procgrade-tests-* folder: the corpus aims only at folders inside it)."""

    def __init__(self, tmp: Path, listener: Listener, kit: Path = KIT, cases: Optional[list[Case]] = None,
                 sandbox: str = "", backend: str = "") -> None:
        self.tmp = tmp
        self.sandbox = sandbox           # the grader's --sandbox ("": its default)
        self.backend = backend           # the grader's --backend ("": its default)
        self.listener = listener
        self.kit = kit
        self.cases = cases if cases is not None else all_cases()
        self.groups = groups(self.cases)
        self.outcomes: dict[str, GroupOutcome] = {}
        self.tmp_decoys = Path("/tmp")   # the decoys in /tmp: /tmp/procgrade-hostile-decoy-<session>-<case>

    def group_of(self, case: Case) -> Group:
        return next(g for g in self.groups if case in g.cases)

    def outcome(self, case: Case) -> GroupOutcome:
        group = self.group_of(case)
        if group.name not in self.outcomes:
            self.outcomes[group.name] = self._grade(group)
        return self.outcomes[group.name]

    def decoys(self, case: Case) -> list[Path]:
        return [self.tmp / ("%s-decoy-%s" % (MARKER, case.name)),
                self.tmp_decoys / ("%s-decoy-%s-%s" % (MARKER, self.tmp.name, case.name))]

    def cleanup(self) -> None:
        for case in self.cases:
            for decoy in self.decoys(case):
                shutil.rmtree(decoy, ignore_errors=True)

    def _run_grader(self, group: Group, targets: list[Path], kit: Path, out: Path, outcome: GroupOutcome) -> None:
        """One `python -m grader check`, all the group's targets at once, killed at its time-out."""
        cmd = [sys.executable, "-m", "grader", "check", "--jobs", str(JOBS), "--start-method", "spawn",
               "--json", str(out)]
        if self.sandbox:
            cmd += ["--sandbox", self.sandbox]
        if self.backend:
            cmd += ["--backend", self.backend]
        for target in targets:
            cmd += ["--target", str(target)]
        cmd.append(group.exercise)
        env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1", TMPDIR=str(self.tmp))
        logs = out.with_suffix("")
        started = time.monotonic()
        with open(str(logs) + ".out", "wb") as stdout, open(str(logs) + ".err", "wb") as stderr:
            grader = subprocess.Popen(cmd, cwd=kit, env=env, stdin=subprocess.DEVNULL, stdout=stdout, stderr=stderr,
                                      start_new_session=True)
            try:
                outcome.returncode = grader.wait(timeout=outcome.timeout)
            except BaseException:
                os.killpg(grader.pid, signal.SIGKILL)
                grader.wait()
                if not isinstance(sys.exc_info()[1], subprocess.TimeoutExpired):
                    raise
        outcome.seconds = time.monotonic() - started
        outcome.stderr = Path(str(logs) + ".err").read_text(encoding="utf-8", errors="replace")[-3000:]

    def _grade(self, group: Group) -> GroupOutcome:
        base = self.tmp / "hostile"
        targets_root, results = base / "targets" / group.name, base / "results"
        kit = base / ("kit-" + group.name)
        results.mkdir(parents=True, exist_ok=True)
        shutil.copytree(self.kit / "grader", kit / "grader", ignore=shutil.ignore_patterns("__pycache__"))
        targets, programs, owners = [], {}, {}
        for case in group.cases:
            target = targets_root / case.name
            target.mkdir(parents=True)
            text = case.path.read_text(encoding="utf-8")
            aim = {"case": case.name, "marker": str(self.tmp), "port": self.listener.port,
                   "decoys": [str(d) for d in self.decoys(case)]}
            text = HOSTILE_LINE.sub(lambda _: "HOSTILE = %r  # filled in by tests/test_hostile.py" % aim, text, count=1)
            (target / case.exercise_file).write_text(text, encoding="utf-8")
            (target / "notes.txt").write_text("the student's notes: must survive the grading\n", encoding="utf-8")
            programs[hashlib.sha256(text.encode("utf-8")).hexdigest()] = case.name
            targets.append(target)
            owners[str(target)] = case.name
            for decoy in self.decoys(case):
                decoy.mkdir(parents=True, exist_ok=True)
                (decoy / "secret.txt").write_text("a decoy: no graded program may touch it\n", encoding="utf-8")
                (decoy / "keep.txt").write_text("another decoy file\n", encoding="utf-8")
                owners[str(decoy)] = case.name
        if group.bystander:
            bystander = targets_root / "bystander"
            bystander.mkdir(parents=True)
            shutil.copyfile(SOLUTIONS / group.cases[0].exercise_file, bystander / group.cases[0].exercise_file)
            programs[hashlib.sha256((bystander / group.cases[0].exercise_file).read_bytes()).hexdigest()] = "bystander"
            targets.append(bystander)

        watched = [KIT / "grader", KIT / "exercises", KIT / "solutions", CORPUS, kit / "grader", base / "targets"]
        watched += [d for case in group.cases for d in self.decoys(case)]
        before = {str(w): tree_hashes(w) for w in watched}
        top_before = set(os.listdir(self.tmp))

        outcome = GroupOutcome(group)
        budget = budget_of(group.exercise)
        runs = sum(7 if c.exercise == "ex07" else 1 for c in group.cases) + group.bystander
        outcome.timeout = 60 + runs * (budget * STRETCH + RUN_SLACK) / JOBS
        watcher = outcome.watcher = RunWatcher(self.tmp, programs)
        heard_before = len(self.listener.heard)
        out = results / (group.name + ".json")
        decoy_process = subprocess.Popen(
            [sys.executable, "-c", "import sys, time; time.sleep(float(sys.argv[1]))", "300",
             MARKER + "-decoy-process", str(self.tmp)],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        try:
            watcher.start()
            self._run_grader(group, targets, kit, out, outcome)
        finally:
            watcher.stop()
            # Processes: anything that still names the session's temp folder (every process of a
            # run does: its working folder, its environment; the decoy process, its command line).
            left = processes_naming([str(self.tmp)], {os.getpid(), decoy_process.pid})
            for proc in left:
                outcome.leftovers.setdefault(watcher.case_of(describe_process(proc)), []).append(describe_process(proc))
            kill_all(left)
            outcome.decoy_alive = decoy_process.poll() is None
            decoy_process.kill()
            decoy_process.wait()

        # Files: the trees around the runs, and no run folder left behind.
        for w in watched:
            for change in compare(before[str(w)], tree_hashes(w)):
                path = change.rsplit(" ", 1)[0]
                owner = next((who for root, who in owners.items() if path == root or path.startswith(root + os.sep)), "")
                outcome.changes.setdefault(owner, []).append(change)
        for name in sorted(set(os.listdir(self.tmp)) - top_before):
            owner = watcher.case_of(name) if name.startswith("procgrade-run-") else ""
            outcome.changes.setdefault(owner, []).append("%s left in the temp folder" % (self.tmp / name))
            shutil.rmtree(self.tmp / name, ignore_errors=True)

        names = {c.name for c in group.cases}
        for line in self.listener.heard[heard_before:]:
            who = line.split(" ", 1)[0]
            outcome.heard.setdefault(who if who in names else "", []).append(line)
        if out.exists():
            for report in json.loads(out.read_text(encoding="utf-8")):
                outcome.reports[Path(report["target"]).name] = report
        return outcome


# --- judging one case ---------------------------------------------------------------------------

def exercise_result(report: dict, exercise: str) -> dict:
    return next(e for e in report["exercises"] if e["exercise"] == exercise)


def message_of(check: dict) -> str:
    return "\n".join(check.get(k, "") for k in ("expected", "observed", "hint"))


def failed_of(result: dict) -> dict[str, str]:
    return {c["check"]: message_of(c) for c in result["checks"] if c["status"] in ("failed", "error")}


def problems(case: Case, outcome: GroupOutcome) -> list[str]:
    """Everything that went wrong for this case; empty when it was graded and contained as it must be."""
    found = []
    if outcome.returncode is None:
        found.append("the grader command did not finish within %.0f s and was killed" % outcome.timeout)
    elif outcome.returncode not in (0, 1):
        found.append("the grader command ended with code %s: %s" % (outcome.returncode, outcome.stderr[-800:]))
    report = outcome.reports.get(case.name)
    if report is None:
        found.append("no report for this case")
    else:
        result = exercise_result(report, case.exercise)
        failed = failed_of(result)
        if result["state"] != case.expect:
            found.append("graded `%s`, expected `%s`" % (result["state"], case.expect))
        if (not case.fails <= set(failed)) if case.at_least else set(failed) != case.fails:
            found.append("failed %s, expected %s%s" % (sorted(failed) or "nothing", sorted(case.fails) or "nothing",
                                                      " (at least)" if case.at_least else ""))
        for check, regex in case.messages:
            texts = [failed[check]] if check in failed else [] if check else list(failed.values())
            if not any(re.search(regex, text, re.I) for text in texts):
                found.append("no message of %s matches /%s/" % ("check " + check if check else "a failed check", regex))
        if found and failed:
            found.append("its failed checks said:\n" + "\n".join(
                "    %s: %s" % (check, " | ".join(text.splitlines())[:400]) for check, text in sorted(failed.items())))
    spans = outcome.watcher.spans(case.name) if outcome.watcher else []
    budget = budget_of(case.exercise)
    if not spans:
        found.append("no run of it was seen (the watcher looks for procgrade-run-* folders in the temp folder)")
    clock = budget * STRETCH   # the longest a budget lasts on the clock, on a busy machine
    late = [program for _, program in spans if program > clock + KILL_SLACK]
    if late:
        found.append("the program was still not gone after %s s, more than the budget (%.0f s, %.0f s on the "
                     "clock at most) + %.0f s" % (", ".join("%.1f" % s for s in late), budget, clock, KILL_SLACK))
    slow = [whole for whole, _ in spans if whole > clock + RUN_SLACK]
    if slow:
        found.append("%d run(s) took %s s in all, more than the budget (%.0f s, %.0f s on the clock at most) "
                     "+ %.0f s" % (len(slow), ", ".join("%.1f" % s for s in slow), budget, clock, RUN_SLACK))
    for owner in (case.name, ""):
        if outcome.leftovers.get(owner):
            found.append("processes left running%s: %s" % ("" if owner else " (in its group)",
                                                           "; ".join(outcome.leftovers[owner][:5])))
        if outcome.changes.get(owner):
            changes = outcome.changes[owner]
            found.append("files changed outside the run folder%s: %s%s" % (
                "" if owner else " (in its group)", "; ".join(changes[:6]),
                " and %d more" % (len(changes) - 6) if len(changes) > 6 else ""))
    if not outcome.decoy_alive:
        found.append("the decoy process the test started was killed")
    for owner in (case.name, ""):
        if outcome.heard.get(owner):
            found.append("the listener on 127.0.0.1 was reached%s: %s"
                         % ("" if owner else " (in its group)", outcome.heard[owner][:3]))
    if outcome.group.bystander:
        bystander = outcome.reports.get("bystander")
        if bystander is None:
            found.append("no report for the bystander (the reference solution graded with it)")
        else:
            result = exercise_result(bystander, case.exercise)
            if result["state"] != "done":
                found.append("the bystander (the reference solution graded with it) was graded `%s`: %s"
                             % (result["state"], sorted(failed_of(result))))
    return found


def time_taken(case: Case, outcome: GroupOutcome) -> float:
    """From the start of the case's first run to the end of its last one."""
    runs = [(first, last) for who, first, last, _ in outcome.watcher.runs.values() if who == case.name]
    return max(last for _, last in runs) - min(first for first, _ in runs) if runs else float("nan")


def program_time(case: Case, outcome: GroupOutcome) -> float:
    """The longest of the case's runs until its program was gone (the supervisor's report)."""
    times = [program for _, program in outcome.watcher.spans(case.name)]
    return max(times) if times else float("nan")


# --- the tests ----------------------------------------------------------------------------------

CASES = all_cases()
pytestmark = pytest.mark.linux_only   # the corpus and its checks read /proc


@pytest.fixture(scope="module")
def hostile():
    from conftest import SESSION_TMP
    listener = Listener()
    grading = HostileGrading(Path(SESSION_TMP), listener, sandbox=SANDBOX, backend=BACKEND)
    try:
        yield grading
    finally:
        listener.close()
        grading.cleanup()


def _marks(case: Case):
    return [pytest.mark.xfail(strict=True, reason=XFAIL[case.name])] if case.name in XFAIL else []


@pytest.mark.slow
@pytest.mark.parametrize("case", [pytest.param(c, marks=_marks(c), id=c.name)
                                  for g in groups(CASES) for c in g.cases])
def test_hostile_program_is_graded_and_contained(case, hostile):
    outcome = hostile.outcome(case)
    found = problems(case, outcome)
    assert not found, "%s (%s, expected %s), %.1f s:\n- %s" % (
        case.name, case.exercise, case.expect, time_taken(case, outcome), "\n- ".join(found))


def test_corpus_is_well_formed():
    """Each case names a real exercise, an outcome, real checks, its bounds; none is collected by
    pytest; each that aims outside its run does it only through HOSTILE, filled in by the test."""
    assert len(CASES) >= 20
    for case in CASES:
        where = case.path.name
        text = case.path.read_text(encoding="utf-8")
        assert not case.name.startswith("test_"), where
        assert case.exercise in exercise_files(), where
        assert case.expect in STATES, where
        assert re.search(r"^Bounds: ", ast.get_docstring(ast.parse(text)) or "", re.M), where
        checks = set(suite_checks(case.exercise))
        assert case.fails <= checks, (where, case.fails - checks)
        assert (case.expect == "done") == (not case.fails and not case.at_least), where
        for check, regex in case.messages:
            assert not check or check in case.fails, (where, check)
            re.compile(regex)
        assert len(HOSTILE_LINE.findall(text)) == ("HOSTILE" in text), where


# --- the table of tests/hostile/README.md -------------------------------------------------------

def main(argv: list[str]) -> int:
    import argparse
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kit", default=str(KIT), help="the folder that holds the grader/ to test (default: this repo)")
    parser.add_argument("--sandbox", default="", help="the grader's --sandbox (default: the grader's default)")
    parser.add_argument("--backend", default="", help="the grader's --backend (default: the grader's default)")
    parser.add_argument("--private-tmp", action="store_true",
                        help="leave the temp folder 0700, as tempfile makes it: a grader running as root then "
                             "cannot hand the runs to users of their own (as for a grader that is not root)")
    parser.add_argument("cases", nargs="*", help="case names (default: all)")
    args = parser.parse_args(argv)
    cases = [c for c in all_cases() if not args.cases or c.name in args.cases]
    tmp = Path(tempfile.mkdtemp(prefix="procgrade-tests-hostile-"))
    if not args.private_tmp:
        os.chmod(tmp, 0o755)   # as tests/conftest.py does: runs under their own user id must reach it
    listener = Listener()
    grading = HostileGrading(tmp, listener, Path(args.kit).resolve(), cases, args.sandbox, args.backend)
    try:
        print("| case | exercise | expected | graded | failed checks | problems | program gone after (s) | case took (s) |")
        print("|---|---|---|---|---|---|---|---|")
        for group in grading.groups:
            for case in group.cases:
                outcome = grading.outcome(case)
                report = outcome.reports.get(case.name)
                state, failed = "(no report)", []
                if report is not None:
                    result = exercise_result(report, case.exercise)
                    state, failed = result["state"], sorted(failed_of(result))
                found = problems(case, outcome)
                if found:   # the whole story on stderr, the table row on stdout
                    print("%s:\n- %s" % (case.name, "\n- ".join(found)), file=sys.stderr, flush=True)
                found = [p for p in found if not p.startswith("its failed checks said")]
                print("| %s | %s | %s | %s | %s | %s | %.1f | %.1f |" % (
                    case.name, case.exercise, case.expect, state, " ".join(failed) or "-",
                    "<br>".join(p.replace("|", "/").replace("\n", " ")[:300] for p in found) or "ok",
                    program_time(case, outcome), time_taken(case, outcome)), flush=True)
    finally:
        listener.close()
        grading.cleanup()
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(KIT))
    sys.exit(main(sys.argv[1:]))
