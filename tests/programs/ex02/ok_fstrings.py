"""Correct: the Chinese lines built with f-strings instead of % formatting."""
import os
from multiprocessing import Process


def run_proc():
    print(f"子进程运行中，pid={os.getpid()}...")
    print("子进程将要结束...")


def main():
    print(f"父进程pid: {os.getpid()}")
    child = Process(target=run_proc)
    child.start()
    child.join()


if __name__ == "__main__":
    main()
