"""Wrong: the positional arguments are given as (18, 'test'), so name and age arrive swapped.

Mistake: args=(18, 'test') instead of ('test', 18).
Caught by: the child's lines say name= 18,age=test (the f-string prints the swapped values without an error).
Fails: child_got_args
"""
import os
from multiprocessing import Process
from time import sleep


def run_proc(name, age, **kwargs):
    for _ in range(10):
        print(f'子进程运行中，name= {name},age={age} ,pid={os.getpid()}...')
        print(kwargs)
        sleep(0.2)


if __name__ == '__main__':
    p = Process(target=run_proc, args=(18, 'test'), kwargs={'m': 20})
    p.start()
    sleep(1)
    p.terminate()
    p.join()
    print(f"alive={p.is_alive()} exitcode={p.exitcode}")
