"""The run's settings: one table of options and ini keys, and ``Settings``, read once at configure.

Every setting comes from its command-line flag, else its ini key, else its default; an ini text is
validated by the flag's own parser, and a bad value is a one-line usage error naming the setting.
``Settings.from_config`` does it all at once (the seed's ``last``/``random``, the saved run to
compare with, the command-line models imported), so a typo stops the run before collection.
Nothing here imports Keras: a command-line model's module is imported only when probes run.
"""

from __future__ import annotations

import argparse
import dataclasses
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from . import run_profiles
from .backend import quiet_native_stderr
from .model_refs import ModelRef, ModelRefError, load_model_ref, parse_model_ref
from .spec import ProbeSpec, ProbeSpecError, parse_expression

DEFAULT_TIMEOUT = 900.0
DEFAULT_SEED = 0
#: Where ``--rnncheck-seed=last`` finds the previous run's seed (pytest's cache).
CACHE_SEED = "rnncheck/seed"
#: The key of ``workerinput`` under which an xdist controller hands its workers the base seed.
WORKER_SEED = "rnncheck_seed"


# -- parsers: argparse ``type=`` for a flag, and the validator of the same ini text ---------------
def seed_option(value: str) -> str | int:
    if value in ("last", "random"):
        return value
    try:
        seed = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a seed: give an integer >= 0, 'last' or 'random'") from None
    if seed < 0:
        raise argparse.ArgumentTypeError(f"{value!r} is not a seed: give an integer >= 0, 'last' or 'random'")
    return seed


def compare_rules_option(value: str) -> list[Any]:
    from .compare import parse_rules
    from .errors import RnnCheckError

    try:
        return parse_rules(value)
    except RnnCheckError as exc:
        raise argparse.ArgumentTypeError(str(exc).removeprefix("--rnncheck-compare-fail: ")) from None


def profile_option(value: str) -> str:
    try:
        return run_profiles.get(value.strip()).name
    except run_profiles.UnknownProfile as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def seeds_option(value: str) -> int:
    try:
        seeds = int(str(value).strip())
    except ValueError:
        seeds = 0
    if seeds < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of trainings: give an integer >= 1")
    return seeds


def timeout_option(value: str) -> float | None:
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not seconds >= 0:
        raise argparse.ArgumentTypeError(f"{value!r} is not a time limit: give seconds >= 0 (0: no limit)")
    return seconds or None


# -- the option table ------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class Option:
    """One setting: its flag (``dest`` is what ``getoption`` reads), its ini key, how a text is read
    (``parse``: argparse's ``type=`` for the flag, the validator of the ini text), its default."""

    flag: str | None
    ini: str | None
    ini_type: str | None  # pytest's addini type: "bool", "linelist", or None for text
    parse: Callable[[str], Any] | None
    default: Any
    help: str
    dest: str | None = None  # None: the flag's own (--rnncheck-seed -> rnncheck_seed)
    action: str | None = None
    nargs: str | None = None
    const: Any = None
    metavar: str | None = None
    ini_how: str = "give it as text"  # the end of a usage error for a value pytest cannot read

    @property
    def key(self) -> str:
        """The name this table is looked up by: the flag's dest, else the ini key."""
        if self.dest is not None:
            return self.dest
        if self.flag is not None:
            return self.flag.lstrip("-").replace("-", "_")
        assert self.ini is not None
        return self.ini

    @property
    def how(self) -> str:
        return "use true or false" if self.ini_type == "bool" else self.ini_how

    def flag_arguments(self) -> dict[str, Any]:
        """``addoption``'s keyword arguments (the default is None: "not given", so the ini can speak)."""
        given = {"action": self.action, "nargs": self.nargs, "const": self.const, "type": self.parse}
        given |= {"metavar": self.metavar, "dest": self.dest}
        given = {name: value for name, value in given.items() if value is not None}
        return {"default": None, **given, "help": self.help}

    def ini_default(self) -> Any:
        if self.ini_type == "bool":
            return self.default
        return [] if self.ini_type == "linelist" else ""


HELP_ENABLE = "run the rnncheck memory probes (marked tests are skipped without it)"
HELP_MODEL = (
    "probe a model with no test file: MODULE:FACTORY (an importable module or a path to a .py "
    "file, and a zero-argument function building the model); repeatable"
)
HELP_PROBE = (
    "probe to run on every --rnncheck-model, as a marker call: 'lag(2)', 'echo()', "
    "'invert(1, min_accuracy=0.9)'; repeatable"
)

#: Every option and ini key, in the order ``--help`` lists the flags.
OPTIONS: tuple[Option, ...] = (
    Option("--rnncheck", "rnncheck", "bool", None, False, HELP_ENABLE, dest="rnncheck_enabled", action="store_true"),
    Option(
        "--rnncheck-seed", "rnncheck_seed", None, seed_option, DEFAULT_SEED,
        "base seed for the probes: an integer, 'last' to replay the previous run's, or 'random' (default 0)",
        metavar="N|last|random",
    ),
    Option("--rnncheck-report", None, None, None, None, "write every probe's result to this JSON file", metavar="PATH"),
    Option(
        "--rnncheck-strict", "rnncheck_strict", "bool", None, False, "fail probes that pass but have warning findings",
        action="store_true",
    ),
    Option(
        "--rnncheck-timeout", "rnncheck_timeout", None, timeout_option, DEFAULT_TIMEOUT,
        "stop a probe that runs longer than this many seconds and report it as an error (default 900; 0: no limit; "
        "needs the worker process, so not with --rnncheck-in-process)",
        metavar="SECONDS",
    ),
    Option(
        "--rnncheck-in-process", "rnncheck_in_process", "bool", None, False,
        "run probes in the test's own process instead of a recycled worker process (memory then grows with every "
        "probe)",
        action="store_true",
    ),
    Option(
        "--rnncheck-model", "rnncheck_models", "linelist", None, (), HELP_MODEL, action="append",
        metavar="MODULE:FACTORY", ini_how="give one MODULE:FACTORY per line",
    ),
    Option(
        "--rnncheck-probe", "rnncheck_probes", "linelist", None, (), HELP_PROBE, action="append", metavar="EXPR",
        ini_how="give one probe per line",
    ),
    Option(
        "--rnncheck-save", None, None, None, None,
        "keep this run's results in .rnncheck/ as the next numbered file, under NAME if given (default: the time)",
        nargs="?", const="", metavar="NAME",
    ),
    Option(
        "--rnncheck-compare", None, None, None, None,
        "show what changed per probe against a saved run: 'last' (default), its number or its name",
        nargs="?", const="last", metavar="NAME|last",
    ),
    Option(
        "--rnncheck-compare-fail", None, None, compare_rules_option, (),
        "fail the run on a regression against the compared run (implies --rnncheck-compare=last): "
        "comma-separated FIELD:AMOUNT, e.g. 'horizon:1,sequences:2x,accuracy:0.05'",
        metavar="EXPR",
    ),
    Option(
        "--rnncheck-html", None, None, None, None,
        "write a self-contained HTML report (learning curves, memory profiles, findings) to PATH; needs matplotlib",
        metavar="PATH",
    ),
    Option(
        "--rnncheck-profile", "rnncheck_profile", None, profile_option, run_profiles.DEFAULT,
        "how much each probe may cost: quick (a quarter of the budget, no remedies, no control runs; a failure it "
        "cannot explain is skipped as inconclusive), ci (the default) or thorough (twice the budget, a larger final "
        "set); docs/performance.md says what each costs",
        metavar="quick|ci|thorough",
    ),
    Option(
        "--rnncheck-seeds", "rnncheck_seeds", None, seeds_option, 1,
        "train each probe K times, each with its own initialization and data, and pass it when every training "
        "passes (or a probe's min_pass_rate of them); a probe's own seeds= wins (default 1)",
        metavar="K",
    ),
    Option(
        None, "rnncheck_gc_freeze", "bool", None, True,
        "after collection, move the objects then alive (Keras's modules among them) out of the garbage "
        "collector's sight with gc.freeze(), so its full collections, pytest's five at exit included, "
        "stop rescanning them (about 1-2 s a run with Keras loaded); false keeps the collector as it comes",
    ),
)
BY_KEY: dict[str, Option] = {option.key: option for option in OPTIONS}
BY_INI: dict[str, Option] = {option.ini: option for option in OPTIONS if option.ini is not None}


def add_options(parser: pytest.Parser) -> None:
    """Every flag of the table in the ``rnncheck`` group, then every ini key (the line lists last, in
    the order ``--help`` has always listed them)."""
    group = parser.getgroup("rnncheck", "memory probes for Keras sequence models")
    for option in OPTIONS:
        if option.flag is not None:
            group.addoption(option.flag, **option.flag_arguments())
    for option in sorted(OPTIONS, key=lambda option: option.ini_type == "linelist"):
        if option.ini is not None:
            parser.addini(option.ini, option.help, type=option.ini_type, default=option.ini_default())


def ini_value(config: pytest.Config, name: str) -> Any:
    """An ini setting; a value pytest cannot read is a one-line usage error naming the setting.

    pytest up to 9.1 raises ValueError (TypeError for a TOML value of the wrong type) from
    ``getini``; 9.2 raises its own UsageError, which would print without the setting's name.
    """
    try:
        return config.getini(name)
    except (ValueError, TypeError, pytest.UsageError) as exc:
        reason = str(exc).removeprefix("ERROR: ")
        raise pytest.UsageError(f"rnncheck: ini setting {name}: {reason}; {BY_INI[name].how}") from None


def value_of(config: pytest.Config, key: str) -> Any:
    """Command line > ini > default; the ini text is validated by the flag's own parser."""
    option = BY_KEY[key]
    value = config.getoption(option.key) if option.flag is not None else None
    if value is not None or option.ini is None:
        return option.default if value is None else value
    raw = ini_value(config, option.ini)
    if option.ini_type == "bool":
        return bool(raw)
    if option.ini_type == "linelist":
        return raw
    text = str(raw).strip()
    if not text:
        return option.default
    assert option.parse is not None
    try:
        return option.parse(text)
    except argparse.ArgumentTypeError as exc:
        raise pytest.UsageError(f"rnncheck: ini setting {option.ini}: {exc}") from None


def probes_enabled(config: pytest.Config) -> bool:
    """--rnncheck, else ini ``rnncheck``: whether probes run (asked before configure too, by ``-n auto``)."""
    return bool(value_of(config, "rnncheck_enabled"))


# -- the settings ----------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class Gate:
    """A command-line model (imported when probes run, else None) and the probes it is checked with."""

    ref: ModelRef
    source: Any
    specs: tuple[ProbeSpec, ...]


@dataclasses.dataclass(frozen=True)
class Settings:
    """The run's settings, resolved once by ``from_config``; the tests build them directly too.

    Everything is known at configure: only the probe executor (a worker process, the session's,
    see session.py) is made later, on first use."""

    enabled: bool
    seed: int
    report_path: str | None
    strict: bool
    rootdir: Path
    timeout: float | None = DEFAULT_TIMEOUT
    isolate: bool = True
    save_name: str | None = None  # --rnncheck-save: "" for the default name
    compare_path: Path | None = None
    compare_run: dict[str, Any] = dataclasses.field(default_factory=dict)  # the saved run at compare_path
    compare_rules: tuple[Any, ...] = ()
    html_path: str | None = None
    gc_freeze: bool = True  # ini rnncheck_gc_freeze
    profile: str = run_profiles.DEFAULT  # --rnncheck-profile, ini rnncheck_profile
    seeds: int = 1  # --rnncheck-seeds, ini rnncheck_seeds
    gates: tuple[Gate, ...] = ()  # --rnncheck-model x --rnncheck-probe

    @classmethod
    def from_config(cls, config: pytest.Config) -> Settings:
        """Read, validate and resolve every setting; a bad one is a usage error (read in this order,
        so that of two bad settings the same one is reported first as before)."""
        enabled = probes_enabled(config)
        seed = resolve_seed(config)
        report_path = config.getoption("rnncheck_report")
        strict = bool(value_of(config, "rnncheck_strict"))
        rootdir = Path(str(config.rootpath))
        timeout = value_of(config, "rnncheck_timeout")
        isolate = not value_of(config, "rnncheck_in_process")
        gc_freeze = bool(value_of(config, "rnncheck_gc_freeze"))
        profile = value_of(config, "rnncheck_profile")
        seeds = value_of(config, "rnncheck_seeds")
        gates = resolve_gates(config, enabled, rootdir)
        return cls(
            enabled, seed, report_path, strict, rootdir, timeout, isolate, gc_freeze=gc_freeze, profile=profile,
            seeds=seeds, gates=gates, **resolve_outputs(config, enabled, rootdir),
        )


def resolve_seed(config: pytest.Config) -> int:
    """CLI > ini > default; 'last' reads the cache, 'random' draws one; the seed is cached for 'last'."""
    workerinput = getattr(config, "workerinput", None)
    if workerinput and WORKER_SEED in workerinput:  # xdist: the controller decided
        return int(workerinput[WORKER_SEED])
    value = value_of(config, "rnncheck_seed")
    cache = getattr(config, "cache", None)  # None under -p no:cacheprovider
    if value == "last":
        cached = cache.get(CACHE_SEED, None) if cache else None
        value = cached if isinstance(cached, int) else DEFAULT_SEED
    elif value == "random":
        value = random.Random().randrange(2**31)
    if cache is not None and not workerinput:
        cache.set(CACHE_SEED, value)
    return int(value)


def resolve_gates(config: pytest.Config, enabled: bool, rootdir: Path) -> tuple[Gate, ...]:
    """Models and probes named on the command line (or ini); usage errors stop the run."""
    models = value_of(config, "rnncheck_model")
    probes = value_of(config, "rnncheck_probe")
    if not models and not probes:
        return ()
    if not models or not probes:
        missing = "--rnncheck-probe (e.g. --rnncheck-probe='lag(2)')" if models else "--rnncheck-model=MODULE:FACTORY"
        raise pytest.UsageError(f"rnncheck: {missing} is needed too: every model is checked with every probe")
    try:
        specs = tuple(parse_expression(text) for text in probes)
        refs = [parse_model_ref(text) for text in models]
    except (ProbeSpecError, ModelRefError) as exc:
        raise pytest.UsageError(f"rnncheck: {exc}") from None
    gates = []
    for ref in refs:
        source = None
        if enabled:  # import the user's module (and so Keras) only when probes run
            try:
                with quiet_native_stderr():  # the module imports Keras: keep its runtime's chatter out
                    source = load_model_ref(ref, rootdir)
            except ModelRefError as exc:
                raise pytest.UsageError(f"rnncheck: {exc}") from None
        gates.append(Gate(ref, source, specs))
    return tuple(gates)


def resolve_outputs(config: pytest.Config, enabled: bool, rootdir: Path) -> dict[str, Any]:
    """--rnncheck-save/-compare/-compare-fail/-html, checked now so a typo stops the run at once."""
    from . import storage
    from .errors import RnnCheckError

    save, which = config.getoption("rnncheck_save"), config.getoption("rnncheck_compare")
    outputs: dict[str, Any] = {
        "compare_rules": tuple(value_of(config, "rnncheck_compare_fail")),
        "html_path": config.getoption("rnncheck_html"),
    }
    if outputs["compare_rules"] and which is None:
        which = "last"
    try:
        if save is not None:
            outputs["save_name"] = storage.check_name(save) if save else ""
        if which is not None and not hasattr(config, "workerinput"):
            outputs["compare_path"] = storage.find(rootdir / storage.FOLDER, which)
            outputs["compare_run"] = storage.load(outputs["compare_path"])
    except RnnCheckError as exc:
        raise pytest.UsageError(f"rnncheck: {exc}") from None
    if outputs["html_path"] and enabled:
        from .html_report import check_matplotlib

        try:
            check_matplotlib()
        except RnnCheckError as exc:
            raise pytest.UsageError(f"rnncheck: {exc}") from None
    return outputs


#: Where ``pytest_configure`` keeps the run's settings.
SETTINGS = pytest.StashKey[Settings]()
