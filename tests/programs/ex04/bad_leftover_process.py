"""Wrong: right lists, but work2 starts a background program that outlives everything.

Mistake: a process started with subprocess and never waited for.
Caught by: a process still running after main ended.
Fails: ends_cleanly
"""
import os
import subprocess
import time
from multiprocessing import Process

nums = [11, 22]


def work1():
    print("in process1 pid=%d ,nums=%s" % (os.getpid(), nums))
    for i in range(3):
        nums.append(i)
        time.sleep(1)
        print("in process1 pid=%d ,nums=%s" % (os.getpid(), nums))


def work2():
    print("in process2 pid=%d ,nums=%s" % (os.getpid(), nums))
    subprocess.Popen(["sleep", "30"])


if __name__ == "__main__":
    p1 = Process(target=work1)
    p1.start()
    p1.join()
    p2 = Process(target=work2)
    p2.start()
    p2.join()
    print("in main pid=%d ,nums=%s" % (os.getpid(), nums))
