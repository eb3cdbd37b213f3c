"""Wrong: main waits for work1 by asking is_alive() in a loop, and work1 keeps time by the clock.

Mistake: `while p1.is_alive(): pass` instead of p1.join(), and in work1 a busy loop on
time.time() where time.sleep(4) belongs: the lists come out right and in the right order, but two
processes burn a CPU core each while they only wait.
Caught by: main (and work1) never sleep while work1 runs. Commit 97efe3a passed every check of ex04
on this program.
Fails: waits_without_spinning
"""
import os
import time
from multiprocessing import Process

nums = [11, 22]


def 等一等(秒):
    到点 = time.time() + 秒
    while time.time() < 到点:
        pass


def work1():
    print("in process1 pid=%d ,nums=%s" % (os.getpid(), nums))
    for i in range(3):
        nums.append(i)
        等一等(4)
        print("in process1 pid=%d ,nums=%s" % (os.getpid(), nums))


def work2():
    print("in process2 pid=%d ,nums=%s" % (os.getpid(), nums))


if __name__ == "__main__":
    p1 = Process(target=work1)
    p1.start()
    while p1.is_alive():
        pass
    p2 = Process(target=work2)
    p2.start()
    p2.join()
    print("in main pid=%d ,nums=%s" % (os.getpid(), nums))
