"""Exercise 7: a folder copier that copies with a process pool and shows its progress.

THE IDEA
--------
Copying a folder is many independent jobs, one per file: a good fit for a
Pool (exercise 6). Main plans the work, the pool's workers do it:

  1. main lists every file of the folder, sub-folders included, and creates
     the same folder tree in the destination;
  2. main hands the pool one TASK per file with apply_async (not apply,
     which would copy one file at a time);
  3. each task copies its one file and then puts a short report on a
     PROGRESS QUEUE;
  4. main get()s one report per file and prints the progress after each.

The queue must be a Manager().Queue(): a plain multiprocessing.Queue cannot
be sent to a pool task (exercise 6).

Copy bytes, in chunks. Open both files in binary mode ("rb" and "wb"): text
mode decodes and re-encodes, which breaks images, archives and zip files,
and even changes line endings. And never read() a whole file at once: a
1 GB file would need 1 GB of memory in the worker. Read and write a chunk at
a time (say 1 MiB) until read() returns b"" - or let shutil.copyfileobj(src,
dst, 1024 * 1024) or shutil.copyfile() do that loop for you.

Why a task must report even when it fails. An exception inside an
apply_async task is stored, not printed. If a task dies before its put(),
its report never comes, and main's loop of q.get() waits for it FOREVER.
The tutorial's copier does exactly that on a sub-folder: it opens the
sub-folder as if it were a file, the task raises IsADirectoryError, nobody
sees it, and the progress stops at, say, 75 % for ever. So wrap the copy in
try/except and put a report in every case, for example
(relative_path, None) when it worked and (relative_path, "the error")
when it did not. Then the count always reaches 100 %, and main knows what
failed.

THE TASK
--------
  python exercises/ex07_folder_copier.py [SRC [DST]]

  - With no argument, ask for SRC with input() and the prompt below.
  - If SRC does not exist or is not a folder: print one clear line on
    stderr and exit with code 2 (sys.exit(2)), no traceback.
  - DST is by default a new folder NEXT TO SRC named SRC + "[复件]". Drop
    a trailing "/" first (`src/` must not give `src/[复件]`, a folder
    inside the source!): os.path.abspath(SRC) + "[复件]" does it. Create it
    with os.makedirs(..., exist_ok=True) so that a second run into the same
    destination works.
  - Copy every file, sub-folders included (os.walk lists them all), with a
    multiprocessing.Pool of at least 2 workers, e.g.
    max(2, min(4, os.cpu_count() or 2)). Each task copies ONE file, in
    binary chunks, and reports on the Manager().Queue() when done or failed.
    A symbolic link is followed (its content is copied); a broken link is a
    failure of that one entry.
  - After each report print the progress on the same line (see below); at
    the end print a newline. The progress never goes down and ends at
    100.00. An empty folder gives 100.00 at once (no ZeroDivisionError).
  - If something failed: list the failures on stderr and exit with code 1.
  - Never change anything inside SRC.

THE LINES TO PRINT
------------------
  the prompt:    请输入要copy的文件夹的名字：
  the progress:  print("\\r拷贝的进度为：%.2f %%" % percent, end="", flush=True)
                 which shows 拷贝的进度为：37.50 % and, at the end,
                 拷贝的进度为：100.00 %
  "\\r" goes back to the start of the line, so each value overwrites the
  previous one; end="" stays on that line; flush=True shows it at once.

RUN IT AND CHECK IT
-------------------
  python exercises/ex07_folder_copier.py some_folder
  nox -s check -- ex07               the checks, with what they saw
  nox -s hint -- ex07                a hint, if you are stuck

TRAPS
-----
  - Only os.listdir(SRC): sub-folders are not files, their tasks raise, and
    the progress loop waits forever (see above).
  - len(file_name) instead of len(file_names) for the total: the length of
    one name ("a.txt" -> 5), not the number of files.
  - Progress as files_left / total: it counts down instead of up.
  - 100 / total with total == 0 on an empty folder: ZeroDivisionError.
  - Text mode ("r"/"w") copies: binary files come out broken.
  - f.read() of the whole file: memory grows with the file.
  - Busy-waiting with `while q.empty(): pass` instead of a plain q.get().
  - Calling copy_file(...) yourself, or po.apply: the copying is then done
    by main, or one file at a time.
  - Manager().Queue without the (): that is the method, not a queue.
"""
import multiprocessing
import os
import sys

PROMPT = "请输入要copy的文件夹的名字："
CHUNK_SIZE = 1024 * 1024  # 1 MiB per read


def copy_file(progress, relative_path: str, source_folder: str, destination_folder: str) -> None:
    """One pool task: copy ONE file, then put (relative_path, error) on the progress queue.

    error is None when the copy worked, or a short text saying what went wrong.
    """
    # TODO 1: build the two full paths with os.path.join(folder, relative_path).
    # TODO 2: in a try: open the source "rb" and the destination "wb"; copy CHUNK_SIZE
    #         bytes at a time until read() returns b"".
    # TODO 3: except Exception as error: put (relative_path, str(error)) on progress;
    #         otherwise put (relative_path, None). Every task must put exactly one report.
    pass


def main() -> None:
    # TODO 4: SRC from sys.argv[1], or input(PROMPT) when there is no argument.
    #         Not a folder: print a line to sys.stderr and sys.exit(2).
    # TODO 5: DST from sys.argv[2], or os.path.abspath(SRC) + "[复件]" (no trailing "/");
    #         os.makedirs(DST, exist_ok=True).
    # TODO 6: os.walk(SRC): create each sub-folder under DST (exist_ok=True) and collect
    #         every file's path relative to SRC (os.path.relpath).
    # TODO 7: progress = multiprocessing.Manager().Queue(); a multiprocessing.Pool of
    #         at least 2 workers; apply_async(copy_file, ...) for each file; close().
    # TODO 8: get one report per file and print the progress line after each; an empty
    #         folder prints 100.00 at once. Then print(), join() the pool.
    # TODO 9: if any report carried an error: list them on sys.stderr and sys.exit(1).
    pass


if __name__ == "__main__":
    main()
