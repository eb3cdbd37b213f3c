"""Lets `nox -s check` (and every other session) work from this folder: nox reads only the
noxfile.py of the folder it runs in, so this one loads the kit's own, one folder up."""

import runpy
from pathlib import Path

runpy.run_path(str(Path(__file__).resolve().parent.parent / "noxfile.py"))
