"""Wrong: right pids, but the child daemonizes a grandchild (fork, setsid, fork) for a short job.

Mistake: the classic double fork: the grandchild is an orphan in a session of its own, which
nothing of the program waits for (here it ends by itself 0.25 s later, before leftovers are looked
for, so only the detachment shows).
Caught by: the supervisor sees a process outside main's session. Before (base commit 97efe3a):
full marks.
Fails: stays_in_tree
"""
import os
import time
from multiprocessing import Process


def 守护():
    """fork, setsid, fork: the grandchild is detached; both intermediate processes end at once."""
    middle = os.fork()
    if middle == 0:
        os.setsid()
        if os.fork() == 0:
            time.sleep(5)   # "background work"
        os._exit(0)
    os.waitpid(middle, 0)


def run_proc():
    print(f"子进程运行中，pid={os.getpid()}...")
    守护()
    print("子进程将要结束...")


if __name__ == "__main__":
    print(f"父进程pid: {os.getpid()}")
    p = Process(target=run_proc)
    p.start()
    p.join()
