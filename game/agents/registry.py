"""Bot specs: turn ``"balanced"`` or ``"path/to/bot.py:MyBot"`` into a bot instance.

Built-in names map to classes here; a spec that starts with a registered prefix (``cmd:``, which
:mod:`game.arena.host` registers when imported) goes to that prefix's factory; a Python file is
imported under a private module name and its class (the one named after ``:``, else the only
:class:`Bot` subclass it defines) is built with no arguments. Errors are :class:`BotSpecError`
with a sentence a newcomer can act on.
"""

from __future__ import annotations

import importlib.abc
import importlib.util
import inspect
import shlex
import sys
import threading
from collections.abc import Callable
from difflib import get_close_matches
from pathlib import Path
from typing import TYPE_CHECKING

from game.agents.balanced import BalancedBot
from game.agents.base import Bot
from game.agents.failures import describe, problem_text
from game.agents.idle import IdleBot
from game.agents.random_bot import RandomBot
from game.rules.problems import close_name

if TYPE_CHECKING:
    from game.rules.models import Content

BUILTIN: dict[str, Callable[[], Bot]] = {
    "idle": IdleBot,
    "random": RandomBot,
    "balanced": BalancedBot,
}
"""Built-in bots by spec name. Other packages (the rival roster) register here too."""


PREFIXES: dict[str, Callable[[str], Bot]] = {}
"""Spec prefixes (``"cmd:"``) and the factories that build a bot from the rest of the spec.

Higher layers register here (the external bot host registers ``cmd:``), so this module never
imports them."""


class BotSpecError(ValueError):
    """A bot spec that cannot be turned into a bot."""


def register(name: str, factory: Callable[[], Bot]) -> None:
    """Make ``name`` a built-in bot spec."""
    BUILTIN[name] = factory


def register_prefix(prefix: str, factory: Callable[[str], Bot]) -> None:
    """Send specs that start with ``prefix`` to ``factory(rest_of_spec)``."""
    PREFIXES[prefix] = factory


def _load_rivals() -> None:
    """Register the rival roster (``hoarder:hard``, ...) on first use, avoiding import cycles.

    Under a lock: threads of one process (a Dask worker's) may ask for bots at once, and one
    that found the flag set before the names were in would not know ``hoarder``."""
    global _rivals_loaded
    if _rivals_loaded:
        return
    with _rivals_lock:
        if _rivals_loaded:
            return
        from game.agents.rivals import rival_specs

        for name, factory in rival_specs().items():
            BUILTIN.setdefault(name, factory)
        _rivals_loaded = True


_rivals_loaded = False
_rivals_lock = threading.RLock()


def known_specs() -> list[str]:
    _load_rivals()
    return sorted(BUILTIN)


def make_bot(spec: str) -> Bot:
    """Build the bot a spec names."""
    spec = spec.strip()
    if not spec:
        raise BotSpecError("empty bot spec")
    _load_rivals()
    if spec in BUILTIN:
        return BUILTIN[spec]()
    for prefix, factory in PREFIXES.items():
        if spec.startswith(prefix):
            return factory(spec[len(prefix) :].strip())
    if spec.startswith("cmd:"):
        raise BotSpecError(
            "external bots (cmd:...) are started by the bot host, which this program has not"
            " loaded: play them through capwars or game.arena.match.run_match, or import"
            " game.arena.host before make_bot()"
        )
    named = file_spec(spec)
    if named is not None:
        return _from_file(*named)
    hint = get_close_matches(spec, list(BUILTIN), n=1)
    suggestion = f" (did you mean {hint[0]!r}?)" if hint else ""
    raise BotSpecError(
        f"unknown bot {spec!r}{suggestion}. Use a built-in name ({_summary(known_specs())}),"
        " a Python file (path/to/bot.py[:ClassName]) or a program in any language"
        ' ("cmd:node my_bot.js")'
    )


def file_spec(spec: str) -> tuple[Path, str | None] | None:
    """The file and class a Python-file spec names (``path/to/bot.py[:Class]``), or ``None``
    for any other spec: the one rule for telling a bot file from a built-in name."""
    path_part, _, class_name = spec.strip().partition(":")
    if path_part.endswith(".py") or "/" in path_part:
        return Path(path_part), class_name or None
    return None


LEVELS = ("easy", "normal", "hard")
"""Difficulty levels in rising order (a spec ``ARCHETYPE:LEVEL``)."""


def spec_levels(specs: list[str]) -> dict[str, tuple[str, ...]]:
    """Spec names grouped by bot: ``{"builder": ("easy", "normal", "hard"), "idle": ()}``,
    levels easiest first (unknown ones last), bots in the order first seen."""
    levels: dict[str, list[str]] = {}
    for spec in specs:
        name, _, level = spec.partition(":")
        levels.setdefault(name, [])
        if level:
            levels[name].append(level)

    def rank(level: str) -> tuple[int, str]:
        return (LEVELS.index(level) if level in LEVELS else len(LEVELS), level)

    return {name: tuple(sorted(found, key=rank)) for name, found in levels.items()}


def _summary(specs: list[str]) -> str:
    """``builder, builder:easy, builder:hard, ...`` as ``builder[:easy|normal|hard]``."""
    return ", ".join(
        name + (f"[:{'|'.join(found)}]" if found else "")
        for name, found in spec_levels(specs).items()
    )


def rival_spec(content: Content, rival_id: str | None) -> str:
    """The bot spec that plays a scenario seat's rival: its archetype at normal difficulty if
    that bot exists, else its archetype, else ``balanced`` (also for a seat with no rival)."""
    specs = set(known_specs())
    for rival in content.rivals:
        if rival.id == rival_id:
            for spec in (f"{rival.archetype}:normal", rival.archetype):
                if spec in specs:
                    return spec
    return "balanced"


_AS_PROGRAM = (
    'a program that speaks the protocol (or calls game.sdk.run) plays as --bot "cmd:python {path}"'
)


def _as_program(path: Path) -> str:
    """:data:`_AS_PROGRAM` for ``path``, quoted so that the command works as copied."""
    return _AS_PROGRAM.format(path=shlex.quote(str(path)))


IN_PROCESS_MODULE_PREFIX = "_capwars_bot_"
"""The start of the module name of a bot file imported to play in-process (``game.sdk.run``
refuses to serve stdin from such a module)."""


_FILE_IMPORTS = threading.Lock()
"""Bot files are imported one at a time: each import swaps its folder's helpers in and out."""

_HELPERS: dict[str, Path] = {}
"""The helper modules bot files imported from their own folders (``strategy``, ``mylib.plan``),
each with the folder it came from."""


_FOLDERS: set[str] = set()
"""The bot folders this module put on ``sys.path`` (at its end, for imports inside ``act``)."""


def _exec_with_own_helpers(loader: importlib.abc.Loader, module: object, folder: Path) -> None:
    """Run a bot file's module with its own folder first on ``sys.path``, as ``python bot.py``
    would, and with the helpers of its own folder.

    A helper module stays in ``sys.modules`` once imported, under a name such as ``strategy``
    or ``utils`` that many students choose: without this, the second bot of a match or a
    tournament worker with its own ``strategy.py`` silently got the first one's. Helpers another
    bot folder imported are therefore taken out of ``sys.modules`` before a file runs (its bot
    module keeps its own references to them), so the file imports its own afresh; the helpers
    stay there otherwise, as any module would (pickling a bot that holds a helper's object works,
    and a bot built again for its next match reuses them). The folder stays on ``sys.path`` (at
    the end) for imports made later, inside ``act``.
    """
    for name, owner in list(_HELPERS.items()):
        if owner != folder:
            sys.modules.pop(name, None)
            del _HELPERS[name]
    entry = str(folder)
    if entry not in sys.path:
        _FOLDERS.add(entry)
    # The other bots' folders are off sys.path while the file runs, as under ``python bot.py``:
    # their regular package tools/ came before this folder's tools/ without __init__.py, and
    # a helper this folder lacks was silently theirs instead of an ImportError.
    hidden = [p for p in sys.path if p in _FOLDERS and p != entry]
    if hidden:
        sys.path[:] = [p for p in sys.path if p not in hidden]
    before = set(sys.modules)
    sys.path.insert(0, entry)
    try:
        loader.exec_module(module)  # type: ignore[arg-type]
    finally:
        if entry in sys.path:
            sys.path.remove(entry)  # the first one: ours, unless the file moved it
        for path in [*dict.fromkeys(hidden), entry]:
            if path not in sys.path:
                sys.path.append(path)
        new = [name for name in sys.modules if name not in before]
        own = {name for name in new if "." not in name and _lies_in(sys.modules[name], folder)}
        for name in new:
            if name.partition(".")[0] in own:
                _HELPERS[name] = folder


def _lies_in(module: object, folder: Path) -> bool:
    """Whether ``module`` is a file or package directly in ``folder`` (never the game's own)."""
    file = getattr(module, "__file__", None)
    if getattr(module, "__name__", "") == "game":
        return False
    if not file:
        # A namespace package (a folder without __init__.py, as many students leave it): the
        # folders it spans; without this, a second bot's tools/ was the first one's.
        return any(
            Path(p).resolve().parent == folder for p in list(getattr(module, "__path__", ()))
        )
    found = Path(file).resolve()
    if found.name == "__init__.py":
        found = found.parent
    return found.parent == folder


def _not_found(path: Path) -> str:
    """Why a bot file spec names no file, with where it was looked for and a close name."""
    if path.is_dir():
        bots = sorted(p.name for p in path.glob("*.py"))
        example = f"{path / bots[0]}" if len(bots) == 1 else f"{path / 'bot.py'}"
        return f"bot file not found: {path} is a folder; name the bot file in it ({example})"
    folder = path.parent
    if not folder.is_dir():
        return f"bot file not found: {path} (there is no folder {folder})"
    close = close_name(path, files_only=True)
    hint = f"; did you mean {folder / close}?" if close else ""
    return f"bot file not found: {path} (looked in {folder.resolve()}){hint}"


def _from_file(path: Path, class_name: str | None) -> Bot:
    if not path.is_file():
        raise BotSpecError(_not_found(path))
    module_name = f"{IN_PROCESS_MODULE_PREFIX}{abs(hash(str(path.resolve())))}"
    loader_spec = importlib.util.spec_from_file_location(module_name, path)
    if loader_spec is None or loader_spec.loader is None:
        raise BotSpecError(f"cannot import {path}: not a Python file")
    module = importlib.util.module_from_spec(loader_spec)
    try:
        with _FILE_IMPORTS:
            sys.modules[module_name] = module
            _exec_with_own_helpers(loader_spec.loader, module, path.resolve().parent)
    except Exception as exc:  # a bot file may fail in any way; report it, don't crash
        raise BotSpecError(f"{path} failed to import: {describe(exc, path)}") from None
    if class_name:
        cls = getattr(module, class_name, None)
        if cls is None:
            found = [n for n, v in vars(module).items() if inspect.isclass(v)]
            hint = get_close_matches(class_name, found, n=1)
            suggestion = f" (did you mean {hint[0]!r}?)" if hint else ""
            raise BotSpecError(f"{path} has no class {class_name!r}{suggestion}")
    else:
        candidates = [
            v
            for v in vars(module).values()
            if inspect.isclass(v)
            and issubclass(v, Bot)
            and v is not Bot
            and v.__module__ == module_name
        ]
        if not candidates:
            raise BotSpecError(
                f"{path} defines no game.agents.Bot subclass, which a file played in-process"
                f" needs; {_as_program(path)}"
            )
        if len(candidates) > 1:
            names = ", ".join(c.__name__ for c in candidates)
            raise BotSpecError(
                f"{path} defines {len(candidates)} Bot subclasses ({names}); name one:"
                f" {path}:{candidates[0].__name__}"
            )
        cls = candidates[0]
    if not callable(getattr(cls, "act", None)):
        raise BotSpecError(f"{path}:{cls.__name__} has no act(observation) method")
    if not (inspect.isclass(cls) and issubclass(cls, Bot)):
        # It would be handed the engine's Observation and asked for setup() and on_end(),
        # and fail every quarter; the SDK gives such a class the JSON it expects.
        raise BotSpecError(
            f"{path}:{getattr(cls, '__name__', class_name)} is not a game.agents.Bot subclass,"
            f" which a class played in-process must be (class"
            f" {getattr(cls, '__name__', class_name)}(Bot): ...); {_as_program(path)}"
        )
    try:
        bot = cls()
    except Exception as exc:
        frame = exc.__traceback__
        if isinstance(exc, TypeError) and frame is not None and frame.tb_next is None:
            # Raised by the call itself, not inside __init__: it wants arguments.
            raise BotSpecError(
                f"{path}:{cls.__name__}() failed: {problem_text(exc)}: a bot class is built"
                f" with no arguments, so give each parameter of its __init__ a default value"
                f" (def __init__(self, share=0.5): ...)"
            ) from None
        raise BotSpecError(f"{path}:{cls.__name__}() failed: {describe(exc, path)}") from None
    return bot
