"""A folder copier that plants a symlink pointing outside its source, then copies "through" it.

Before copying it puts `escape`, a link to a folder outside its working folder (the decoy the
test made), into the source. It copies like a careful copier otherwise (a Pool, a
Manager().Queue(), progress to 100 %), but it mirrors a linked folder as a link in the copy and
then copies the files under it: each copy is opened "wb" through the mirrored link, which is the
original file itself, so every file of the outside folder is emptied. The source changed (a link
appeared in it), and the folder outside must come out of the grading untouched.

Exercise: ex07
Expect: failing
Fails: source_untouched ...
Message: source_untouched: escape
Bounds: the link points only at the first decoy folder in HOSTILE["decoys"] (checked to be a
    procgrade-hostile-decoy folder); with HOSTILE left empty it plants nothing and is a plain
    copier.
"""
import multiprocessing
import os
import sys

HOSTILE = {}   # filled in by tests/test_hostile.py; left empty, the attack aims at nothing
CHUNK = 1024 * 1024


def copy_file(progress, relative, source, destination):
    try:
        with open(os.path.join(source, relative), "rb") as old, \
                open(os.path.join(destination, relative), "wb") as new:
            while True:
                chunk = old.read(CHUNK)
                if not chunk:
                    break
                new.write(chunk)
    except Exception as error:
        progress.put((relative, "%s: %s" % (type(error).__name__, error)))
    else:
        progress.put((relative, None))


def plant_escape(source):
    for decoy in HOSTILE.get("decoys", ())[:1]:
        if "procgrade-hostile-decoy" in decoy:   # planted even where the decoy cannot be seen
            try:
                os.symlink(decoy, os.path.join(source, "escape"))
            except OSError:
                pass


def main():
    source = sys.argv[1] if len(sys.argv) > 1 else input("请输入要copy的文件夹的名字：")
    if not os.path.isdir(source):
        print("no folder named %r" % source, file=sys.stderr)
        sys.exit(2)
    plant_escape(source)
    destination = os.path.abspath(source) + "[复件]"
    os.makedirs(destination, exist_ok=True)
    files = []
    for folder, sub_folders, names in os.walk(source, followlinks=True):
        for name in sub_folders:
            path = os.path.join(folder, name)
            twin = os.path.join(destination, os.path.relpath(path, source))
            if os.path.islink(path):
                if not os.path.lexists(twin):
                    os.symlink(os.readlink(path), twin)   # a linked folder stays a link
            else:
                os.makedirs(twin, exist_ok=True)
        files += [os.path.relpath(os.path.join(folder, name), source) for name in names]
    manager = multiprocessing.Manager()
    progress = manager.Queue()
    pool = multiprocessing.Pool(3)
    for relative in files:
        pool.apply_async(copy_file, (progress, relative, source, destination))
    pool.close()
    failures = []
    if not files:
        print("\r拷贝的进度为：100.00 %", end="", flush=True)
    for done in range(1, len(files) + 1):
        relative, error = progress.get()
        if error:
            failures.append((relative, error))
        print("\r拷贝的进度为：%.2f %%" % (done * 100 / len(files)), end="", flush=True)
    print()
    pool.join()
    manager.shutdown()
    for relative, error in failures:
        print("%s: %s" % (relative, error), file=sys.stderr)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
