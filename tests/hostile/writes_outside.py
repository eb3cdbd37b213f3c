"""Does exercise 2 right, and also writes files outside its working folder.

It climbs out of its working folder with `../..` to the decoy folder the test put next to the
grader's runs, and writes a new file there; it writes another into the decoy the test made in
/tmp. Its grade is that of a correct program; nothing outside its run may change.

Exercise: ex02
Expect: done
Fails:
Bounds: writes only into the decoy folders named in HOSTILE["decoys"] (each checked to be a
    procgrade-hostile-decoy folder); nothing when HOSTILE is left empty.
"""
import os
from multiprocessing import Process

HOSTILE = {}   # filled in by tests/test_hostile.py; left empty, the attack aims at nothing


def run_proc():
    print("子进程运行中，pid=%d..." % os.getpid())
    print("子进程将要结束...")
    write_outside("from-the-child.txt")


def write_outside(name: str) -> None:
    for decoy in HOSTILE.get("decoys", ()):
        if "procgrade-hostile-decoy" not in decoy or not os.path.isdir(decoy):
            continue
        path = os.path.join(os.path.relpath(decoy, os.getcwd()), name)
        try:
            with open(path, "w", encoding="utf-8") as handle:
                handle.write("written outside the working folder by a graded program\n")
        except OSError:
            pass


if __name__ == "__main__":
    write_outside("from-main.txt")
    print("父进程pid: %d" % os.getpid())
    p = Process(target=run_proc)
    p.start()
    p.join()
