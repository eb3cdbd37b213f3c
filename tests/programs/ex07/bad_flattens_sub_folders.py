"""Wrong: walks the whole tree with os.walk, but copies every file into the copy's top folder
(`os.path.join(target, f)`): the sub-folders are made, and stay empty. A pool's imap_unordered, no
queue, the progress counted from the results as they come.

Mistake: the path in the copy is built from the file's name alone, not from its path relative
to the source; two files of the same name in different folders would overwrite each other.
Caught by: the sub-folders run: the files of the sub-folders are missing where they belong, and
the hint says they are in the copy under the top folder. Before (base 91d6942): the hint said
"os.listdir() lists only the top folder", which this program does not use.
Fails: copies_sub_folders
"""
import os
import shutil
import sys
from multiprocessing import Pool


def copy_one(pair):
    src, dst = pair
    try:
        shutil.copyfile(src, dst)
        return None
    except OSError as err:
        return f"{src}: {err}"


def main():
    source = sys.argv[1] if len(sys.argv) > 1 else input("folder to copy: ")
    source = source.rstrip("/\\") or source
    if not os.path.isdir(source):
        sys.exit(f"no such folder: {source}")
    target = source + "[复件]"
    pairs = []
    for root, _dirs, files in os.walk(source):
        rel = os.path.relpath(root, source)
        os.makedirs(os.path.join(target, rel), exist_ok=True)
        pairs += [(os.path.join(root, f), os.path.join(target, f)) for f in files]
    failed = []
    with Pool(4) as pool:
        for done, problem in enumerate(pool.imap_unordered(copy_one, pairs), 1):
            if problem:
                failed.append(problem)
            print(f"\rprogress: {done * 100 / len(pairs):.1f}%", end="", flush=True)
    print()
    if not pairs:
        print("progress: 100.0%")
    for problem in failed:
        print(problem, file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
