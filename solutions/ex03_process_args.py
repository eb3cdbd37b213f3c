"""Exercise 3 (solution): give the child arguments, then stop it early.

The child gets a name and an age as positional arguments and extra keyword
arguments in **kwargs. It would print them 10 times, 0.2 s apart (2 s in all),
but main stops it after 1 s with terminate() and then reports the child's state.
"""
import os
from multiprocessing import Process
from time import sleep


def run_proc(name: str, age: int, **kwargs) -> None:
    """The child's work: show what it was given, 10 times, 0.2 s apart."""
    for _ in range(10):
        # flush=True: a terminated process loses the output still waiting in
        # its buffer (when stdout is a pipe or a file), so push each line out now.
        print('子进程运行中，name= %s,age=%d ,pid=%d...' % (name, age, os.getpid()), flush=True)
        print(kwargs, flush=True)
        sleep(0.2)


def main() -> None:
    # args is a tuple for the positional parameters (name, age);
    # kwargs is a dict that arrives in the child's **kwargs.
    child = Process(target=run_proc, args=('test', 18), kwargs={'m': 20})
    child.start()

    sleep(1)
    # terminate() sends the child the SIGTERM signal: it stops wherever it is,
    # whether or not its loop is done.
    child.terminate()
    # join() waits until the child is really gone; only then are its final
    # state and exit code known.
    child.join()

    # Ask the Process object instead of typing the values in: a child killed by
    # signal N reports exitcode -N, so SIGTERM (15) gives -15.
    print(f"alive={child.is_alive()} exitcode={child.exitcode}")


if __name__ == "__main__":
    main()
