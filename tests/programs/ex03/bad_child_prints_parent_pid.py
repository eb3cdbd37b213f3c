"""Wrong: the child prints os.getppid(), its parent's pid, instead of its own.

Mistake: os.getppid() where os.getpid() was meant.
Caught by: the pid in the child's line is not the child's.
Fails: child_prints_its_pid
"""
import os
from multiprocessing import Process
from time import sleep


def run_proc(name, age, **kwargs):
    for _ in range(10):
        print('子进程运行中，name= %s,age=%d ,pid=%d...' % (name, age, os.getppid()), flush=True)
        print(kwargs, flush=True)
        sleep(0.2)


if __name__ == "__main__":
    p = Process(target=run_proc, args=('test', 18), kwargs={'m': 20})
    p.start()
    sleep(1)
    p.terminate()
    p.join()
    print(f"alive={p.is_alive()} exitcode={p.exitcode}")
