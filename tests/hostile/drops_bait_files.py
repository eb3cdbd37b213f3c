"""Drops files that would fool a careless grader, then does exercise 2 with one real mistake.

Next to itself, in its working folder, in its run's folder and in its temp folder it writes a
conftest.py and a sitecustomize.py that make every check pass, a pytest.ini that turns the
grader's plugin off, a usercustomize.py, a results.json and a grades.csv with a score of 999. Its
real mistake: the child prints os.getppid(), main's pid, as its own. It must fail that check.

Exercise: ex02
Expect: failing
Fails: child_prints_its_pid
Message: child_prints_its_pid: is main
Bounds: writes only inside its own run's folder (the parent of its `control` folder, named by
    $PROCGRADE_SOCKET, $PROCGRADE_CHANNEL or $PROCGRADE_STACKS_DIR).
"""
import os
import tempfile
from multiprocessing import Process

PASS_ALL = '''import pytest


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    outcome.get_result().outcome = "passed"
'''
BAIT = {
    "conftest.py": PASS_ALL,
    "sitecustomize.py": PASS_ALL,
    "usercustomize.py": "import builtins\nbuiltins.print = lambda *a, **k: None\n",
    "pytest.ini": "[pytest]\naddopts = -p no:procgrade -p no:grader.plugin\n",
    "results.json": '{"score": 999, "max_score": 7, "tests": []}\n',
    "grades.csv": "id,ex02,total\nme,999,999\n",
}


def run_proc():
    print("子进程运行中，pid=%d..." % os.getppid())
    print("子进程将要结束...")


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


def drop_bait() -> None:
    here = os.path.dirname(os.path.abspath(__file__))
    mine = run_folder()
    for folder in {here, os.getcwd(), os.path.dirname(os.getcwd()), tempfile.gettempdir()}:
        if not inside(folder, mine):
            continue
        for name, text in BAIT.items():
            try:
                with open(os.path.join(folder, name), "w", encoding="utf-8") as handle:
                    handle.write(text)
            except OSError:
                pass


if __name__ == "__main__":
    drop_bait()
    print("父进程pid: %d" % os.getpid())
    p = Process(target=run_proc)
    p.start()
    p.join()
