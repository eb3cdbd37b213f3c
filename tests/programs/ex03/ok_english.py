"""Correct: the solution's behaviour with the English wording of the child's line."""
import os
from multiprocessing import Process
from time import sleep


def run_proc(name, age, **kwargs):
    for _ in range(10):
        print("child running, name=%s, age=%d, pid=%d..." % (name, age, os.getpid()))
        print(kwargs)
        sleep(0.2)


if __name__ == "__main__":
    p = Process(target=run_proc, args=("test", 18), kwargs={"m": 20})
    p.start()
    sleep(1)
    p.terminate()
    p.join()
    print(f"alive={p.is_alive()} exitcode={p.exitcode}")
