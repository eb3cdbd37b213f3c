"""Wrong: the folder's name is only read from the command line, never asked for.

Mistake: source = sys.argv[1], with no input() when no argument is given: run as
`python ex07_folder_copier.py` (the tutorial's way, which types the name at the prompt), it stops
with IndexError before copying anything: its main run did not start (the runs the grader gives
an argument to are not judged then: every other check is skipped).
Fails: no_process_crashed
"""
import multiprocessing
import os
import sys


def copy_file(queue, name, source, target):
    """Copy one file in 1 MiB chunks; always report (name, error)."""
    try:
        with open(os.path.join(source, name), "rb") as old, open(os.path.join(target, name), "wb") as new:
            while True:
                chunk = old.read(1024 * 1024)
                if not chunk:
                    break
                new.write(chunk)
    except OSError as error:
        queue.put((name, str(error)))
    else:
        queue.put((name, None))


def main():
    source = sys.argv[1]
    if not os.path.isdir(source):
        print("没有这个文件夹：%s" % source, file=sys.stderr)
        sys.exit(2)
    target = os.path.abspath(source) + "[复件]"
    os.makedirs(target, exist_ok=True)

    names = []
    for folder, _, files in os.walk(source):
        os.makedirs(os.path.join(target, os.path.relpath(folder, source)), exist_ok=True)
        names += [os.path.relpath(os.path.join(folder, f), source) for f in files]

    queue = multiprocessing.Manager().Queue()
    pool = multiprocessing.Pool(3)
    for name in names:
        pool.apply_async(copy_file, (queue, name, source, target))
    pool.close()

    failed = []
    if not names:
        print("\r拷贝的进度为：100.00 %", end="")
    for done in range(1, len(names) + 1):
        name, error = queue.get()
        if error:
            failed.append("%s: %s" % (name, error))
        print("\r拷贝的进度为：%.2f %%" % (done * 100 / len(names)), end="", flush=True)
    print()
    pool.join()
    if failed:
        print("没有拷贝成功的文件：", *failed, sep="\n", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
