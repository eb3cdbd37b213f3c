"""Wrong: each task copies in text mode ("r"/"w") instead of binary mode.

Mistake: open(..., "r") and open(..., "w"): the bytes are decoded and re-encoded.
Caught by: binary files are not byte-identical in the copy: a file that is not valid UTF-8 makes the
task fail with UnicodeDecodeError (reported, exit code 1, an empty file left in the copy), and line
endings such as \r\n would be rewritten.
Commit 97efe3a also failed the trailing-slash and second-run checks here, with hints about a
trailing slash and "ab" that their evidence did not show (a fresh copy of the same files is wrong
the same way): the bytes are judged once, by copies_are_identical.
Fails: copies_are_identical copies_sub_folders ends_cleanly
"""
import multiprocessing
import os
import stat
import sys
from typing import NoReturn

PROMPT = "请输入要copy的文件夹的名字："
COPY_SUFFIX = "[复件]"
CHUNK_SIZE = 1024 * 1024  # copy 1 MiB at a time: memory stays small whatever the file's size
POOL_SIZE = max(2, min(4, os.cpu_count() or 2))  # never fewer than 2 workers


def copy_file(progress, relative_path: str, source_folder: str, destination_folder: str) -> None:
    """One pool task: copy ONE file, then put (relative_path, error) on the progress queue.

    error is None when the copy worked, else a short text saying what went
    wrong. The report is sent in every case: main counts reports, and a task
    that ended without one would leave main waiting for it forever.
    """
    source_file = os.path.join(source_folder, relative_path)
    destination_file = os.path.join(destination_folder, relative_path)
    try:
        # os.stat follows symbolic links: a link to a file is copied as that
        # file's content, and a broken link raises FileNotFoundError. Anything
        # that is not a regular file (a pipe, a device) is refused, because
        # reading it could block forever.
        if not stat.S_ISREG(os.stat(source_file).st_mode):
            raise OSError("not a regular file")
        with open(source_file, "r") as old_file, open(destination_file, "w") as new_file:
            while True:
                chunk = old_file.read(CHUNK_SIZE)  # never read() the whole file at once
                if chunk == "":
                    break
                new_file.write(chunk)
    except Exception as error:  # whatever went wrong, report it rather than end silently
        progress.put((relative_path, "%s: %s" % (type(error).__name__, error)))
    else:
        progress.put((relative_path, None))


def list_folder(source_folder: str) -> tuple[list[str], list[str], list[tuple[str, str]]]:
    """Walk source_folder; return (sub_folders, files, problems), paths relative to it.

    Sub-folders come parents first, so they can be created in that order.
    problems holds (path, error) for what could not even be listed.
    """
    folders, files, problems = [], [], []

    def remember_problem(error: OSError) -> None:
        problems.append((os.path.relpath(error.filename or source_folder, source_folder), str(error)))

    # followlinks=True copies a link to a folder as a folder. A link that points
    # back to a folder above it would make the walk go round forever, so each
    # folder remembers the real paths of the folders above it.
    real_paths_above = {source_folder: {os.path.realpath(source_folder)}}
    for folder, sub_folders, file_names in os.walk(source_folder, onerror=remember_problem, followlinks=True):
        above = real_paths_above.pop(folder)
        for name in list(sub_folders):
            path = os.path.join(folder, name)
            real_path = os.path.realpath(path)
            if real_path in above:
                sub_folders.remove(name)  # os.walk will not go into it
                problem = "links back to a folder above it, not followed"
                problems.append((os.path.relpath(path, source_folder), problem))
            else:
                real_paths_above[path] = above | {real_path}
                folders.append(os.path.relpath(path, source_folder))
        for name in file_names:
            files.append(os.path.relpath(os.path.join(folder, name), source_folder))
    return folders, files, problems


def stop(message: str) -> NoReturn:
    """End the program with a one-line message on stderr and exit code 2 (no traceback)."""
    print("ex07_folder_copier: " + message, file=sys.stderr)
    sys.exit(2)


def show_progress(percent: float) -> None:
    # "\r" moves back to the start of the line, so each value overwrites the last one.
    print("\r拷贝的进度为：%.2f %%" % percent, end="", flush=True)


def main() -> None:
    # 1. Which folder to copy, and where to: from the command line, or ask.
    arguments = sys.argv[1:]
    if len(arguments) > 2:
        stop("usage: python ex07_folder_copier.py [SRC [DST]]")
    if arguments:
        source_folder = arguments[0]
    else:
        try:
            source_folder = input(PROMPT)
        except EOFError:
            stop("no folder name was given")
    if not os.path.exists(source_folder):
        stop("there is no folder named %r" % source_folder)
    if not os.path.isdir(source_folder):
        stop("%r is not a folder" % source_folder)

    if len(arguments) == 2:
        destination_folder = arguments[1]
    else:
        # abspath drops a trailing "/" (and turns "." into a real name), so the
        # copy lands NEXT TO the source folder, never inside it.
        destination_folder = os.path.abspath(source_folder) + COPY_SUFFIX
    real_source = os.path.realpath(source_folder)
    real_destination = os.path.realpath(destination_folder)
    if os.path.commonpath([real_source, real_destination]) in (real_source, real_destination):
        stop("the copy %r and the folder %r must not be inside one another"
             % (destination_folder, source_folder))

    # 2. List everything first, then recreate the folder tree (empty folders too).
    folders, files, problems = list_folder(source_folder)
    try:
        os.makedirs(destination_folder, exist_ok=True)  # exist_ok: a second run into it works
        for folder in folders:
            os.makedirs(os.path.join(destination_folder, folder), exist_ok=True)
    except OSError as error:
        stop("cannot create the copy's folders: %s" % error)

    # 3. One task per file. A plain multiprocessing.Queue cannot be sent to a
    #    pool task; a Manager's queue can.
    manager = multiprocessing.Manager()
    progress = manager.Queue()
    pool = multiprocessing.Pool(POOL_SIZE)
    for relative_path in files:
        pool.apply_async(copy_file, args=(progress, relative_path, source_folder, destination_folder))
    pool.close()

    # 4. One report per file: count them and show the progress.
    failures = list(problems)
    total = len(files)
    if total == 0:
        show_progress(100.0)  # nothing to copy is a finished copy, not a division by zero
    for done in range(1, total + 1):
        relative_path, error = progress.get()
        if error is not None:
            failures.append((relative_path, error))
        show_progress(done * 100 / total)
    print()
    pool.join()
    manager.shutdown()

    # 5. Say what could not be copied.
    if failures:
        print("%d could not be copied:" % len(failures), file=sys.stderr)
        for relative_path, error in failures:
            print("  %s: %s" % (relative_path, error), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
