"""Correct: the tutorial's older lesson, with os.fork() instead of multiprocessing (Unix only).

fork() returns 0 in the child and the child's pid in the parent; main waits for the child with
os.wait() before it ends. Before (base commit 97efe3a) the child was reported as "never finished",
with a hint about daemon=True: its end was only recorded through multiprocessing. Now its exit
status comes from the OS (main's os.wait(), or the supervisor, which reaps every orphan).
"""
import os
import time

print("父进程pid: %d" % os.getpid())
ret = os.fork()
if ret == 0:
    print("子进程运行中，pid=%d, 父进程是 %d..." % (os.getpid(), os.getppid()))
    time.sleep(1)
    print("子进程将要结束...")
else:
    pid, status = os.wait()
    print("父进程：子进程 %d 结束了" % pid)
