"""Wrong: apply instead of apply_async, worded otherwise (`第3个任务 由 4711 执行`, `第3个任务 用时0.41`).

Mistake: po.apply waits for each task before main hands over the next one.
Caught by: the tasks run one after another, never 2 or 3 at once.
Graded wrong at 97efe3a for another reason: its lines carry no 开始/完毕, so it failed
each_task_runs_once ("start lines for no task") instead of naming apply.
Fails: tasks_overlap
"""
import os
import random
import time
from multiprocessing import Manager, Pool


def 任务(编号):
    t0 = time.time()
    print(f"第{编号}个任务 由 {os.getpid()} 执行")
    time.sleep(random.random() * 2)
    print(f"第{编号}个任务 用时{time.time() - t0:.2f}")


def 写(队列):
    for 字母 in "itcast":
        队列.put(字母)


def 读(队列):
    for _ in range(6):
        print("读到", 队列.get())


if __name__ == "__main__":
    进程池 = Pool(3)
    for i in range(10):
        进程池.apply(任务, (i,))
    print("----start----")
    进程池.close()
    进程池.join()
    print("-----end-----")

    队列 = Manager().Queue()
    进程池 = Pool(2)
    结果 = [进程池.apply_async(写, (队列,)), 进程池.apply_async(读, (队列,))]
    for r in 结果:
        r.get()
    进程池.close()
    进程池.join()
