"""Probe specifications: what a marker or a CLI expression asks for.

A :class:`ProbeSpec` is plain data. It is built from marker arguments
(``@rnncheck.lag(2, encoding="raw")``) or from the same call written as text
(``"lag(2, encoding='raw')"``), validated once, and named the way the user
wrote it so that reports read like the test file.
"""

from __future__ import annotations

import ast
import dataclasses
import math
from typing import Any

from .kinds import KINDS, signatures
ENCODINGS = ("onehot", "index", "raw", "scaled", "binary", "continuous")

#: Options every probe accepts, with their defaults. ``None`` means "let the
#: model decide" (see docs/probes.md).
DEFAULTS: dict[str, Any] = {
    "vocab": None,
    "encoding": None,
    "timesteps": None,
    "min_accuracy": 0.9,
    "seed": None,
    "budget": None,
    "causal": False,
    "output": None,
    "tolerance": 0.25,
    "feature": 0,
    "min_horizon": None,
    "seeds": None,
    "min_pass_rate": 1.0,
    "extrapolate": None,
}

OPTION_HELP = {
    "vocab": "number of distinct symbols (integer >= 2)",
    "encoding": "how symbols are fed: " + ", ".join(ENCODINGS),
    "timesteps": "window fed to the model per sample (integer >= 1)",
    "min_accuracy": "held-out accuracy needed to pass (0 < x <= 1)",
    "seed": "seed for this probe alone (integer >= 0)",
    "budget": "most training sequences before giving up (integer >= 1; default max(64000, 8000 x lag))",
    "causal": "True if the output at step t must not depend on inputs after t (a forecaster, a streaming model)",
    "output": "which output of a model with several to probe: its index or its layer's name",
    "tolerance": "continuous probes: a prediction within this many target standard deviations is right (> 0)",
    "feature": "continuous probes: which input feature the target is read from (integer >= 0)",
    "min_horizon": "memory(): the horizon the model must reach to pass (integer >= 1; without it the probe reports)",
    "seeds": (
        "independent trainings, each with its own initialization and data "
        "(integer >= 1; default 1, or --rnncheck-seeds)"
    ),
    "min_pass_rate": "with seeds=k: the share of the k trainings that must pass (0 < x <= 1; default 1, every one)",
    "extrapolate": (
        "longer window to judge: trained at T steps as usual, the final set at extrapolate x T (integer >= 2)"
    ),
}


class ProbeSpecError(ValueError):
    """A probe was asked for with an unknown option or a bad value."""


@dataclasses.dataclass(frozen=True)
class ProbeSpec:
    kind: str
    n: int
    vocab: int | None = None
    encoding: str | None = None
    timesteps: int | None = None
    min_accuracy: float = DEFAULTS["min_accuracy"]
    seed: int | None = None
    budget: int | None = DEFAULTS["budget"]
    causal: bool = DEFAULTS["causal"]
    output: int | str | None = DEFAULTS["output"]
    tolerance: float = DEFAULTS["tolerance"]
    feature: int = DEFAULTS["feature"]
    min_horizon: int | None = DEFAULTS["min_horizon"]
    seeds: int | None = DEFAULTS["seeds"]
    min_pass_rate: float = DEFAULTS["min_pass_rate"]
    extrapolate: int | None = DEFAULTS["extrapolate"]

    @property
    def trainings(self) -> int:
        """How many independent trainings the probe runs (``seeds``, 1 by default)."""
        return self.seeds or 1

    def one_seed(self) -> ProbeSpec:
        """The same probe trained once: what each of the ``seeds`` trainings runs."""
        return self.replace(seeds=None, min_pass_rate=DEFAULTS["min_pass_rate"])

    @property
    def lag(self) -> int:
        """How many steps back the target looks (0 for ``echo``, and for a structured kind,
        whose answer can lie anywhere in the window)."""
        return 0 if self.structured else self.n

    @property
    def binary(self) -> bool:
        return KINDS[self.kind].binary

    @property
    def structured(self) -> bool:
        """A kind that draws whole windows (selective_copy, recall, flipflop)."""
        return KINDS[self.kind].structured

    @property
    def tunable(self) -> bool:
        """Can a fix name this probe's options? (Not for the user's own data.)"""
        return True

    def call_args(self) -> tuple[tuple[int, ...], dict[str, Any]]:
        """Positional and keyword arguments that rebuild this probe (defaults left out)."""
        entry = KINDS[self.kind]
        keyword = entry.lag_name not in ("n", "k")  # memory(max_lag=16) reads better than memory(16)
        args = (self.n,) if entry.takes_lag and not keyword else ()
        defaults = kind_defaults(self.kind)
        kwargs = {key: getattr(self, key) for key in DEFAULTS if getattr(self, key) != defaults[key]}
        if entry.takes_lag and keyword:
            kwargs = {entry.lag_name: self.n, **kwargs}
        return args, kwargs

    @property
    def name(self) -> str:
        """The probe as the user would call it: ``lag(2, encoding='raw')``."""
        args, kwargs = self.call_args()
        words = [str(a) for a in args] + [f"{key}={value!r}" for key, value in kwargs.items()]
        return f"{self.kind}({', '.join(words)})"

    def options(self) -> dict[str, Any]:
        return {key: getattr(self, key) for key in DEFAULTS}

    def replace(self, **changes: Any) -> ProbeSpec:
        lag = (self.n,) if KINDS[self.kind].takes_lag else ()  # echo() and flipflop() take none
        return make_spec(self.kind, *lag, **{**self.options(), **changes})


def make_spec(kind: str, *args: Any, **options: Any) -> ProbeSpec:
    """Validate a probe call and return its spec; raise ProbeSpecError if bad."""
    if kind not in KINDS:
        raise ProbeSpecError(
            f"unknown probe {kind!r}: rnncheck knows {signatures()}"
        )
    n = _lag_argument(kind, args, options)
    unknown = sorted(set(options) - set(DEFAULTS))
    if unknown:
        known = ", ".join(DEFAULTS)
        raise ProbeSpecError(
            f"{kind}(): unknown option {', '.join(map(repr, unknown))}; options are {known}"
        )
    values = {**kind_defaults(kind), **options}
    for key in DEFAULTS:
        values[key] = _check_option(kind, key, values[key])
    if values["min_horizon"] is not None and kind != "memory":
        raise ProbeSpecError(f"{kind}(): min_horizon belongs to memory(max_lag=K, min_horizon=H)")
    if values["min_horizon"] is not None and values["min_horizon"] > n:
        raise ProbeSpecError(f"memory(): min_horizon={values['min_horizon']} is beyond max_lag={n}")
    entry = KINDS[kind]
    if values["extrapolate"] is not None and (kind == "memory" or entry.structured):
        raise ProbeSpecError(
            f"{kind}(): extrapolate= judges a longer window of the same task: it works with echo, lag, invert and xor, "
            f"not {'a memory profile' if kind == 'memory' else kind}"
        )
    if entry.binary:
        if values["vocab"] not in (None, 2):
            raise ProbeSpecError(
                f"{kind}(): vocab={values['vocab']!r} but {kind} works on bits; drop vocab or set vocab=2"
            )
        values["vocab"] = None
    if entry.fixed_vocab is not None:
        if values["vocab"] not in (None, entry.fixed_vocab):
            raise ProbeSpecError(
                f"{kind}(): vocab={values['vocab']!r} but {kind} always uses {entry.fixed_vocab} symbols; drop vocab"
            )
        values["vocab"] = None
    elif values["vocab"] is not None and values["vocab"] < entry.min_vocab(n):
        raise ProbeSpecError(
            f"{kind}(): vocab={values['vocab']} is too few: {ProbeSpec(kind=kind, n=n).name} needs at least "
            f"{entry.min_vocab(n)} symbols (docs/probes.md)"
        )
    if entry.structured and values["timesteps"] is not None and values["timesteps"] < entry.min_timesteps(n):
        raise ProbeSpecError(
            f"{kind}(): timesteps={values['timesteps']} is too short: {ProbeSpec(kind=kind, n=n).name} needs "
            f"at least {entry.min_timesteps(n)}"
        )
    return ProbeSpec(kind=kind, n=n, **values)


def kind_defaults(kind: str) -> dict[str, Any]:
    """The options' defaults for ``kind`` (flipflop asks for more accuracy)."""
    return {**DEFAULTS, "min_accuracy": KINDS[kind].min_accuracy}


def _lag_argument(kind: str, args: tuple, options: dict) -> int:
    entry = KINDS[kind]
    for name in {"n", entry.lag_name}:
        if name in options:
            args = (*args, options.pop(name))
    if not entry.takes_lag:
        if args:
            raise ProbeSpecError(f"{entry.signature} takes no lag: use lag(n) to look back n steps")
        return entry.default_n or 0
    if len(args) > 1:
        raise ProbeSpecError(f"{kind}() takes one lag, got {len(args)}: {args!r}")
    if not args:
        if entry.default_n is None:
            raise ProbeSpecError(entry.lag_error())
        return entry.default_n
    n = args[0]
    if isinstance(n, bool) or not isinstance(n, int) or n < entry.min_n:
        raise ProbeSpecError(
            f"{kind}({entry.lag_name}): {entry.lag_name} must be an integer >= {entry.min_n}, got {n!r}"
        )
    return n


def _check_option(kind: str, key: str, value: Any) -> Any:
    if value is None and DEFAULTS[key] is None:
        return None
    bad = ProbeSpecError(f"{kind}(): {key}={value!r} is not valid; {key} is the {OPTION_HELP[key]}")
    if key == "encoding":
        if value not in ENCODINGS:
            raise bad
        return value
    if key == "output":
        if isinstance(value, bool) or not (isinstance(value, int) and value >= 0 or isinstance(value, str) and value):
            raise bad
        return value
    if key == "causal":
        if not isinstance(value, bool):
            raise bad
        return value
    if key == "tolerance":
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0 or math.isinf(value):
            raise bad
        return float(value)
    if key in ("min_accuracy", "min_pass_rate"):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise bad
        if not (0 < value <= 1) or math.isnan(value):
            raise bad
        return float(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise bad
    minimum = {
        "vocab": 2, "timesteps": 1, "seed": 0, "budget": 1, "feature": 0, "min_horizon": 1, "seeds": 1, "extrapolate": 2
    }[key]
    if value < minimum:
        raise bad
    return value


def parse_expression(text: str) -> ProbeSpec:
    """Parse ``"lag(2, min_accuracy=0.9)"`` into a spec (literals only, nothing runs)."""
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError:
        raise ProbeSpecError(
            f"cannot read probe expression {text!r}: write it like a call, e.g. 'lag(2)' or 'echo()'"
        ) from None
    call = tree.body
    if not isinstance(call, ast.Call) or not isinstance(call.func, ast.Name):
        raise ProbeSpecError(
            f"cannot read probe expression {text!r}: write it like a call, e.g. 'lag(2)' or 'echo()'"
        )
    try:
        args = [ast.literal_eval(a) for a in call.args]
        kwargs = {k.arg: ast.literal_eval(k.value) for k in call.keywords if k.arg}
    except ValueError:
        raise ProbeSpecError(
            f"probe expression {text!r}: arguments must be plain numbers or strings"
        ) from None
    if any(k.arg is None for k in call.keywords):
        raise ProbeSpecError(f"probe expression {text!r}: '**' is not allowed")
    return make_spec(call.func.id, *args, **kwargs)
