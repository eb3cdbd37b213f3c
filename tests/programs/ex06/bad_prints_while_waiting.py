"""Wrong: main "waits" for the pool by printing "等待任务完成... i" 30,000 times, without a pause.

Mistake: a wait that floods the output with tens of thousands of lines; `close()` and `join()`
come only after it. Past the instrumentation's line cap (20,000 lines a process) nothing
main printed was recorded. At 97efe3a this cut was silent: "-----end----- comes after every task
finished" said main printed no end line, although it did.
Caught by: the checks that read main's output say the output was cut, and where; the grader judges
nothing it did not read. (Until 05bbc21 its printing loop was also failed as a spin, by the CPU it
used without sleeping: a measure that took a task that computes for a spinner too. A spin is now a
question asked again and again with no wait in between, and printing asks nothing. At 1d5cab3 it
ran out of its 10 s budget 59 times in 100 at load 50-90, main blocked on the grader's own channel
for most of it; the budget no longer counts such waits: tests/test_timeline.py.)
Fails: end_after_all_tasks
"""
import os
import random
import time
from multiprocessing import Manager, Pool


def worker(msg):
    t_start = time.time()
    print("%s开始执行,进程号为%d" % (msg, os.getpid()))
    time.sleep(random.random() * 2)
    t_stop = time.time()
    print(msg, "执行完毕，耗时%0.2f" % (t_stop - t_start))


def writer(q):
    for letter in "itcast":
        q.put(letter)


def reader(q):
    for _ in range(6):
        print("reader从Queue获取到消息：%s" % q.get())


if __name__ == "__main__":
    po = Pool(3)
    results = [po.apply_async(worker, (i,)) for i in range(10)]
    print("----start----")
    for i in range(30000):   # "wait a while" by printing a dot line each time round
        print("等待任务完成...", i)
    po.close()
    po.join()
    print("-----end-----")

    q = Manager().Queue()
    po = Pool()
    po.apply_async(writer, (q,)).get()
    po.apply_async(reader, (q,)).get()
    po.close()
    po.join()
