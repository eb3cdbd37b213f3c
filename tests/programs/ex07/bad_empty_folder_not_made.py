"""Wrong: makes a folder in the copy only where a file goes, so an empty sub-folder of the source
is missing from the copy. imap_unordered, no queue, the copy named `<source>[复件]`.

Mistake: os.makedirs() is called for each file's folder, inside the loop over the files; a folder
with no file in it never gets one.
Caught by: the sub-folders run (its tree has an empty folder). Before (base 7cd918b): the hint
said "os.listdir() lists only the top folder", which this program does not use.
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
    os.makedirs(target, exist_ok=True)
    for root, _dirs, files in os.walk(source):
        rel = os.path.relpath(root, source)
        for f in files:
            os.makedirs(os.path.join(target, rel), exist_ok=True)   # only where there is a file
            pairs.append((os.path.join(root, f), os.path.join(target, rel, f)))
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
