"""The order dialog: fields for one action, its cost, legality and reason shown before submit.

Bad input (not a number, negative, absurd) gets an inline message and nothing is submitted.
The dialog returns the :class:`Action` through ``dismiss`` (``None`` when cancelled).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from pydantic import ValidationError
from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from game.engine import Action, Verdict
from game.tui.format import money
from game.tui.names import Names


@dataclass(frozen=True)
class FormField:
    """One input of an order form."""

    key: str
    label: str
    default: Any = ""
    choices: tuple[tuple[str, Any], ...] = ()
    """For a selector: (label, value) pairs; empty for a number."""
    unit: str = ""


@dataclass(frozen=True)
class OrderForm:
    """What an order dialog asks and how it turns the answers into an action."""

    title: str
    fields: tuple[FormField, ...]
    build: Callable[[dict[str, Any]], Action]
    info: Callable[[dict[str, Any]], str] = field(default=lambda values: "")
    """A line of context for the current answers (price now, lead time, ...)."""
    warn: Callable[[dict[str, Any]], str] | None = None
    """A warning for legal answers that will not do what they seem to (``""``: none)."""


def sentence(text: str) -> str:
    """``text`` starting with a capital letter."""
    return text[:1].upper() + text[1:]


THOUSANDS = re.compile(r"^-?\$?\d{1,3}(,\d{3})+(\.\d*)?$")
"""``1,200`` or ``12,000.5``: commas that separate thousands."""


SCALES = {"M": 1.0, "B": 1000.0}
"""Money as the game writes it (``$1.20B``, ``$42.0M``), typed into a field in $M."""


def parse_number(label: str, text: str, unit: str = "") -> float:
    """A finite, non-negative number, or ValueError with the sentence to show. A field in $M
    takes money as the screens write it (``$1.5B`` is 1,500, ``$300M`` 300: "1.5B" was "not a
    number" in the borrow form, whose header shows "Credit line left $1.20B"); a field in % takes
    a trailing ``%``.

    >>> parse_number("Amount", "$1.5B", "$M"), parse_number("Amount", "300m", "$M")
    (1500.0, 300.0)
    >>> parse_number("Training", "25%", "%, 0-80")
    25.0
    """
    typed = text.strip()
    scale = 1.0
    if unit.startswith("$M") and typed[-1:].upper() in SCALES:
        scale, typed = SCALES[typed[-1].upper()], typed[:-1].strip()
    elif unit.startswith("%") and typed.endswith("%"):
        typed = typed[:-1].strip()
    if "," in typed and not THOUSANDS.match(typed):
        raise ValueError(
            f"{label}: {typed!r} is ambiguous; use a dot for decimals (1.5) and commas only"
            " between thousands (1,500)"
        )
    cleaned = typed.replace(",", "").replace("_", "")
    # The minus sign may come before the dollar sign ("-$5M", as a loss is written) or after it.
    cleaned = "-" + cleaned[2:] if cleaned.startswith("-$") else cleaned.lstrip("$")
    if not cleaned:
        raise ValueError(f"{label}: enter a number")
    try:
        value = float(cleaned)
    except ValueError:
        raise ValueError(f"{label}: {text.strip()!r} is not a number") from None
    # Scaled first: "1e308B" is a finite number of billions but no finite number of $M.
    if not math.isfinite(value * scale):
        raise ValueError(f"{label}: enter a finite number")
    if value < 0:
        raise ValueError(f"{label}: must not be negative")
    return value * scale


BOUNDS = {
    "less_than_equal": ("must be at most", "le"),
    "less_than": ("must be less than", "lt"),
    "greater_than_equal": ("must be at least", "ge"),
    "greater_than": ("must be more than", "gt"),
}
"""Pydantic's bound errors, in words, with the context key of their number."""


def with_unit(value: float, unit: str) -> str:
    """A number as a field's unit shows it: ``100,000 kGPU``, ``$500M``, ``80%``.

    >>> with_unit(100000, "kGPU"), with_unit(2000, "MW, 5-2000"), with_unit(80, "%, 0-80")
    ('100,000 kGPU', '2,000 MW', '80%')
    >>> with_unit(500, "$M/kGPU")
    '$500M/kGPU'
    """
    number = f"{value:,g}" if abs(value) < 1e6 else f"{value:,.0f}"
    unit = unit.split(",")[0].strip()
    if unit.startswith("$M"):
        return f"${number}M{unit[2:]}"
    if unit == "%":
        return f"{number}%"
    return f"{number} {unit}".strip()


def pydantic_message(
    exc: ValidationError, labels: dict[str, str], units: dict[str, str] | None = None
) -> str:
    """The first error in the form's words: a bound as ``Quantity: must be at most 100,000 kGPU``
    (pydantic said 'must be less than or equal to 100000')."""
    first = exc.errors()[0]
    key = str(first["loc"][0]) if first["loc"] else ""
    bound = BOUNDS.get(str(first["type"]))
    context = first.get("ctx") or {}
    if bound is not None and isinstance(context.get(bound[1]), int | float):
        message = f"{bound[0]} {with_unit(float(context[bound[1]]), (units or {}).get(key, ''))}"
    else:
        message = str(first["msg"]).replace("Input should be", "must be")
    return f"{labels.get(key, key)}: {message}" if key else message


FIT_AGAIN = 0.1
"""Seconds after a change when the order dialog checks its fit a second time."""


class ActionDialog(ModalScreen[Action | None]):
    """A form for one order; the verdict updates as you type."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="order.cancel"),
        # The app's keys do not reach past a modal dialog: in the order dialog, where
        # 'take-or-pay' or 'slip risk' is read, help and the glossary were out of reach, and
        # ctrl+q did nothing.
        # ? too (a browser may take F1), unless a field has the focus: it types ? there.
        Binding("f1,question_mark", "app.help", "Help", id="order.help"),
        Binding("ctrl+q", "app.quit", "Quit", id="order.quit"),
    ]

    def __init__(
        self,
        form: OrderForm,
        check: Callable[[Action], Verdict],
        cash: float,
        names: Names | None = None,
        effect: Callable[[Action, Verdict], float] | None = None,
        editing: bool = False,
    ):
        super().__init__()
        self.form = form
        self.check = check
        self.cash = cash
        """Cash after the other orders and the quarter's known bills, $M."""
        self.names = names or Names()
        self.effect = effect or (lambda action, verdict: verdict.cost)
        """Cash an order moves this quarter (negative: brings in)."""
        self.editing = editing
        self.action: Action | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="order-dialog"):
            yield Static(self.form.title, classes="dialog-title")
            for f in self.form.fields:
                with Horizontal(classes="row"):
                    yield Label(f.label + (f" ({f.unit})" if f.unit else ""), classes="label")
                    if f.choices:
                        yield Select(
                            list(f.choices),
                            value=f.default,
                            allow_blank=False,
                            id=f"field-{f.key}",
                            compact=True,
                        )
                    else:
                        yield Input(str(f.default), id=f"field-{f.key}", compact=True)
            # The explanation scrolls when the dialog would not fit (80x24 and a warning): the
            # verdict and the buttons below it stay on the screen (see _fit).
            # Not a focus stop while it shows all it holds: Tab from the last field went to
            # this invisible box, and Enter there did nothing (see _fit).
            with VerticalScroll(id="order-info-scroll", can_focus=False):
                yield Static("", id="order-info")
            yield Static("", id="verdict")
            with Horizontal(classes="buttons"):
                yield Button(
                    "Change order" if self.editing else "Add order", id="submit", variant="primary"
                )
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.evaluate()
        # The first number, not the provider or region selector (already set from the row you
        # were on): Enter then adds the order instead of opening a drop-down (found playing).
        inputs = self.query(Input)
        (inputs.first() if inputs else self.query("Select, Button").first()).focus()

    def values(self) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for f in self.form.fields:
            widget = self.query_one(f"#field-{f.key}")
            if isinstance(widget, Select):
                values[f.key] = widget.value
            else:
                assert isinstance(widget, Input)
                values[f.key] = parse_number(f.label, widget.value, f.unit)
        return values

    def evaluate(self) -> bool:
        """Re-check the form; returns whether it may be submitted."""
        self._refit()
        verdict_box = self.query_one("#verdict", Static)
        info_box = self.query_one("#order-info", Static)
        submit = self.query_one("#submit", Button)
        self.action = None
        explained = False
        try:
            values = self.values()
            info_box.update(self.form.info(values))
            explained = True  # for the input as it is, even if the order refuses it
            action = self.form.build(values)
        except ValueError as exc:
            labels = {f.key: f.label for f in self.form.fields}
            units = {f.key: f.unit for f in self.form.fields}
            text = (
                pydantic_message(exc, labels, units)
                if isinstance(exc, ValidationError)
                else str(exc)
            )
            if not explained:
                # A field that is not a number left the explanation (price, payments, what it
                # brings in) showing the figures of the last valid input, as if they still
                # held: it says they wait for the field, whose problem the ✗ line gives.
                info_box.update("The figures for this order show once the ✗ below is fixed.")
            verdict_box.update(f"[red]✗ {escape(text)}[/]")
            submit.disabled = True
            return False
        warning = self.form.warn(values) if self.form.warn else ""
        verdict = self.check(action)
        if verdict.ok:
            self.action = action
            moved = self.effect(action, verdict)
            # A spot bid pays the clearing price, which its limit only bounds.
            at_most = "at most " if action.type == "bid_spot" else ""
            flow = (
                f"brings in {money(-moved)} this quarter"
                if moved < -0.05
                else (
                    f"pays {at_most}{money(moved)} this quarter"
                    if moved > 0.05
                    else "nothing to pay now"
                )
            )
            verdict_box.update(
                (f"[yellow]⚠ {escape(warning)}[/]\n" if warning else "")
                + f"[green]✓ legal[/]  {flow} · projected cash {money(self.cash - moved)}"
            )
        else:
            verdict_box.update(f"[red]✗ {escape(sentence(self.names.text(verdict.message)))}[/]")
        submit.disabled = not verdict.ok
        return verdict.ok

    _fitting = False
    """A :meth:`_fit` is due after the next refresh."""

    def _refit(self) -> None:
        """Undo :meth:`_fit` and fit again once laid out (the text or the screen changed)."""
        self.query_one("#order-dialog").remove_class("tight")
        box = self.query_one("#order-info-scroll")
        box.styles.max_height = None
        box.can_focus = False
        if not self._fitting:
            self._fitting = True
            self.call_after_refresh(self._fit)
        # Once more a moment later: the fit after the next refresh can still measure the layout
        # from before this reset (the class change is applied later), see nothing over and
        # leave every other keystroke's dialog taller than an 80x24 screen, its verdict and
        # buttons cut off.
        self.set_timer(FIT_AGAIN, self._fit)

    def _fit(self) -> None:
        """Make a dialog taller than the screen fit: without the blank lines between the
        fields, and with the explanation scrolling in what room is left (at least two lines),
        so that the verdict and the buttons are always seen (at 80x24 a chip order with a
        warning hid both)."""
        self._fitting = False
        dialog = self.query_one("#order-dialog")
        over = dialog.virtual_size.height - dialog.content_size.height
        if over <= 0:
            return
        dialog.add_class("tight")
        # The blank line under each field goes (the last one's merges with the margin above
        # the explanation, which stays).
        over -= max(len(dialog.query(".row")) - 1, 0)
        if over > 0:
            box = self.query_one("#order-info-scroll")
            box.styles.max_height = max(2, box.outer_size.height - over)
            box.can_focus = True  # it scrolls now: the keys may scroll it

    def on_resize(self) -> None:
        self._refit()

    def on_input_changed(self, event: Input.Changed) -> None:
        self.evaluate()

    def on_select_changed(self, event: Select.Changed) -> None:
        self.evaluate()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.submit()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "submit":
            self.submit()
        else:
            self.action_cancel()

    def submit(self) -> None:
        if self.evaluate() and self.action is not None:
            self.dismiss(self.action)

    def action_cancel(self) -> None:
        self.dismiss(None)
