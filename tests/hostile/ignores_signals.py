"""Does exercise 2 right, then main ignores every signal it can and waits, never ending by itself.

SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1 (the grader's stack-dump request), SIGUSR2... are set to
SIG_IGN, then main sleeps in real time: a polite "please stop" does nothing, only SIGKILL works.

Exercise: ex02
Expect: failing
Fails: ends_cleanly
Message: ends_cleanly: stopped moving and was stopped: for 2 s its processes had printed nothing and used next to no CPU
Bounds: main ends by itself after 60 s.
"""
import os
import select
import signal
import time
from multiprocessing import Process

LIFETIME = 60.0
IGNORED = ("SIGTERM", "SIGINT", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2", "SIGALRM", "SIGTSTP",
           "SIGTTIN", "SIGTTOU", "SIGPIPE", "SIGXCPU", "SIGVTALRM", "SIGPROF")


def run_proc():
    print("子进程运行中，pid=%d..." % os.getpid())
    print("子进程将要结束...")


if __name__ == "__main__":
    print("父进程pid: %d" % os.getpid())
    p = Process(target=run_proc)
    p.start()
    p.join()
    for name in IGNORED:
        try:
            signal.signal(getattr(signal, name), signal.SIG_IGN)
        except (AttributeError, OSError, ValueError):
            pass
    end = time.monotonic() + LIFETIME
    while time.monotonic() < end:
        try:
            select.select([], [], [], 1.0)
        except InterruptedError:
            pass
