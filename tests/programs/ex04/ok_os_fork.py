"""Correct: the tutorial's older lesson, with os.fork() and os.waitpid() instead of Process (Unix
only), the work in plain functions and each child leaving by os._exit().

fork() copies the whole process, nums included: work1's appends change the copy in its own child
only, and main waits for that child with os.waitpid() before it forks the second one.
Passed at 91cb3ca too (9/9): the order of the children came from their first record, which under
fork is close enough to the fork() call.
"""
import os
import time

nums = [11, 22]


def 工作1():
    print("in process1 pid=%d ,nums=%s" % (os.getpid(), nums))
    for i in range(3):
        nums.append(i)
        time.sleep(1)
        print("in process1 pid=%d ,nums=%s" % (os.getpid(), nums))


def 工作2():
    print("in process2 pid=%d ,nums=%s" % (os.getpid(), nums))


if __name__ == "__main__":
    pid1 = os.fork()
    if pid1 == 0:
        工作1()
        os._exit(0)
    os.waitpid(pid1, 0)          # 等 work1 的子进程结束，再创建第二个
    pid2 = os.fork()
    if pid2 == 0:
        工作2()
        os._exit(0)
    os.waitpid(pid2, 0)
    print("in main pid=%d ,nums=%s" % (os.getpid(), nums))
