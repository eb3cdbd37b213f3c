"""Wrong: work2 is called as a plain function in main instead of running in its own process.

Mistake: work2() called directly instead of Process(target=work2).
Caught by: the in process2 line shows main's pid and is printed by main; main has only one child.
Fails: two_child_processes
"""
import os
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


if __name__ == "__main__":
    p1 = Process(target=work1)
    p1.start()
    p1.join()
    work2()
    print("in main pid=%d ,nums=%s" % (os.getpid(), nums))
