"""Wrong: right run, but a thread that should log the child's state crashes on a typo.

Mistake: an uncaught exception in a thread of main.
Caught by: the thread's traceback on stderr.
Fails: no_process_crashed
"""
import os
import threading
from multiprocessing import Process
from time import sleep


def run_proc(name, age, **kwargs):
    for _ in range(10):
        print('子进程运行中，name= %s,age=%d ,pid=%d...' % (name, age, os.getpid()), flush=True)
        print(kwargs, flush=True)
        sleep(0.2)


def log_state(p):
    print("state", p.exit_code)  # typo: the attribute is exitcode


if __name__ == "__main__":
    p = Process(target=run_proc, args=('test', 18), kwargs={'m': 20})
    p.start()
    sleep(1)
    p.terminate()
    p.join()
    print(f"alive={p.is_alive()} exitcode={p.exitcode}")
    threading.Thread(target=log_state, args=(p,)).start()
