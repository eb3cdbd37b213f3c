"""Correct: every line is printed with an f-string, in the Chinese wording."""
import os
from multiprocessing import Process
from time import sleep


def run_proc(name, age, **kwargs):
    for _ in range(10):
        print(f'子进程运行中，name= {name},age={age} ,pid={os.getpid()}...')
        print(f'{kwargs}')
        sleep(0.2)


def main():
    child = Process(target=run_proc, args=('test', 18), kwargs={'m': 20})
    child.start()
    sleep(1)
    child.terminate()
    child.join()
    alive = child.is_alive()
    code = child.exitcode
    print(f"alive={alive} exitcode={code}")


if __name__ == '__main__':
    main()
