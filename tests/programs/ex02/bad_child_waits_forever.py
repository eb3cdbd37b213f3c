"""Wrong: the child prints both lines, then waits for an Event that main never sets; main joins it
and the program hangs. No daemon anywhere.

Mistake: the child waits for a signal that never comes (`事件.wait()` with no `事件.set()`).
Caught by: the child never exits, and the run is stopped.
At 97efe3a the verdict was right but the hint blamed daemon=True, which this program never uses.
Fails: child_finishes_first ends_cleanly
"""
import os
from multiprocessing import Event, Process


def 子进程任务(事件):
    print("子进程运行中，pid=%d..." % os.getpid())
    print("子进程将要结束...")
    事件.wait()  # waits for main's go-ahead, which never comes


if __name__ == "__main__":
    print("父进程pid: %d" % os.getpid())
    事件 = Event()
    p = Process(target=子进程任务, args=(事件,))
    p.start()
    p.join()
