"""Correct: main prints 主进程 and the child prints 子进程, once a second each."""
import time
from multiprocessing import Process


def run_proc():
    while True:
        print("子进程")
        time.sleep(1)


if __name__ == "__main__":
    p = Process(target=run_proc)
    p.start()
    while True:
        print("主进程")
        time.sleep(1)
