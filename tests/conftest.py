# numpy cannot be imported twice in one process: load it before pytester's
# in-process runs snapshot sys.modules, so they reuse this copy.
import numpy  # noqa: F401

pytest_plugins = ["pytester"]
