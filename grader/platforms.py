"""The same checks on other platforms' machines: a Gradescope autograder bundle, and GitHub
Classroom's autograding workflow. The templates live in platforms/; this module builds the
bundle, and is what their scripts run.

- Gradescope: `nox -s gradescope` builds dist/autograder.zip (setup.sh, run_autograder, the
  grader; never solutions/). Gradescope runs `run_autograder` for each submission, which runs
  `python -m grader gradescope`: grade /autograder/submission, write
  /autograder/results/results.json. PROCGRADE_AUTOGRADER_ROOT points it at another root (tests).
- GitHub Classroom: platforms/github-classroom/classroom.yml runs `python -m grader classroom`
  on every push; it writes the points where Classroom's grading reporter reads them.
"""

from __future__ import annotations

import base64
import importlib
import json
import os
import sys
import zipfile
from pathlib import Path
from typing import Mapping, TextIO

from . import outputs
from . import report as terminal
from .instructor import GradeFunction, grade_one
from .learner_env import dependencies
from .submissions import BadInput

KIT = Path(__file__).resolve().parent.parent
GRADESCOPE_TEMPLATES = KIT / "platforms" / "gradescope"
AUTOGRADER_ROOT = "/autograder"
ROOT_VARIABLE = "PROCGRADE_AUTOGRADER_ROOT"
CLASSROOM_RUNNER = "procgrade"      # the step id; the reporter reads PROCGRADE_RESULTS
ZIP_TIME = (1980, 1, 1, 0, 0, 0)   # fixed, so the same kit gives the same bundle


# --- Gradescope ---------------------------------------------------------------------------------

def autograder_root(given: str = "", environ: Mapping[str, str] = os.environ) -> Path:
    return Path(given or environ.get(ROOT_VARIABLE) or AUTOGRADER_ROOT)


def gradescope(root: Path, grade: GradeFunction, jobs: int, stream: TextIO = sys.stdout) -> int:
    """Grade ROOT/submission into ROOT/results/results.json, and print the learner's report
    (Gradescope keeps stdout for the instructor)."""
    submission = root / "submission"
    if not submission.is_dir():
        raise BadInput("no submission folder at %s" % submission)
    taken, report = grade_one(submission, grade, "submission", jobs=jobs)
    results = outputs.gradescope_results(report, taken.problem)
    if taken.notes:
        results["output"] += "\n\n" + "\n".join("note: " + n for n in taken.notes)
    target = root / "results" / "results.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(outputs.dumps(results), encoding="utf-8")
    print(terminal.render(report, "submission"), file=stream)
    print("\nwrote %s: %d/%d" % (target, report.score, report.max_score), file=stream)
    return 0


def bundle_files(kit: Path = KIT) -> dict[str, tuple[bytes, int]]:
    """What goes into autograder.zip: name -> (content, mode). The grader package and the two
    scripts Gradescope asks for; no solutions, no exercises, no tests."""
    files: dict[str, tuple[bytes, int]] = {}
    for name in ("setup.sh", "run_autograder"):
        files[name] = ((kit / "platforms" / "gradescope" / name).read_bytes(), 0o755)
    files["requirements.txt"] = (("\n".join(dependencies(kit / "pyproject.toml")) + "\n").encode(), 0o644)
    files["constraints.txt"] = ((kit / "platforms" / "gradescope" / "constraints.txt").read_bytes(), 0o644)
    for path in sorted((kit / "grader").rglob("*")):
        rel = path.relative_to(kit).as_posix()
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            files[rel] = (path.read_bytes(), 0o644)
    return files


def build_gradescope_bundle(dest: Path, kit: Path = KIT) -> Path:
    dest.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, (content, mode) in sorted(bundle_files(kit).items()):
            info = zipfile.ZipInfo(name, ZIP_TIME)
            info.external_attr = (0o100000 | mode) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, content)
    return dest


def assignment_total() -> int:
    """The most points a submission can score (every check of every exercise, as the suites
    declare them): the total to set on Gradescope's assignment."""
    import warnings

    from .exercises import all_exercises
    total = 0
    with warnings.catch_warnings():   # outside the grader's session, its `check` mark is unregistered
        warnings.simplefilter("ignore")
        for exercise in all_exercises():
            module = importlib.import_module("grader.suites." + exercise.suite.stem)
            for name, function in vars(module).items():
                marks = [m for m in getattr(function, "pytestmark", []) if m.name == "check"]
                if name.startswith("test_") and marks:
                    total += int(marks[0].kwargs.get("points", 1))
    return total


# --- GitHub Classroom ---------------------------------------------------------------------------

def classroom(repo: Path, grade: GradeFunction, jobs: int, environ: Mapping[str, str] = os.environ,
              stream: TextIO = sys.stdout) -> int:
    """Grade a student's repository (exercises/ or flat files); print the learner's report; put
    the points where the workflow's reporter step reads them (the step output `result`, base64
    JSON) and a table on the run's summary page. Exit 0 when grading worked, whatever the score:
    the reporter marks the run failed when checks fail."""
    if not repo.is_dir():
        raise BadInput("no such folder: %s" % repo)
    _, report = grade_one(repo, grade, "exercises", jobs=jobs)
    print(terminal.render(report, "exercises"), file=stream)
    result = outputs.classroom_result(report)
    encoded = base64.b64encode(json.dumps(result, ensure_ascii=False).encode("utf-8")).decode("ascii")
    if environ.get("GITHUB_OUTPUT"):
        with open(environ["GITHUB_OUTPUT"], "a", encoding="utf-8") as handle:
            handle.write("result=%s\n" % encoded)
    if environ.get("GITHUB_STEP_SUMMARY"):
        with open(environ["GITHUB_STEP_SUMMARY"], "a", encoding="utf-8") as handle:
            handle.write(outputs.classroom_summary(report))
    print("\npoints: %d/%d" % (report.score, report.max_score), file=stream)
    return 0
