"""Correct: the pids from multiprocessing.current_process() and parent_process(), not os; the
child named by the learner (name="小明"); Chinese identifiers, f-strings."""
import multiprocessing as mp
import time


def 子进程任务():
    自己 = mp.current_process()
    print(f"子进程 {自己.name} 运行中, pid={自己.pid}, 父进程 pid={mp.parent_process().pid}")
    time.sleep(2)
    print("子进程将要结束...")


if __name__ == "__main__":
    print(f"父进程 pid: {mp.current_process().pid}")
    子 = mp.Process(target=子进程任务, name="小明")
    子.start()
    子.join()
    print("父进程结束")
