"""The Python SDK for protocol ``capwars/1``: write a bot class, call :func:`run`.

    from game.agents import Bot
    from game.engine.actions import BidSpot
    from game.sdk import run

    class MyBot(Bot):
        def act(self, observation):
            cheapest = min(observation.providers, key=lambda p: p.spot_price)
            return [BidSpot(provider=cheapest.id, quantity=5, max_price=cheapest.spot_price * 1.5)]

    if __name__ == "__main__":
        run(MyBot)

Play it with ``capwars match --bot "cmd:python my_bot.py"``. A :class:`game.agents.Bot` subclass
gets the engine's own :class:`~game.engine.observation.Observation` (rebuilt from the JSON), so
the same class plays the same moves in-process (``--bot my_bot.py``) and as a subprocess. Any
other class with ``act(observation)`` gets a light :class:`Obj` (attribute or key access to the
JSON) and may return plain dicts; that path imports only the standard library and starts fast.

The protocol owns the process's real stdout. :func:`run` points ``sys.stdout`` and file
descriptor 1 at stderr, so a stray ``print()`` (or a C library writing to fd 1) lands in the
bot's log instead of corrupting the conversation. An exception in ``act`` is logged and the
quarter is held, as it would be in-process.

``python -m game.sdk SPEC`` hosts any bot spec (``balanced``, ``path/bot.py[:Class]``) this way.
"""

from __future__ import annotations

import json
import os
import sys
import traceback
from collections.abc import Callable
from typing import IO, Any

PROTOCOL = "capwars/1"


class Obj(dict[str, Any]):
    """A JSON object with attribute access: ``obs.me.cash`` or ``obs["me"]["cash"]``."""

    def __getattr__(self, name: str) -> Any:
        try:
            return _wrap(self[name])
        except KeyError:
            if name.startswith("__"):
                raise AttributeError(name) from None
            # obs.me.cahs: name the fields there are, as the engine's objects would fail
            # with a did-you-mean, rather than a bare "AttributeError: cahs".
            from game.rules.problems import did_you_mean

            fields = sorted(str(key) for key in self)
            raise AttributeError(
                f"no field {name!r}{did_you_mean(name, fields)}; the fields here are:"
                f" {', '.join(fields)}"
            ) from None

    def __getitem__(self, key: str) -> Any:
        try:
            return _wrap(super().__getitem__(key))
        except KeyError:
            # reserved_price[8]: JSON keys are strings ("8"), where the engine's own objects
            # (and the docs' in-process examples) use numbers; say so, not a bare KeyError: 8.
            if not isinstance(key, str) and str(key) in self:
                raise KeyError(
                    f"{key!r}: the keys of a JSON object are strings, write [{str(key)!r}]"
                ) from None
            if isinstance(key, str):
                from game.rules.problems import did_you_mean

                hint = did_you_mean(key, [str(k) for k in self])
                if hint:
                    raise KeyError(f"{key!r}{hint}") from None
            raise


def _wrap(value: Any) -> Any:
    if isinstance(value, dict) and not isinstance(value, Obj):
        return Obj(value)
    if isinstance(value, list):
        return [_wrap(v) for v in value]
    return value


def _is_engine_bot(bot: Any) -> bool:
    if "game.agents.base" not in sys.modules:
        return False
    from game.agents.base import Bot

    return isinstance(bot, Bot)


def _describe(exc: BaseException) -> str:
    """One line for the host: the exception and the line of the bot's own code that raised."""
    try:  # imported only now: a bot that never fails never pays for it
        from game.agents.failures import describe

        return describe(exc, limit=500)  # the place kept, a long message cut
    except Exception:  # describing must never be a second failure
        return f"{type(exc).__name__}: {exc}"[:500]


def _action_json(action: Any) -> Any:
    dump = getattr(action, "model_dump", None)
    return dump(mode="json") if callable(dump) else action


def _json_value(value: Any) -> Any:
    """What ``json.dumps`` cannot write: a numpy number (``np.int64(4)``, ``np.float32``,
    ``np.bool_``) as the number it holds, as the engine takes it from an in-process bot;
    anything else as its text."""
    numpy = sys.modules.get("numpy")  # a numpy number means numpy is imported
    if numpy is not None and isinstance(value, numpy.generic):
        item = value.item()
        if isinstance(item, bool | int | float):
            return item
    return str(value)


class _Session:
    def __init__(self, bot: Any, out: IO[bytes]) -> None:
        self.bot = bot
        self.out = out
        self.engine = _is_engine_bot(bot)
        self.setup_error: str | None = None
        """A ``setup`` that raised: told to the host with the first answer."""

    def send(self, message: dict[str, Any]) -> None:
        if message.get("type") == "actions" and self.setup_error is not None:
            # The setup's failure, with the first answer (and this answer's own, if any).
            own = message.get("error")
            message = {**message, "error": "; ".join(filter(None, [self.setup_error, own]))}
            self.setup_error = None
        self.out.write(
            json.dumps(message, separators=(",", ":"), default=_json_value).encode() + b"\n"
        )
        self.out.flush()

    def hello(self, msg: dict[str, Any]) -> None:
        try:
            self._setup(msg)
        except Exception as exc:
            # As in-process (game.arena.match.SeatBots.setup): the failure is recorded and
            # the bot plays on, where the program used to die before `ready` and be
            # eliminated. `ready` has no error field: the first answer carries it.
            traceback.print_exc()
            self.setup_error = f"setup failed: {_describe(exc)}"
        self.send({"type": "ready", "name": getattr(self.bot, "name", type(self.bot).__name__)})

    def _setup(self, msg: dict[str, Any]) -> None:
        setup = getattr(self.bot, "setup", None)
        if callable(setup):
            if self.engine:
                from game.agents.base import SetupInfo

                rules = msg.get("rules") or {}
                setup(
                    SetupInfo(
                        seat=msg["seat"],
                        players=tuple(msg["players"]),
                        scenario=msg["scenario"],
                        quarters=msg["quarters"],
                        seed=msg["seed"],
                        industry=msg["industry"],
                        rules={
                            "mechanics": list(rules.get("mechanics", [])),
                            "content_hash": rules.get("content_hash", ""),
                            # The seat's named rival (hello.rules.rival), as run_match gives
                            # it in-process: a hosted rival plays its personality from it.
                            **(
                                {"rival": dict(rules["rival"])}
                                if isinstance(rules.get("rival"), dict)
                                else {}
                            ),
                        },
                    )
                )
            else:
                setup(Obj(msg))

    def turn(self, msg: dict[str, Any]) -> None:
        if self.engine:
            from game.arena.codec import observation_from_dict

            observation: Any = observation_from_dict(msg["observation"])
        else:
            observation = Obj(msg["observation"])
        try:
            actions = self.bot.act(observation)
            if actions is None:
                actions = []
            if not isinstance(actions, list | tuple):
                # As an in-process bot (game.arena.match.ask_bot): iterating a dict or an
                # action model would send its keys or (field, value) pairs as "actions".
                self.send(
                    {
                        "type": "actions",
                        "turn": msg["turn"],
                        "actions": [],
                        "error": (
                            f"act() returned {type(actions).__name__}, not a list of actions"
                            " (return [action] for one action)"
                        ),
                    }
                )
                return
            items = [_action_json(a) for a in actions]
        except Exception as exc:  # the bot's own bug: log it and hold, as run_match does
            traceback.print_exc()
            # ... and tell the host, which records it as this quarter's failure (in replays
            # and tournament results), as it does for an in-process bot that raises.
            self.send(
                {"type": "actions", "turn": msg["turn"], "actions": [], "error": _describe(exc)}
            )
            return
        self.send({"type": "actions", "turn": msg["turn"], "actions": items})

    def end(self, msg: dict[str, Any]) -> None:
        on_end = getattr(self.bot, "on_end", None)
        if not callable(on_end):
            return
        if self.engine:
            from game.agents.base import MatchResult

            on_end(
                MatchResult(
                    msg["seat"],
                    msg["rank"],
                    msg["score"],
                    msg["status"],
                    tuple(msg.get("standings", [])),
                )
            )
        else:
            on_end(Obj(msg))


def protect_stdout() -> IO[bytes]:
    """Take the real stdout for the protocol; send ``print()`` and fd 1 to stderr from now on."""
    sys.stdout.flush()
    protocol_fd = os.dup(1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    return os.fdopen(protocol_fd, "wb", buffering=0)


def run(
    bot_factory: Callable[[], Any],
    stdin: IO[bytes] | None = None,
    stdout: IO[bytes] | None = None,
) -> None:
    """Play one match over stdin/stdout with the bot ``bot_factory()`` builds (or with
    ``bot_factory`` itself, when it is a bot already: ``run(MyBot())``)."""
    caller = sys._getframe(1).f_globals.get("__name__", "")
    # Only an imported registry can be importing a bot file (the module stays unloaded, and
    # the SDK light, in a bot's own process).
    registry = sys.modules.get("game.agents.registry")
    if registry is not None and caller.startswith(registry.IN_PROCESS_MODULE_PREFIX):
        # capwars is importing the file to play it in-process (--bot my_bot.py): serving
        # capwars' own stdin would hang the match (or take over its stdout) without a word.
        raise RuntimeError(
            "game.sdk.run() ran while capwars imported this file to play it in-process; put"
            ' it under `if __name__ == "__main__":` so that it runs only as a program'
            ' (--bot "cmd:python my_bot.py")'
        )
    # run(MyBot()) is as natural as run(MyBot): an instance (it has act, it is not a class) is
    # played as it is, where calling it died at start-up with "'MyBot' object is not callable".
    is_instance = hasattr(bot_factory, "act") and not isinstance(bot_factory, type)
    bot = bot_factory if is_instance else bot_factory()
    out = stdout if stdout is not None else protect_stdout()
    source = stdin if stdin is not None else sys.stdin.buffer
    session = _Session(bot, out)
    for raw in source:
        if not raw.strip():
            continue
        msg = json.loads(raw)
        kind = msg.get("type")
        if kind == "hello":
            session.hello(msg)
        elif kind == "turn":
            session.turn(msg)
        elif kind == "end":
            session.end(msg)
            return


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(
            "usage: python -m game.sdk BOTSPEC   (balanced, path/to/bot.py[:Class])",
            file=sys.stderr,
        )
        return 2
    from game.agents.registry import BotSpecError, make_bot

    try:
        bot = make_bot(argv[0])
    except BotSpecError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    run(lambda: bot)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
