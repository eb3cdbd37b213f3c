#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image (Ubuntu). It installs
# Python and the grader's dependencies, at the versions the kit is tested with (constraints.txt,
# rewritten by `nox -s constraints`), into a venv that run_autograder uses. The grader itself is
# in /autograder/source/grader.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
SOURCE=/autograder/source
# the image's package lists may be stale or absent: without them `apt-get install` can fail
apt-get update
apt-get install -y --no-install-recommends python3 python3-venv python3-pip
python3 -m venv /autograder/venv
/autograder/venv/bin/python -m pip install --quiet --upgrade pip
/autograder/venv/bin/python -m pip install --quiet -r "$SOURCE/requirements.txt" -c "$SOURCE/constraints.txt"
