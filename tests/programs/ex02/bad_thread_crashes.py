"""Wrong: right pids, but a helper thread in main crashes on a typo.

Mistake: an uncaught exception in a thread of main (main itself still exits with 0).
Caught by: the thread's traceback on stderr.
Fails: no_process_crashed
"""
import os
import threading
from multiprocessing import Process


def run_proc():
    print("子进程运行中，pid=%d..." % os.getpid())
    print("子进程将要结束...")


def report(p):
    print("child was", p.pidd)  # typo: no attribute pidd


if __name__ == "__main__":
    print("父进程pid: %d" % os.getpid())
    p = Process(target=run_proc)
    p.start()
    p.join()
    threading.Thread(target=report, args=(p,)).start()
