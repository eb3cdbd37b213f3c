"""Correct: the keyword arguments are built with dict(m=20) and the positional ones with a list."""
import os
from multiprocessing import Process
from time import sleep


def run_proc(name, age, **kwargs):
    for _ in range(10):
        print('子进程运行中，name= %s,age=%d ,pid=%d...' % (name, age, os.getpid()))
        print(kwargs)
        sleep(0.2)


if __name__ == '__main__':
    p = Process(target=run_proc, args=['test', 18], kwargs=dict(m=20))
    p.start()
    sleep(1)
    p.terminate()
    p.join()
    print(f"alive={p.is_alive()} exitcode={p.exitcode}")
