"""pytest-rnncheck: memory probes for Keras sequence models.

``from pytest_rnncheck import rnncheck`` gives the probe decorators
(``@rnncheck.lag(2)``, ``@rnncheck.echo()``, ``@rnncheck.invert(1)``); the
``rnncheck`` fixture runs them. Importing this package does not import Keras.
"""

from .markers import ProbeMarkers
from .spec import ProbeSpec, ProbeSpecError, make_spec, parse_expression

__version__ = "0.1.0"

rnncheck = ProbeMarkers()

__all__ = ["ProbeSpec", "ProbeSpecError", "make_spec", "parse_expression", "rnncheck", "__version__"]
