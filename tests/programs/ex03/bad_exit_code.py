"""Wrong: everything right, but main ends with sys.exit(1), as if something had failed.

Mistake: a non-zero exit code for a run that went well.
Caught by: main's exit code.
Fails: ends_cleanly
"""
import os
import sys
from multiprocessing import Process
from time import sleep


def run_proc(name, age, **kwargs):
    for _ in range(10):
        print('子进程运行中，name= %s,age=%d ,pid=%d...' % (name, age, os.getpid()), flush=True)
        print(kwargs, flush=True)
        sleep(0.2)


if __name__ == "__main__":
    p = Process(target=run_proc, args=('test', 18), kwargs={'m': 20})
    p.start()
    sleep(1)
    p.terminate()
    p.join()
    print(f"alive={p.is_alive()} exitcode={p.exitcode}")
    sys.exit(1)
