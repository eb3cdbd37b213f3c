"""Both loops of exercise 1, right, in processes that ignore every signal they can ignore.

SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1 (the grader's stack-dump request), SIGUSR2, SIGALRM,
SIGTSTP... are all set to SIG_IGN in main and in the child: only SIGKILL (and SIGSTOP) still
work. The program is otherwise the tutorial's, so it earns the grade of a correct program; the
grader must still stop and kill the whole tree.

Exercise: ex01
Expect: done
Fails:
Bounds: both loops end by themselves after 60 s.
"""
import signal
import time
from multiprocessing import Process

LIFETIME = 60.0
IGNORED = ("SIGTERM", "SIGINT", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2", "SIGALRM", "SIGTSTP",
           "SIGTTIN", "SIGTTOU", "SIGPIPE", "SIGXCPU", "SIGVTALRM", "SIGPROF")


def deaf() -> None:
    for name in IGNORED:
        try:
            signal.signal(getattr(signal, name), signal.SIG_IGN)
        except (AttributeError, OSError, ValueError):
            pass


def loop(marker: str) -> None:
    deaf()
    end = time.monotonic() + LIFETIME
    while time.monotonic() < end:
        print(marker, flush=True)
        time.sleep(1)


if __name__ == "__main__":
    p = Process(target=loop, args=("----2----",))
    p.start()
    loop("----1----")
