"""Wrong: main never calls terminate(), so join() waits for all 10 rounds.

Mistake: p.terminate() missing.
Caught by: the child prints all 10 rounds (about 2 s) and exits normally: main prints alive=False exitcode=0.
Fails: child_terminated_early
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
    p = Process(target=run_proc, args=('test', 18), kwargs={'m': 20})
    p.start()
    sleep(1)
    p.join()
    print(f"alive={p.is_alive()} exitcode={p.exitcode}")
