"""Wrong: the copy always goes to a folder named `backup`, whatever folder was asked for.

Mistake: a hard-coded destination, `os.path.join(os.path.dirname(...), "backup")`, instead of a name
made from the source's (`data[复件]`): a second folder copied overwrites the first one's copy.
Caught by: the one new folder next to the source does not carry the source's name. Commit 97efe3a
passed "makes the copy" on this program (any one new folder was taken for the copy).
Fails: makes_the_copy
"""
import os
import sys
from multiprocessing import Manager, Pool


def copy_one(q, src_dir, dst_dir, rel):
    error = None
    try:
        with open(os.path.join(src_dir, rel), "rb") as fin, open(os.path.join(dst_dir, rel), "wb") as fout:
            while chunk := fin.read(256 * 1024):
                fout.write(chunk)
    except OSError as e:
        error = f"{rel}: {e}"
    q.put(error)


if __name__ == "__main__":
    src = sys.argv[1] if len(sys.argv) > 1 else input("folder to copy: ")
    if not os.path.isdir(src):
        sys.exit(f"no such folder: {src}")
    dst = os.path.join(os.path.dirname(os.path.abspath(src)), "backup")
    todo = []
    for here, _, files in os.walk(src):
        os.makedirs(os.path.join(dst, os.path.relpath(here, src)), exist_ok=True)
        todo += [os.path.relpath(os.path.join(here, f), src) for f in files]
    q = Manager().Queue()
    with Pool(3) as pool:
        for rel in todo:
            pool.apply_async(copy_one, (q, src, dst, rel))
        errors = []
        if not todo:
            print("copy progress: 100.00%")
        for done in range(1, len(todo) + 1):
            error = q.get()
            if error:
                errors.append(error)
            print(f"\rcopy progress: {done * 100 / len(todo):.2f}%", end="", flush=True)
        print()
        pool.close()
        pool.join()
    for error in errors:
        print("failed:", error, file=sys.stderr)
    sys.exit(1 if errors else 0)
