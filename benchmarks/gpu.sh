#!/usr/bin/env bash
# The engine's figures on a machine with a GPU (issue #28): benchmarks/perf.py and
# benchmarks/marginal.py per Keras backend, each on the device the backend finds.
#
#   bash benchmarks/gpu.sh OUTDIR [BACKEND ...]      # default: every backend installed
#
# Needs only this checkout and a python with pytest, numpy, cloudpickle, keras (and its
# namex, optree) and the backends to measure (tensorflow, jax, torch with CUDA); the plugin is
# read from this checkout (PYTHONPATH), never installed. RUNS and ROUNDS (default 3) set the
# alternating runs of each script. OUTDIR gets one log per script and backend, the devices
# each backend saw (devices.txt) and the GPU's name and memory (nvidia-smi, where present).
# On a CPU-only machine it runs too, and says so in devices.txt: the figures are then the CPU's.
set -uo pipefail
out="${1:?usage: bash benchmarks/gpu.sh OUTDIR [BACKEND ...]}"
shift
mkdir -p "$out"
out="$(cd "$out" && pwd)"
cd "$(dirname "$0")/.."
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}" PYTHONUNBUFFERED=1
py="${PYTHON:-python3}"
if ! "$py" -c "import pytest, numpy, cloudpickle, keras" 2>"$out/missing.txt"; then
    echo "gpu.sh: $py lacks what the benchmarks need (see $out/missing.txt): pytest, numpy, cloudpickle, keras" >&2
    exit 2
fi
rm -f "$out/missing.txt"
if [ "$#" -gt 0 ]; then
    backends="$*"
else
    backends="$("$py" - <<'EOF'
import importlib.util
print(" ".join(b for b in ("tensorflow", "jax", "torch") if importlib.util.find_spec(b)))
EOF
)"
fi
if [ -z "$backends" ]; then
    echo "gpu.sh: no Keras backend installed (tensorflow, jax or torch)" >&2
    exit 2
fi
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv >"$out/gpu.txt" 2>&1
: >"$out/devices.txt"
status=0
for backend in $backends; do
    KERAS_BACKEND="$backend" "$py" -c "
import keras
print('$backend:', 'keras', keras.__version__, sorted(str(d).lower() for d in keras.distribution.list_devices()))
" >>"$out/devices.txt" 2>/dev/null || echo "$backend: keras could not start on it" >>"$out/devices.txt"
    echo "== gpu.sh: $backend: perf.py"
    "$py" benchmarks/perf.py --backends "$backend" --runs "${RUNS:-3}" 2>&1 | tee "$out/perf_$backend.txt" || status=1
    echo "== gpu.sh: $backend: marginal.py"
    "$py" benchmarks/marginal.py --backends "$backend" --rounds "${ROUNDS:-3}" 2>&1 | tee "$out/marginal_$backend.txt" \
        || status=1
done
cat "$out/devices.txt"
exit "$status"
