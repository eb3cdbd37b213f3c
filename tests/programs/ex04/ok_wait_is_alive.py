"""Correct: main waits for work1 by polling is_alive() (with a pause) instead of join().

Each process keeps its own nums; work2 is started only once main has seen work1's process end.
"""
import os
import time
import multiprocessing as mp

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
    甲 = mp.Process(target=工作1)
    甲.start()
    while 甲.is_alive():      # 等进程1结束
        time.sleep(0.1)
    乙 = mp.Process(target=工作2)
    乙.start()
    乙.join()
    print("in main pid=%d ,nums=%s" % (os.getpid(), nums))
