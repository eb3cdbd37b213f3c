"""Does exercise 2 right, then goes up from its working folder and wrecks what it finds there.

`..` is its own run's folder; `../..` is where the grader keeps every run, its own and those of
the submissions graded at the same time. For 3 s it keeps looking there: in every other run's
folder it deletes the channel of records (and the socket they come in by) and drops a file into
the working folder; and it deletes and edits the files of the decoy folder the test put next to
the runs. Its grade is that of a correct program; the other runs must be graded as if it were
not there.

Exercise: ex02
Expect: done
Fails:
Alone: it wrecks the runs graded at the same time (the bystander graded with it shows it)
Bounds: touches `../..` only when it is inside HOSTILE["marker"] (the test session's own
    procgrade-tests-* folder), and there only run folders (procgrade-run-*) and the decoys named
    in HOSTILE["decoys"]; nothing when HOSTILE is left empty.
"""
import os
import time
from multiprocessing import Process

HOSTILE = {}   # filled in by tests/test_hostile.py; left empty, the attack aims at nothing
SECONDS = 3.0


def run_proc():
    print("子进程运行中，pid=%d..." % os.getpid())
    print("子进程将要结束...")


def allowed(path: str) -> bool:
    marker = HOSTILE.get("marker", "")
    real, top = os.path.realpath(path), os.path.realpath(marker)
    return "procgrade-tests-" in marker and (real == top or real.startswith(top + os.sep))


def control_folder() -> str:
    """The grader's own folder of this run (its records, its socket, its stack dumps), as the
    environment the grader gives the program names it: a folder called `control`."""
    for name in ("PROCGRADE_CHANNEL", "PROCGRADE_SOCKET", "PROCGRADE_STACKS_DIR"):
        value = os.environ.get(name, "").rstrip(os.sep)
        folder = os.path.dirname(value) if value else ""
        if os.path.basename(folder) == "control":
            return folder
    return ""


def run_folder() -> str:
    """The folder the grader made for this run: the parent of its control folder."""
    control = control_folder()
    return os.path.dirname(control) if control else ""


def inside(path: str, folder: str) -> bool:
    real, top = os.path.realpath(path), os.path.realpath(folder) if folder else ""
    return bool(top) and top != os.sep and (real == top or real.startswith(top + os.sep))


def quietly(action, *args) -> None:
    try:
        action(*args)
    except OSError:
        pass


def append(path: str, text: str) -> None:
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(text)


def wreck_decoys() -> None:
    """Reach each decoy by a path that climbs out of the working folder (../../...)."""
    for decoy in HOSTILE.get("decoys", ()):
        if "procgrade-hostile-decoy" not in decoy or not os.path.isdir(decoy):
            continue
        climb = os.path.relpath(decoy, os.getcwd())
        quietly(os.remove, os.path.join(climb, "secret.txt"))
        quietly(append, os.path.join(climb, "keep.txt"), "edited by a graded program\n")


def wreck_siblings(mine: str, done: set) -> None:
    up = os.path.dirname(mine)
    if not allowed(up):
        return
    for name in os.listdir(up):
        sibling = os.path.join(up, name)
        if not name.startswith("procgrade-run-") or sibling == mine or sibling in done:
            continue
        done.add(sibling)
        quietly(os.remove, os.path.join(sibling, "control", "channel.jsonl"))
        quietly(os.remove, os.path.join(sibling, "control", "rec.sock"))
        quietly(append, os.path.join(sibling, "work", "planted.txt"), "planted by another run\n")


if __name__ == "__main__":
    mine = run_folder()
    if not inside(os.getcwd(), mine):
        mine = ""   # not laid out as the attack expects: it aims at nothing
    if mine:
        quietly(append, os.path.join(mine, "planted.txt"), "dropped in the run's folder\n")
    wreck_decoys()
    done = set()
    end = time.monotonic() + SECONDS
    while mine and time.monotonic() < end:
        quietly(wreck_siblings, mine, done)
        time.sleep(0.4)   # 20 ms, as the grader scales sleep
    print("父进程pid: %d" % os.getpid())
    p = Process(target=run_proc)
    p.start()
    p.join()
