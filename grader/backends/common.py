"""What both backends do the same way on a POSIX system: signal, sweep a user id, remove strays."""

from __future__ import annotations

import os
import signal
import time

STRAY_FOLDERS = ("/tmp", "/var/tmp", "/dev/shm")  # world-writable: where a program could leave files


def send(pid: int, sig: int) -> bool:
    try:
        os.kill(pid, sig)
        return True
    except OSError:
        return False


def kill_user(uid: int, statuses: dict[int, int], user_pids, reap_them, alive, wait_seconds: float = 2.0) -> int:
    """Every process of the run's own user id (`user_pids(uid)` lists them), wherever it ended up:
    the last sweep. Waits (a while) until they are gone (`alive(pid)` is false)."""
    victims: list[int] = []
    for _ in range(5):   # again while some appear: one may fork between the scan and its kill
        fresh = [pid for pid in user_pids(uid) if pid not in victims and send(pid, signal.SIGKILL)]
        if not fresh:
            break
        victims += fresh
    deadline = time.monotonic() + wait_seconds
    while any(alive(pid) for pid in victims) and time.monotonic() < deadline:
        reap_them(statuses)
        time.sleep(0.01)
    reap_them(statuses)
    return len(victims)


def remove_strays(uid: int, folders=STRAY_FOLDERS) -> list[str]:
    """Files the program's user left in the world-writable folders: listed, then removed."""
    found = []
    for folder in folders:
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            try:
                if entry.stat(follow_symlinks=False).st_uid != uid:
                    continue
            except OSError:
                continue
            if not entry.name.startswith(("sem.mp-", "mp-")):
                # multiprocessing's own semaphores and temp folders, left by a process ended with
                # os._exit: removed, but not held against the program
                found.append(entry.path)
            try:
                if entry.is_dir(follow_symlinks=False):
                    import shutil
                    shutil.rmtree(entry.path, ignore_errors=True)
                else:
                    os.unlink(entry.path)
            except OSError:
                pass
    return found


