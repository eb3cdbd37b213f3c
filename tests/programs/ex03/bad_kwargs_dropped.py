"""Wrong: the Process is created without kwargs, so the child's **kwargs is empty.

Mistake: kwargs={'m': 20} not passed to Process.
Caught by: the child prints {} instead of {'m': 20}.
Fails: child_got_kwargs
"""
import os
from multiprocessing import Process
from time import sleep


def run_proc(name, age, **kwargs):
    for _ in range(10):
        print('子进程运行中，name= %s,age=%d ,pid=%d...' % (name, age, os.getpid()))
        print(kwargs)
        sleep(0.2)


if __name__ == '__main__':
    p = Process(target=run_proc, args=('test', 18))
    p.start()
    sleep(1)
    p.terminate()
    p.join()
    print(f"alive={p.is_alive()} exitcode={p.exitcode}")
