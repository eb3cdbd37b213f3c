"""Correct: each task computes (a sum of squares, a few million terms) where the tutorial's
sleeps, and says how long it took; part B as the tutorial has it.

Graded wrong at 05bbc21: "no process spins where it should wait" failed at the task's sum: the
grader took any thread that used a CPU for 0.2 s without sleeping for a spinner, and its hint
spoke of loops that ask again and again, which a computation is not. Now a spin is the same
question asked again and again with no wait in between (a queue, a task, a child, the clock),
counted by the instrumentation; a task that works asks none.
"""
import os
import random
import time
from multiprocessing import Manager, Pool


def 计算(编号):
    开始 = time.time()
    print("%d开始执行,进程号为%d" % (编号, os.getpid()))
    项数 = random.randint(4_000_000, 7_000_000)
    结果 = sum(i * i for i in range(项数))
    print("%d 执行完毕，耗时%0.2f，结果有%d位" % (编号, time.time() - 开始, len(str(结果))))


def 写(队列):
    for 字母 in "itcast":
        队列.put(字母)


def 读(队列):
    for _ in range(6):
        print("reader从Queue获取到消息：%s" % 队列.get())


if __name__ == "__main__":
    池 = Pool(3)
    for 编号 in range(10):
        池.apply_async(计算, (编号,))
    print("----start----")
    池.close()
    池.join()
    print("-----end-----")

    队列 = Manager().Queue()
    池 = Pool(2)
    池.apply_async(写, (队列,)).get()
    池.apply_async(读, (队列,)).get()
    池.close()
    池.join()
