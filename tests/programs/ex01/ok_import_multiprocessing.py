"""Correct: the first shape written with `import multiprocessing` and qualified names."""
import multiprocessing
import time


def run_proc():
    while True:
        print("----2----")
        time.sleep(1)


def main():
    child = multiprocessing.Process(target=run_proc)
    child.start()
    while True:
        print("----1----")
        time.sleep(1)


if __name__ == "__main__":
    main()
