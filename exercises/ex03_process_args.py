"""Exercise 3: pass arguments to a child, then stop it early.

THE IDEA
    Process(target=f, args=(...), kwargs={...}) makes the child call
    f(*args, **kwargs): args is a TUPLE of positional arguments (one
    argument needs a trailing comma: args=('test',)), kwargs a DICT of
    keyword arguments. The values are copied into the child.

    p.terminate() stops the child whatever it is doing: on Linux and macOS it
    sends the SIGTERM signal (Windows ends the child its own way, and reports
    it the same way). p.join() then waits until the child is really
    gone. After that the Process object can tell you what happened:
        p.is_alive()   False once the child has ended
        p.exitcode     0 if the child returned normally; -N if a signal N
                       killed it, so -15 after terminate() (SIGTERM is 15);
                       None while it is still running

YOUR TASK
    1. In run_proc(name, age, **kwargs), loop 10 times: print the name, the
       age and the child's own pid; print kwargs; sleep 0.2 s.
    2. In main, create the Process with args ('test', 18) and kwargs {'m': 20}
       and start it.
    3. Sleep 1 s, then terminate() the child and join() it. The child would
       need 2 s for its 10 rounds, so it is stopped after about 5.
    4. Print the child's state, read from the Process object.

WHAT IT PRINTS (about 5 rounds, then main's line)
        子进程运行中，name= test,age=18 ,pid=4712...
        {'m': 20}
        ...
        alive=False exitcode=-15
    English accepted for the child's line:
        child running, name=test, age=18, pid=4712...
    In Python:
        print('子进程运行中，name= %s,age=%d ,pid=%d...' % (name, age, os.getpid()))
        print(kwargs)
        print(f"alive={p.is_alive()} exitcode={p.exitcode}")

RUN IT
    python exercises/ex03_process_args.py

CHECK IT
    nox -s check -- ex03

TRAPS
    * Order matters in args: ('test', 18) gives name='test', age=18.
    * Without kwargs={'m': 20} the child prints {}.
    * Print the state AFTER join(): right after terminate() the child may not
      have died yet, and you would see alive=True exitcode=None.
    * Do not type the values in (print("alive=False exitcode=-15")): the line
      must report what really happened, so read p.is_alive() and p.exitcode.
    * Keep `if __name__ == "__main__":` (the spawn start method of macOS and
      Windows imports this file again in the child).
"""
import os
from multiprocessing import Process
from time import sleep


def run_proc(name: str, age: int, **kwargs) -> None:
    """The child's work: show what it was given, 10 times, 0.2 s apart."""
    # TODO 1: loop 10 times: print name, age and os.getpid() (see the docstring
    #         for the exact line), then print(kwargs), then sleep(0.2).
    pass


def main() -> None:
    # TODO 2: create a Process for run_proc with args ('test', 18) and kwargs {'m': 20}; start it.
    # TODO 3: sleep(1), then stop the child with terminate() and wait for it with join().
    # TODO 4: print f"alive={...} exitcode={...}" with values asked from the Process object.
    pass


if __name__ == "__main__":
    main()
