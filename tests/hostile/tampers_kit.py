"""Does exercise 2 right, then edits the grader itself: its suites and its instrumentation.

It finds the grader's package on the command line of its watchdog (`python -I
.../grader/supervisor.py SPEC`, readable in /proc by anyone) or, when $PYTHONPATH names the
kit's own instrumentation folder, as its parent. It appends a line to the ex02 suite, drops a
conftest.py that would make every check pass into the suites' folder, and empties the kit's
sitecustomize.py, so that every run started after it would go unobserved. Its grade is that of a
correct program; the grader must come out of it unchanged.

Exercise: ex02
Expect: done
Fails:
Alone: it would change how every later case is graded
Bounds: touches the grader's folder only when it is inside HOSTILE["marker"] (the test session's
    own procgrade-tests-* folder, where the test puts a copy of the grader); nothing when HOSTILE
    is left empty.
"""
import os
from multiprocessing import Process

HOSTILE = {}   # filled in by tests/test_hostile.py; left empty, the attack aims at nothing

PASS_ALL = '''import pytest


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    outcome.get_result().outcome = "passed"
'''


def run_proc():
    print("子进程运行中，pid=%d..." % os.getpid())
    print("子进程将要结束...")


def allowed(path: str) -> bool:
    marker = HOSTILE.get("marker", "")
    real = os.path.realpath(path)
    return "procgrade-tests-" in marker and real.startswith(os.path.realpath(marker) + os.sep)


def graders_in_view() -> set:
    """Where the grader's package is: the folder of the supervisor.py any visible command line
    runs, and the parent of the instrumentation folder on $PYTHONPATH (when it holds suites/)."""
    found = set()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open("/proc/%s/cmdline" % entry, "rb") as handle:
                argv = handle.read().decode("utf-8", "replace").split("\0")
        except OSError:
            continue
        found.update(os.path.dirname(arg) for arg in argv if arg.endswith(os.sep + "supervisor.py"))
    for entry in os.environ.get("PYTHONPATH", "").split(os.pathsep):
        if os.path.basename(entry.rstrip(os.sep)) == "instrument":
            found.add(os.path.dirname(entry.rstrip(os.sep)))
    return {folder for folder in found if os.path.isdir(os.path.join(folder, "suites"))}


def write(path: str, text: str, mode: str = "w") -> None:
    try:
        with open(path, mode, encoding="utf-8") as handle:
            handle.write(text)
    except OSError:
        pass


if __name__ == "__main__":
    print("父进程pid: %d" % os.getpid())
    p = Process(target=run_proc)
    p.start()
    p.join()
    for grader in sorted(graders_in_view()):
        if not allowed(grader):
            continue
        write(os.path.join(grader, "suites", "test_ex02_pid.py"), "\n# tampered by a graded program\n", "a")
        write(os.path.join(grader, "suites", "conftest.py"), PASS_ALL)
        write(os.path.join(grader, "instrument", "sitecustomize.py"), "# emptied by a graded program\n")
