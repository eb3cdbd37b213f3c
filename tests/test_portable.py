"""The portable backend (psutil, multiprocessing.connection: what macOS and Windows use) gives the
same verdicts as the linux one, on Linux: the solutions pass under every start method, and every
program of tests/programs fails exactly its listed checks. The known-wrong programs are graded
under spawn only (the learners' method on macOS and Windows; the linux backend's runs of
test_programs cover the others): one grader command per exercise."""

from __future__ import annotations

import shutil

import pytest

from graded import KIT, METHODS, exercise_files, failed_checks, grade, not_passed, variants

PORTABLE = {"PROCGRADE_BACKEND": "portable"}


@pytest.fixture(scope="module")
def portable_solutions():
    (report,) = grade([KIT / "solutions"], None, METHODS, env=PORTABLE)
    return report


@pytest.mark.slow
@pytest.mark.parametrize("exercise", sorted(exercise_files()))
@pytest.mark.parametrize("method", METHODS)
def test_solution_passes_every_check_under_the_portable_backend(portable_solutions, exercise, method):
    failing = not_passed(portable_solutions, exercise, method)
    assert not failing, failing


class PortableReports:
    def __init__(self, root) -> None:
        self.root = root
        self.reports: dict = {}

    def __getitem__(self, variant) -> dict:
        if variant.path not in self.reports:
            group = [v for v in variants() if v.exercise == variant.exercise]
            targets = []
            for member in group:
                target = self.root / member.exercise / member.path.stem
                target.mkdir(parents=True)
                shutil.copyfile(member.path, target / member.exercise_file)
                targets.append(target)
            for member, report in zip(group, grade(targets, variant.exercise, ("spawn",), env=PORTABLE)):
                self.reports[member.path] = report
        return self.reports[variant.path]


@pytest.fixture(scope="module")
def portable_reports(tmp_path_factory):
    return PortableReports(tmp_path_factory.mktemp("portable"))


@pytest.mark.slow
@pytest.mark.parametrize("variant", variants(), ids=lambda v: "%s/%s" % (v.exercise, v.path.stem))
def test_program_fails_exactly_the_expected_checks_under_the_portable_backend(variant, portable_reports):
    failed = failed_checks(portable_reports[variant], variant.exercise, "spawn")
    expected = variant.expected_failures("spawn")
    assert set(failed) == expected, "\n".join(
        ["%s under spawn, portable backend: expected to fail %s" % (variant.path.name, sorted(expected) or "nothing")]
        + ["  failed %s: %s" % (check, observed) for check, observed in sorted(failed.items())])
