"""Wrong: work1 and work2 run in threads, which share the one global list.

Mistake: threading.Thread instead of multiprocessing.Process.
Caught by: work2 and main print [11, 22, 0, 1, 2], and every line comes from main's pid (no child process).
Fails: two_child_processes
"""
import os
import threading
import time

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
    t1 = threading.Thread(target=work1)
    t1.start()
    t1.join()
    t2 = threading.Thread(target=work2)
    t2.start()
    t2.join()
    print("in main pid=%d ,nums=%s" % (os.getpid(), nums))
