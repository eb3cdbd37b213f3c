"""Wrong: main stops the child with p.kill() instead of p.terminate(); the state is printed as a
dict, `{'alive': False, 'exitcode': -9}`, f-strings, Chinese words.

Mistake: kill() sends SIGKILL (exit code -9), which the child cannot catch; the lesson is about
terminate() (SIGTERM, exit code -15).
Caught by: the instrumentation records each terminate() call; the child was stopped early with
none. Before (base fcade28): full marks, the check passed on "stopped early" alone.
Fails: child_terminated_early
"""
from multiprocessing import Process
import os, time


def run_proc(name, age, **kwargs):
    for i in range(10):
        print(f"子进程运行中 name={name} age={age} pid={os.getpid()}")
        print(kwargs)
        time.sleep(0.2)


if __name__ == "__main__":
    p = Process(target=run_proc, args=("test", 18), kwargs={"m": 20})
    p.start()
    time.sleep(1)
    p.kill()
    p.join()
    print({"alive": p.is_alive(), "exitcode": p.exitcode})
