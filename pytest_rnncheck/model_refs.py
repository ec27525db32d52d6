"""``MODULE:FACTORY`` references to models, as given to ``--rnncheck-model``.

MODULE is an importable dotted name (``pkg.models``) or a path to a ``.py``
file (``models/lstm.py``); FACTORY names a zero-argument function that builds
the model (or a built model) inside it, dotted for nested names.
"""

from __future__ import annotations

import dataclasses
import importlib
import importlib.util
import os
import sys
import zlib
from pathlib import Path
from typing import Any


class ModelRefError(ValueError):
    """A model reference is malformed or names nothing importable."""


@dataclasses.dataclass(frozen=True)
class ModelRef:
    module: str
    attribute: str

    @property
    def text(self) -> str:
        return f"{self.module}:{self.attribute}"


def parse_model_ref(text: str) -> ModelRef:
    module, sep, attribute = text.strip().rpartition(":")
    if not sep or not module or not attribute or not all(part.isidentifier() for part in attribute.split(".")):
        raise ModelRefError(
            f"--rnncheck-model={text!r}: write MODULE:FACTORY, e.g. pkg.models:build_model or "
            f"models/lstm.py:build_model"
        )
    return ModelRef(module, attribute)


def load_model_ref(ref: ModelRef, rootdir: Path) -> Any:
    """Import the module and return the named object; raise ModelRefError if absent."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # the module is likely to import Keras
    module = _import(ref, rootdir)
    target: Any = module
    for part in ref.attribute.split("."):
        try:
            target = getattr(target, part)
        except AttributeError:
            raise ModelRefError(
                f"--rnncheck-model={ref.text}: {ref.module} has no {ref.attribute!r}"
            ) from None
    return target


def _import(ref: ModelRef, rootdir: Path) -> Any:
    if ref.module.endswith(".py") or "/" in ref.module or "\\" in ref.module:
        path = Path(ref.module)
        if not path.is_absolute():
            path = (Path.cwd() / path) if (Path.cwd() / path).exists() else rootdir / path
        if not path.is_file():
            raise ModelRefError(f"--rnncheck-model={ref.text}: no file {ref.module}")
        name = f"rnncheck_models_{zlib.crc32(str(path.resolve()).encode()):08x}"
        if name in sys.modules:
            return sys.modules[name]
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.path.insert(0, str(path.parent))  # so the file's own sibling imports work
        try:
            spec.loader.exec_module(module)
        except Exception as exc:
            raise _import_failed(ref, exc) from None
        sys.modules[name] = module
        return module
    if str(Path.cwd()) not in sys.path:  # `pytest` (not `python -m pytest`) leaves it out
        sys.path.insert(0, str(Path.cwd()))
    try:
        return importlib.import_module(ref.module)
    except ModuleNotFoundError as exc:
        raise ModelRefError(f"--rnncheck-model={ref.text}: no module named {exc.name!r}") from None
    except Exception as exc:
        raise _import_failed(ref, exc) from None


def _import_failed(ref: ModelRef, exc: Exception) -> ModelRefError:
    return ModelRefError(f"--rnncheck-model={ref.text}: importing {ref.module} raised {type(exc).__name__}: {exc}")
