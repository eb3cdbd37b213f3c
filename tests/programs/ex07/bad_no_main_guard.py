"""Wrong: main() is called at the top level of the file, without `if __name__ == "__main__":`.

Mistake: no __main__ guard. Under spawn and forkserver every pool worker imports the file again,
so the worker runs main() too: it asks for a folder, starts a Manager and a Pool of its own.
Under fork the file is not imported again, and the program works.
Fails under spawn, forkserver: copied_by_pool_workers copies_are_identical copies_sub_folders empty_folder_gives_empty_copy ends_cleanly every_file_copied memory_stays_small no_process_crashed progress_ends_at_100 progress_never_goes_down second_run_into_existing_copy trailing_slash_copies_next_to_it
Fails under fork:
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
    source = sys.argv[1] if len(sys.argv) > 1 else input("请输入要copy的文件夹的名字：")
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


main()
