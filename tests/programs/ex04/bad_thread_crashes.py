"""Wrong: right processes and lists, but a thread of main crashes on a typo.

Mistake: an uncaught exception in a thread of main.
Caught by: the thread's traceback on stderr.
Fails: no_process_crashed
"""
import os
import threading
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


def count():
    total = sum(numbers)  # typo: no such name


if __name__ == "__main__":
    p1 = Process(target=work1)
    p1.start()
    p1.join()
    p2 = Process(target=work2)
    p2.start()
    p2.join()
    print("in main pid=%d ,nums=%s" % (os.getpid(), nums))
    threading.Thread(target=count).start()
