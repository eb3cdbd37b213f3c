"""Does exercise 2 right, and also opens a network connection from main and from the child.

Each one connects to 127.0.0.1 on the port the test listens on, and sends its case name and pid.
A graded program has no business on the network; its grade is that of a correct program, and
the listener must hear nothing.

Exercise: ex02
Expect: done
Fails:
Bounds: connects only to 127.0.0.1, on HOSTILE["port"] (the test's listener); nothing when
    HOSTILE is left empty.
"""
import os
import socket
from multiprocessing import Process

HOSTILE = {}   # filled in by tests/test_hostile.py; left empty, the attack aims at nothing


def phone_home(who: str) -> None:
    port = int(HOSTILE.get("port", 0) or 0)
    if not port:
        return
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2) as connection:
            connection.sendall(("%s %s %d\n" % (HOSTILE.get("case", "?"), who, os.getpid())).encode())
    except OSError:
        pass


def run_proc():
    print("子进程运行中，pid=%d..." % os.getpid())
    phone_home("child")
    print("子进程将要结束...")


if __name__ == "__main__":
    print("父进程pid: %d" % os.getpid())
    phone_home("main")
    p = Process(target=run_proc)
    p.start()
    p.join()
