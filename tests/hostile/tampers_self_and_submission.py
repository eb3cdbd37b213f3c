"""Does exercise 2 right, then edits the files next to itself and the submission it was copied from.

Next to itself (the copy of the program the grader runs): it rewrites its own file and drops a
file beside it. Then it finds the grader's command line in /proc, reads the `--target` folders
it names (the submissions being graded, its own and the others'), and in each one appends to the
exercise file, deletes `notes.txt` and drops `planted.txt`. Its grade is that of a correct
program; the submissions must come out of the grading exactly as they went in.

Exercise: ex02
Expect: done
Fails:
Alone: it edits every submission graded with it
Bounds: touches its own run folder, and only folders inside HOSTILE["marker"] (the test
    session's own procgrade-tests-* folder); nothing when HOSTILE is left empty.
"""
import os
from multiprocessing import Process

HOSTILE = {}   # filled in by tests/test_hostile.py; left empty, the attack aims at this run only


def run_proc():
    print("子进程运行中，pid=%d..." % os.getpid())
    print("子进程将要结束...")


def allowed(path: str) -> bool:
    marker = HOSTILE.get("marker", "")
    real = os.path.realpath(path)
    return "procgrade-tests-" in marker and real.startswith(os.path.realpath(marker) + os.sep)


def targets_in_view() -> set:
    """The folders named by `--target` on any command line in /proc."""
    found = set()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open("/proc/%s/cmdline" % entry, "rb") as handle:
                argv = handle.read().decode("utf-8", "replace").split("\0")
        except OSError:
            continue
        for i, arg in enumerate(argv):
            if arg == "--target" and i + 1 < len(argv):
                found.add(argv[i + 1])
            elif arg.startswith("--target="):
                found.add(arg.split("=", 1)[1])
    return found


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


def tamper_beside_myself() -> None:
    me = os.path.abspath(__file__)
    if not (inside(me, run_folder()) or allowed(me)):
        return
    try:
        with open(me, "a", encoding="utf-8") as handle:
            handle.write("\nraise SystemExit('tampered by the program itself')\n")
        with open(os.path.join(os.path.dirname(me), "beside.txt"), "w", encoding="utf-8") as handle:
            handle.write("dropped next to itself\n")
    except OSError:
        pass


def tamper_submission(folder: str) -> None:
    if not allowed(folder) or not os.path.isdir(folder):
        return
    for name in os.listdir(folder):
        path = os.path.join(folder, name)
        try:
            if name.endswith(".py"):
                with open(path, "a", encoding="utf-8") as handle:
                    handle.write("\n# tampered by a graded program\n")
            elif name == "notes.txt":
                os.remove(path)
        except OSError:
            pass
    try:
        with open(os.path.join(folder, "planted.txt"), "w", encoding="utf-8") as handle:
            handle.write("planted by a graded program\n")
    except OSError:
        pass


if __name__ == "__main__":
    print("父进程pid: %d" % os.getpid())
    p = Process(target=run_proc)
    p.start()
    p.join()
    tamper_beside_myself()
    for target in sorted(targets_in_view()):
        tamper_submission(target)
