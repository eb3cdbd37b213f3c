"""Wrong: the tutorial's older lesson with os.fork() (Unix only): main forks work1's child, then
work2's at once, and only then waits for both.

Mistake: os.waitpid(pid1, 0) comes after the second fork() instead of before it, so work2 runs
while work1 is still appending (it sees [11, 22] only because fork() copied nums, not because
work1 had finished).
Caught by: the moment main called fork() for work2 (recorded before the fork, as start() is) came
before work1's child ended.
Misjudged at 91cb3ca: the two children were told apart by their first record, which came first
from the second child in 4 runs of 6 under fork: work1 and work2 were swapped, and work1_sees_growth and
work2_sees_original failed ("work1's appends reached work2") beside the right check; and the
message spoke of start() and p1.join(), which this program never calls.
Fails: work2_after_work1
"""
import os
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
    children = []
    for work in (work1, work2):
        pid = os.fork()
        if pid == 0:
            work()
            os._exit(0)
        children.append(pid)
    for pid in children:
        os.waitpid(pid, 0)
    print("in main pid=%d ,nums=%s" % (os.getpid(), nums))
