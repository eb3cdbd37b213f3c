"""Correct: the tasks word their lines their own way, `0 任务执行了 pid 4711` and `0 耗时0.53`
(no 开始/完毕), and the reader prints `读到 i` (no "reader" in its line).

Graded wrong at 97efe3a: tasks were found by the words 开始/完毕, the reader by "reader ...:",
so this program failed each_task_runs_once and reader_got_every_letter.
"""
import os
import random
import time
from multiprocessing import Manager, Pool


def 任务(编号):
    开始时间 = time.time()
    print("%d 任务执行了 pid %d" % (编号, os.getpid()))
    time.sleep(random.random() * 2)
    print("%d 耗时%0.2f" % (编号, time.time() - 开始时间))


def 写(队列):
    for 字母 in "itcast":
        队列.put(字母)


def 读(队列):
    for _ in range(6):
        print("读到", 队列.get())


if __name__ == "__main__":
    进程池 = Pool(3)
    for i in range(10):
        进程池.apply_async(任务, (i,))
    print("----start----")
    进程池.close()
    进程池.join()
    print("-----end-----")

    队列 = Manager().Queue()
    进程池 = Pool(2)
    进程池.apply_async(写, (队列,))
    进程池.apply_async(读, (队列,))
    进程池.close()
    进程池.join()
