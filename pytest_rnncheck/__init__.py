"""pytest-rnncheck: memory probes for Keras sequence models.

``from pytest_rnncheck import rnncheck`` gives the probe decorators
(``@rnncheck.lag(2)``, ``@rnncheck.echo()``, ``@rnncheck.invert(1)``); the
``rnncheck`` fixture runs them. ``diagnose(model, x, y)`` and
``rnncheck.assert_healthy(model, x, y)`` read the user's own arrays; ``callback(data=(x, y))`` watches
the user's own ``model.fit``. Importing this package
does not import Keras.
"""

from importlib import metadata
from typing import Any

from .markers import ProbeMarkers
from .spec import ProbeSpec, ProbeSpecError, make_spec, parse_expression

try:  # one version string: pyproject.toml's, as installed
    __version__ = metadata.version("pytest-rnncheck")
except metadata.PackageNotFoundError:  # a source tree on sys.path, never installed
    __version__ = "0+unknown"

rnncheck = ProbeMarkers()

__all__ = [
    "ProbeSpec", "ProbeSpecError", "callback", "diagnose", "make_spec", "parse_expression", "rnncheck", "__version__"
]


def __getattr__(name: str) -> Any:
    if name == "diagnose":  # loaded on first use: the plugin itself never needs it
        from .data_diagnosis import diagnose

        return diagnose
    if name == "callback":
        from .watch import callback

        return callback
    raise AttributeError(f"module 'pytest_rnncheck' has no attribute {name!r}")
