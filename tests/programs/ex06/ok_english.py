"""Correct: the English wording, f-strings, and a reader that stops on a sentinel the writer puts last."""
import os
import random
import time
from multiprocessing import Manager, Pool


def worker(msg: int) -> None:
    started = time.time()
    print(f"task {msg} started, pid {os.getpid()}")
    time.sleep(random.random() * 2)
    print(f"task {msg} done, took {time.time() - started:0.2f} s")


def part_a() -> None:
    po = Pool(3)
    results = [po.apply_async(worker, (i,)) for i in range(10)]
    print("----start----")
    po.close()
    po.join()
    for result in results:
        result.get()
    print("-----end-----")


def writer(q) -> None:
    print(f"writer started ({os.getpid()}), parent ({os.getppid()})")
    for letter in "itcast":
        q.put(letter)
    q.put(None)


def reader(q) -> None:
    print(f"reader started ({os.getpid()}), parent ({os.getppid()})")
    while (letter := q.get()) is not None:
        print(f"reader got: {letter}")


def part_b() -> None:
    print(f"({os.getpid()}) start")
    with Manager() as manager:
        q = manager.Queue()
        po = Pool(2)
        writing = po.apply_async(writer, (q,))
        time.sleep(1)
        reading = po.apply_async(reader, (q,))
        po.close()
        writing.get()
        reading.get()
        po.join()
    print(f"({os.getpid()}) End")


def main() -> None:
    part_a()
    part_b()


if __name__ == "__main__":
    main()
