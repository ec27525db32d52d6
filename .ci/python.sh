# Sourced by the CI scripts: `python_for 3.13` prints an interpreter of that version, found
# on PATH (python3.13) or under pyenv's root, and nothing if the machine has none.
python_for() {
    local version="$1" candidate
    for candidate in "python$version" "$(pyenv root 2>/dev/null)/versions/$version"*/bin/python"$version"; do
        if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import sys' >/dev/null 2>&1; then
            command -v "$candidate"
            return 0
        fi
    done
    return 0
}

# `fresh_venv DIR PYTHON`: a new virtual environment, first on PATH from now on.
fresh_venv() {
    "$2" -m venv "$1"
    export PATH="$1/bin:$PATH" VIRTUAL_ENV="$1"
    hash -r
}
