"""Wrong: right pids, but the child leaves a background program running after everything ends.

Mistake: a process started with subprocess and never waited for outlives the program.
Caught by: a process still running after main ended.
Fails: ends_cleanly
"""
import os
import subprocess
from multiprocessing import Process


def run_proc():
    print("子进程运行中，pid=%d..." % os.getpid())
    subprocess.Popen(["sleep", "30"])  # never waited for: it outlives us
    print("子进程将要结束...")


if __name__ == "__main__":
    print("父进程pid: %d" % os.getpid())
    p = Process(target=run_proc)
    p.start()
    p.join()
