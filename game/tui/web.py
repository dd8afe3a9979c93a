"""A game process of ``capwars serve``: Textual's web driver, plus the teacher's pause.

textual-serve talks to each game process over its standard input in packets: data (the
browser's keys) and "meta" packets, JSON objects with a ``type`` (a resize, focus, quit).
``capwars serve`` adds two of its own, sent to every student's game when the teacher types
``pause`` or ``resume`` in the server's terminal (:mod:`game.serve`):

* ``{"type": "capwars_pause", "message": "Look at the board"}`` pauses the game (or changes the
  message of a pause on screen);
* ``{"type": "capwars_resume"}`` lifts the pause.

Each game process runs this driver (``TEXTUAL_DRIVER``, set by :func:`game.serve.play_command`),
which hands the two to the app as a :class:`ClassPause` message; Textual's own driver would only
log them as unknown. The packets travel in order with the keys on the same pipe, so a pause
reaches a game that is still starting as well: it waits in the pipe until the game reads it.
"""

from __future__ import annotations

from textual.drivers.web_driver import WebDriver
from textual.message import Message

PAUSE = "capwars_pause"
RESUME = "capwars_resume"
DRIVER = f"{__name__}:CapwarsWebDriver"
"""The driver a game process of ``capwars serve`` runs (the value of ``TEXTUAL_DRIVER``)."""


class ClassPause(Message):
    """The teacher paused every class game (``message``: what to show) or resumed (None)."""

    def __init__(self, message: str | None) -> None:
        super().__init__()
        self.message = message


class CapwarsWebDriver(WebDriver):
    """Textual's web driver that also takes the teacher's pause and resume."""

    def on_meta(self, packet_type: str, payload: dict[str, object]) -> None:
        # Runs on the driver's input thread: post_message is safe from there.
        if packet_type == PAUSE:
            message = payload.get("message")
            self._app.post_message(ClassPause(message if isinstance(message, str) else ""))
        elif packet_type == RESUME:
            self._app.post_message(ClassPause(None))
        else:
            super().on_meta(packet_type, payload)
