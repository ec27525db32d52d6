#!/usr/bin/env bash
# A new user's install: the built wheel (`bash .ci/fresh_install.sh dist/*.whl`), or this
# tree with `pip install .` when no wheel is named, alone (no extras, so no pytest-xdist) in
# a fresh virtual environment. A plain test file must pass, and one probe must give its verdict.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
package="$(realpath "${1:-$repo}")"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
python3 -m venv "$tmp/venv"
py="$tmp/venv/bin/python"
echo "fresh install: pip install $(basename "$package")"
"$py" -m pip install -q --disable-pip-version-check "$package"
"$py" -c "import pytest_rnncheck as p, sys; print('fresh install: pytest-rnncheck', p.__version__); sys.exit(p.__version__ == '0+unknown')"
if "$py" -c "import xdist" 2>/dev/null; then
  echo "fresh install: pytest-xdist is installed, so this check proves nothing" >&2
  exit 1
fi
cp "$repo/.ci/fresh/"test_*.py "$tmp/"
cd "$tmp"
echo "fresh install: plain test file"
"$py" -m pytest -p no:cacheprovider test_plain.py
echo "fresh install: pytest --rnncheck on one probe (must fail with missing-context, exit 1)"
set +e
"$py" -m pytest -p no:cacheprovider --rnncheck test_one_probe.py >out.txt 2>&1
status=$?
set -e
cat out.txt
if [ "$status" -ne 1 ] || grep -q INTERNALERROR out.txt || ! grep -q "missing-context: each sample holds 1 timestep" out.txt; then
  echo "fresh install: expected exit 1 with a missing-context finding, got exit $status" >&2
  exit 1
fi
echo "fresh install: ok"
