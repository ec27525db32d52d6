import os

if "MUTANT_UNDER_TEST" in os.environ:
    # mutmut forks a worker per mutant from a process that has already run TensorFlow ops; TF's
    # thread pools do not survive a fork, so a worker's first Keras call would hang (and mutmut
    # would count the hang as a kill). One thread each, and no pool is needed.
    os.environ.setdefault("TF_NUM_INTEROP_THREADS", "1")
    os.environ.setdefault("TF_NUM_INTRAOP_THREADS", "1")

# numpy cannot be imported twice in one process: load it before pytester's
# in-process runs snapshot sys.modules, so they reuse this copy.
import numpy  # noqa: F401

pytest_plugins = ["pytester"]
