"""The main screen: header figures, seven sections, and every order's key binding."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from rich.markup import escape
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.events import Key, Resize
from textual.screen import Screen
from textual.widgets import DataTable, Footer, ProgressBar, Static, TabbedContent, TabPane

from game.engine import (
    Action,
    BuildDatacenter,
    OrderChips,
    OrderNetwork,
    QuarterReport,
    Verdict,
)
from game.engine.actions import MECHANIC_OF
from game.tui.dialogs import forms
from game.tui.dialogs.action import ActionDialog, OrderForm
from game.tui.order_keys import (
    BY_ACTION,
    ORDER_KEYS,
    footer_orders,
    mechanic_of,
    off_key_notice,
)
from game.tui.session import GameSession, SeatView
from game.tui.widgets.infrastructure import InfrastructureSection
from game.tui.widgets.market import MarketSection
from game.tui.widgets.news import NewsSection
from game.tui.widgets.orders import (
    OrdersSection,
    capacity_plan,
    describe,
    no_orders_text,
    opening_share,
    plan_numbers,
    starts_now,
)
from game.tui.widgets.overview import OverviewSection
from game.tui.widgets.plan import (
    CashPlan,
    cash_plan,
    grid_queue,
    locked_chips,
    order_effect,
    power_room,
    shortfall_text,
)
from game.tui.widgets.research import ResearchSection
from game.tui.widgets.rivals import RivalsSection
from game.tui.widgets.section import Section
from game.tui.widgets.status import StatusLine

if TYPE_CHECKING:
    from pathlib import Path

    from game.tui.app import CapwarsApp

SECTIONS: tuple[tuple[str, str, type[Section]], ...] = (
    ("overview", "1 Overview", OverviewSection),
    ("market", "2 Market", MarketSection),
    ("infrastructure", "3 Infra", InfrastructureSection),
    ("research", "4 Research", ResearchSection),
    ("rivals", "5 Rivals", RivalsSection),
    ("news", "6 News", NewsSection),
    ("orders", "7 Orders", OrdersSection),
)


def _b(key: str, action: str, description: str, tooltip: str, show: bool = True) -> Binding:
    return Binding(
        key, action, description, id=f"main.{action.split('(')[0]}", tooltip=tooltip, show=show
    )


FACILITATOR_ACTIONS = ("facilitator", "pause")
"""Screen actions of the facilitator, hidden in class play (``--fixed``)."""


class MainScreen(Screen[None]):
    """Where a quarter is planned."""

    BINDINGS: ClassVar[list[BindingType]] = [
        _b("e", "end_quarter", "End quarter", "Review your orders, then resolve the quarter"),
        _b("s", "save", "Save", "Save the game to the saves folder"),
        _b("question_mark", "help", "Help", "Key bindings, glossary and help for this section"),
        # The footer shows the order keys of the open section (check_action picks them); the
        # same keys bound again below work everywhere, shown or not.
        *[
            Binding(
                o.keys,
                f"shown('{o.action}')",
                o.footer,
                id=f"main.shown.{o.action}",
                tooltip=o.tooltip,
            )
            for o in ORDER_KEYS
        ],
        *[_b(o.keys, o.action, o.footer, o.tooltip, show=False) for o in ORDER_KEYS],
        _b("x,delete", "remove_order", "Remove", "Remove the highlighted order", show=False),
        _b("l", "load", "Load", "Load a saved game", show=False),
        _b("escape", "menu", "Menu", "Back to the title screen (autosaved)", show=False),
        _b("i", "lessons", "Lessons", "Read the lesson notes so far", show=False),
        _b("f9,ctrl+f", "facilitator", "Facilitator", "Inject an event, pause (PIN)", show=False),
        *[
            _b(
                str(i + 1),
                f"section('{sid}')",
                label.split()[1],
                f"Show {label.split()[1]}",
                show=False,
            )
            for i, (sid, label, _) in enumerate(SECTIONS)
        ],
    ]

    def __init__(self, session: GameSession):
        super().__init__()
        self.session = session
        self.view: SeatView | None = None
        self._stale: set[str] = set()
        self._width: int | None = None
        self._seen_report: set[tuple[object, int]] = set()
        self.seconds_left: int | None = None
        """The turn timer of the team at the keyboard (``None``: not running)."""
        self._flags = ""
        self.saved_at: tuple[Path, int] | None = None
        """The last save made from this screen (s): its file and the quarter it holds."""

    @property
    def section(self) -> str:
        return self.query_one(TabbedContent).active or "overview"

    def compose(self) -> ComposeResult:
        yield StatusLine(id="status")
        with TabbedContent(id="sections"):
            for sid, label, cls in SECTIONS:
                with TabPane(label, id=sid):
                    yield cls(id=f"section-{sid}")
        yield Static("", id="rejected")
        yield ProgressBar(id="thinking", show_eta=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#thinking", ProgressBar).display = False
        self.refresh_view()
        self.call_after_refresh(self._greet)
        if self.session.facilitation.turn_seconds:
            self.set_interval(1.0, self._tick, name="turn timer")
            self.start_clock()

    def _greet(self) -> None:
        """Show the lesson of this quarter (tutorial) once the screen is up; a game loaded
        after every player went bankrupt offers to play out the rivals' quarters instead."""
        if self.session.all_out:
            self.offer_play_out()
            return
        self._show_lesson()

    # ------------------------------------------------------------------ state down
    def refresh_view(self) -> None:
        view = self.session.view()
        self.view = view
        self._flags = self._status_flags()
        self.query_one(StatusLine).show(view, self._flags + self._clock_text())
        # Only the visible section redraws now; the others catch up when they are opened.
        self._stale = {sid for sid, _, _ in SECTIONS}
        self._show_section(self.section)
        rejected = view.obs.rejected
        box = self.query_one("#rejected", Static)
        box.display = bool(rejected)
        names = view.names
        box.update(
            "Rejected last quarter: "
            + "; ".join(f"{names.action_kind(t)}: {names.text(m)}" for t, _, m in rejected)
            if rejected
            else ""
        )
        tabs = self.query_one(TabbedContent)
        tabs.get_tab("orders").label = f"7 Orders ({len(view.orders)})"

    def _status_flags(self) -> str:
        # Events the facilitator queued stay out of the header: they are a surprise for the
        # room until the quarter resolves (the facilitator menu lists them).
        return "[b]catch-up on[/b]" if self.session.catch_up else ""

    def _clock_text(self) -> str:
        if self.seconds_left is None:
            return ""
        minutes, seconds = divmod(max(self.seconds_left, 0), 60)
        style = "red" if self.seconds_left <= 15 else "b"
        return ("  " if self._flags else "") + f"[{style}]⏱ {minutes}:{seconds:02d}[/]"

    # ------------------------------------------------------------------ the turn timer
    def start_clock(self) -> None:
        """Give the team at the keyboard its time for this quarter (if a timer is set)."""
        seconds = self.session.facilitation.turn_seconds
        self.seconds_left = seconds if seconds and not self.session.over else None
        self._redraw_status()

    def _redraw_status(self) -> None:
        if self.view is not None:
            self.query_one(StatusLine).show(self.view, self._flags + self._clock_text())

    def _clock_runs(self) -> bool:
        """The clock stands still while a report, a lesson, a hand-over or a pause shows (and all
        through the teacher's pause from ``capwars serve``)."""
        screen = self.app.screen
        app: CapwarsApp = self.app  # type: ignore[assignment]
        if self.seconds_left is None or self.is_running_quarter:
            return False
        if app.paused_by_teacher is not None:
            return False
        return screen is self or not getattr(screen, "stops_clock", False)

    @property
    def is_running_quarter(self) -> bool:
        return any(w.group == "quarter" and not w.is_finished for w in self.workers)

    def _tick(self) -> None:
        if not self._clock_runs():
            return
        assert self.seconds_left is not None
        self.seconds_left -= 1
        self._redraw_status()
        if self.seconds_left <= 0:
            self.time_up()

    def time_up(self) -> None:
        """The team's time is over: close what it had open, end its turn with its orders."""
        self.seconds_left = None
        while self.app.screen is not self and len(self.app.screen_stack) > 1:
            self.app.pop_screen()
        self.notify("Time is up: this quarter ends with the orders placed so far.", timeout=5)
        self.finish_turn()

    # ------------------------------------------------------------------ facilitator
    def room_rules(self) -> str:
        """The facilitator's settings in one line: timer, catch-up, PIN, lesson mode."""
        f = self.session.facilitation
        timer = f"{f.turn_seconds} s per team turn" if f.turn_seconds else "off"
        return (
            f"Turn timer: {timer} · Catch-up rule: {'on' if self.session.catch_up else 'off'}"
            f" · Lesson mode: {'on' if f.lesson_mode else 'off'}"
            f" · PIN: {'set' if f.has_pin else 'none'}"
        )

    def _with_pin(self, then: Callable[[], None], why: str) -> None:
        """Run ``then`` once the facilitator PIN is given (at once if there is none)."""
        facilitation = self.session.facilitation
        if not facilitation.has_pin:
            then()
            return
        from game.tui.dialogs.facilitator import PinDialog

        def checked(ok: bool | None) -> None:
            if ok:
                then()

        self.app.push_screen(PinDialog(facilitation.check_pin, why), checked)

    def action_facilitator(self) -> None:
        self._with_pin(self._facilitator_menu, "Facilitator menu")

    def _facilitator_menu(self) -> None:
        from game.tui.dialogs.facilitator import FacilitatorMenu

        titles = {e.id: e.title for e in self.session.content.events}
        queued = [titles.get(e, e) for e in self.session.injected]
        self.app.push_screen(FacilitatorMenu(self.room_rules(), queued), self._facilitate)

    def _facilitate(self, choice: str | None) -> None:
        if choice == "inject":
            from game.tui.dialogs.facilitator import EventPicker

            self.app.push_screen(EventPicker(self.session.content.events), self._inject)
        elif choice == "pause":
            self._pause()
        elif choice == "cancel-events":
            self.session.injected.clear()
            self.refresh_view()
            self.notify("No event will be started by hand this quarter.")

    def _inject(self, event_id: str | None) -> None:
        if event_id is None:
            return
        self.session.inject(event_id)
        title = next(e.title for e in self.session.content.events if e.id == event_id)
        self.refresh_view()
        self.notify(f"Facilitator: {title} starts when this quarter resolves.", timeout=3)

    def action_pause(self) -> None:
        self._with_pin(self._pause, "Pause")

    def _pause(self) -> None:
        from game.tui.screens.pause import PauseScreen

        facilitation = self.session.facilitation
        self.app.push_screen(PauseScreen(facilitation.check_pin if facilitation.has_pin else None))

    def action_lessons(self) -> None:
        from game.tui.screens.lessons import LessonsScreen

        self.app.push_screen(LessonsScreen(self.session))

    # ------------------------------------------------------------------ sections
    def _show_section(self, sid: str) -> None:
        if self.view is not None and sid in self._stale:
            self._stale.discard(sid)
            self.query_one(f"#section-{sid}", Section).show(self.view)

    def on_resize(self, event: Resize) -> None:
        """Crossing the compact width changes the tables' columns: redraw the sections. The
        header fits itself to the new width."""
        self.query_one(StatusLine).redraw()
        self.refresh_bindings()  # the footer's order keys fit the width
        width = event.size.width
        if width != self._width and self.view is not None:
            # Tables size their name columns to the width (and change columns at WIDE).
            self._width = width
            self._stale = {sid for sid, _, _ in SECTIONS}
            self._show_section(self.section)

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        if event.pane.id:
            self._show_section(event.pane.id)
        self.refresh_bindings()  # the footer shows this section's order keys

    def action_shown(self, action: str) -> None:
        """An order key as the footer shows it (a click on it, or its key)."""
        getattr(self, f"action_{action}")()

    def action_section(self, sid: str) -> None:
        self.query_one(TabbedContent).active = sid
        pane = self.query_one(f"#section-{sid}", Section)
        tables = pane.query(DataTable)
        scrolls = pane.query(VerticalScroll)
        if tables:
            tables.first().focus()
        elif scrolls:  # News: the arrow keys scroll the news at once
            scrolls.first().focus()

    def action_help(self) -> None:
        app: CapwarsApp = self.app  # type: ignore[assignment]
        app.action_help()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The footer shows the order keys of the open section (``shown``).

        Orders of a mechanic the scenario has switched off (the tutorial has no chips,
        research or sublease) are hidden: not in the footer, the command palette or the key
        map, so the screen offers only what this game can do.

        In class play (``--fixed``) the facilitator menu (F9: events started by hand, the
        pause) is hidden as well: a team that started an event in its own game would find its
        result refused by ``capwars class results``."""
        if action in FACILITATOR_ACTIONS:
            app: CapwarsApp = self.app  # type: ignore[assignment]
            return not app.fixed
        if action == "shown":
            # The footer's order keys: those of the open section (in the Infrastructure
            # section c, n and d; in the Market b and r). At 80 columns every order key at
            # once did not fit, and only b and r were ever shown.
            scenario = self.session.state.world.scenario
            width = self.app.size.width
            return parameters[0] in footer_orders(self.section, scenario.mechanics, width)
        mechanic = mechanic_of(action)
        if mechanic is None:
            return True
        return mechanic in self.session.state.world.scenario.mechanics

    def on_key(self, event: Key) -> None:
        """The key of an order this scenario has switched off (hidden by
        :meth:`check_action`) says so, and what can be ordered instead: silence read as a
        broken key."""
        scenario = self.session.state.world.scenario
        notice = off_key_notice(event.key, scenario.mechanics, scenario.name)
        if notice is not None:
            event.stop()
            self.notify(notice, severity="warning")

    # ------------------------------------------------------------------ orders
    def _allowed(self, action_type: str) -> bool:
        assert self.view is not None
        if MECHANIC_OF[action_type] not in self.view.obs.mechanics:
            self.notify(f"This scenario has no {MECHANIC_OF[action_type]}.", severity="warning")
            return False
        if self.view.obs.me.status != "active":
            self.notify("Your company is out of the game.", severity="error")
            return False
        return True

    def cash_plan(self, skip: int | None = None) -> CashPlan:
        """This quarter's known cash flows with the pending orders (``skip`` left out)."""
        assert self.view is not None
        return cash_plan(self.session.state, self.view.obs, self.view.orders, skip)

    def order_effect(self, action: Action, verdict: Verdict, replace: int | None = None) -> float:
        """Cash ``action`` moves this quarter, $M (negative: brings in)."""
        assert self.view is not None
        return order_effect(
            self.session.state, self.view.obs, self.view.orders, action, verdict.cost, replace
        )

    def open_form(self, form: OrderForm, replace: int | None = None) -> None:
        assert self.view is not None
        session = self.session
        if replace is not None and replace >= len(self.view.orders):
            replace = None
        cash = self.cash_plan(replace).after

        def done(action: Action | None) -> None:
            if action is None:
                return
            if replace is None:
                session.add_order(action)
            else:
                session.replace_order(replace, action)
            self.refresh_view()
            names = self.view.names if self.view else None
            verb = "Changed" if replace is not None else "Added"
            self.notify(f"{verb}: {escape(describe(action, names))}", timeout=3)

        self.app.push_screen(
            ActionDialog(
                form,
                lambda a: session.check(a, replace),
                cash,
                names=self.view.names,
                effect=lambda a, v: self.order_effect(a, v, replace),
                editing=replace is not None,
            ),
            done,
        )

    def _market(self) -> MarketSection:
        return self.query_one(MarketSection)

    def _infra(self) -> InfrastructureSection:
        return self.query_one(InfrastructureSection)

    def _reserve_terms(self) -> tuple[dict[str, int], Callable[[int], str]]:
        """Each provider's lead before a contract starts, and the quarters' labels."""
        world = self.session.state.world
        leads = {pid: int(world.prov_reserved_lead[p]) for p, pid in enumerate(world.provider_ids)}
        return leads, world.quarter_label

    def _building(self) -> frozenset[str]:
        """Regions where a data centre is ordered this quarter (pending orders)."""
        return frozenset(self._building_mw())

    def _building_mw(self) -> dict[str, float]:
        """MW of the data centres ordered this quarter per region (pending orders)."""
        ordered: dict[str, float] = {}
        for o in self.view.orders if self.view is not None else ():
            if isinstance(o.action, BuildDatacenter):
                region = o.action.region
                ordered[region] = ordered.get(region, 0.0) + float(o.action.megawatts)
        return ordered

    def _chips_ordered(self, skip: int | None = None) -> dict[str, float]:
        """kGPU of chips ordered this quarter per region (legal pending orders; ``skip``: the
        order being edited, which its dialog counts itself)."""
        ordered: dict[str, float] = {}
        if self.view is None:
            return ordered
        perf = {c.id: c.perf for c in self.view.obs.chips}
        for i, o in enumerate(self.view.orders):
            if isinstance(o.action, OrderChips) and o.verdict.ok and i != skip:
                extra = float(o.action.quantity) * perf.get(o.action.sku, 1.0)
                ordered[o.action.region] = ordered.get(o.action.region, 0.0) + extra
        return ordered

    def _fabric_ordered(self, skip: int | None = None) -> dict[str, float]:
        """Units of network fabric ordered this quarter per region (as :meth:`_chips_ordered`)."""
        ordered: dict[str, float] = {}
        if self.view is None:
            return ordered
        for i, o in enumerate(self.view.orders):
            if isinstance(o.action, OrderNetwork) and o.verdict.ok and i != skip:
                region = o.action.region
                ordered[region] = ordered.get(region, 0.0) + float(o.action.quantity)
        return ordered

    def action_bid(self) -> None:
        if self._allowed("bid_spot") and self.view:
            plan = plan_numbers(
                self.view, opening_share(self.session, self.view), starts_now(self.session)
            )
            self.open_form(
                forms.bid_form(
                    self.view.obs,
                    self._market().selected_provider(),
                    short=plan.short if plan else 0.0,
                    to_bid=plan.to_bid() if plan else 0.0,
                    training=plan.share if plan else 0.0,
                )
            )

    def action_reserve(self) -> None:
        if self._allowed("reserve") and self.view:
            self.open_form(
                forms.reserve_form(
                    self.view.obs, self._market().selected_provider(), None, *self._reserve_terms()
                )
            )

    def action_sublease(self) -> None:
        if self._allowed("sublease") and self.view:
            fee = float(self.session.state.world.scenario.market.sublease_fee)
            plan = plan_numbers(
                self.view, opening_share(self.session, self.view), starts_now(self.session)
            )
            self.open_form(
                forms.sublease_form(
                    self.view.obs,
                    self._market().selected_provider(),
                    None,
                    fee,
                    short=plan.short if plan else None,
                    training=plan.share if plan else 0.0,
                )
            )

    def action_order_chips(self) -> None:
        if self._allowed("order_chips") and self.view:
            self.open_form(
                forms.chips_form(
                    self.view.obs,
                    self._infra().selected_region(),
                    None,
                    self._building(),
                    self.session.state.world.quarter_label,
                    locked_chips(self.session.state, self.view.obs),
                    self._chips_ordered(),
                    self._fabric_ordered(),
                    power_room(self.session.state, self.view.obs, self.view.orders),
                    grid_queue(self.session.state, self.view.obs.seat),
                    self._building_mw(),
                )
            )

    def action_order_network(self) -> None:
        if self._allowed("order_network") and self.view:
            self.open_form(
                forms.network_form(
                    self.view.obs,
                    self._infra().selected_region(),
                    None,
                    self._building(),
                    self._chips_ordered(),
                    label=self.session.state.world.quarter_label,
                    pending_fabric=self._fabric_ordered(),
                    grid=grid_queue(self.session.state, self.view.obs.seat),
                    building_mw=self._building_mw(),
                )
            )

    def action_build(self) -> None:
        if self._allowed("build_datacenter") and self.view:
            self.open_form(
                forms.build_form(
                    self.view.obs,
                    self._infra().selected_region(),
                    None,
                    self.session.state.world.quarter_label,
                    grid_queue(self.session.state, self.view.obs.seat),
                )
            )

    def action_fund(self) -> None:
        if self._allowed("fund_research") and self.view:
            tech = self.query_one(ResearchSection).selected_tech()
            self.open_form(forms.research_form(self.view.obs, tech))

    def action_service_price(self) -> None:
        if self._allowed("set_service_price") and self.view:
            self.open_form(forms.price_form(self.view.obs))

    def action_training_share(self) -> None:
        if self._allowed("set_training_share") and self.view:
            self.open_form(forms.training_form(self.view.obs))

    def action_borrow(self) -> None:
        if self._allowed("borrow") and self.view:
            self.open_form(forms.borrow_form(self.view.obs))

    def action_repay(self) -> None:
        if self._allowed("repay") and self.view:
            if self.view.obs.me.debt <= 0.05:  # the form opened on 0.0, "must be greater than 0"
                self.notify(
                    f"You owe nothing: there is no debt to repay"
                    f" ({BY_ACTION['borrow'].key} borrows on the credit line).",
                    timeout=4,
                )
                return
            self.open_form(forms.repay_form(self.view.obs))

    def action_remove_order(self) -> None:
        if self.section != "orders":
            return
        index = self.query_one(OrdersSection).selected_index()
        if index is not None:
            self.session.remove_order(index)
            self.refresh_view()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.data_table.id == "orders-table" and self.view is not None:
            key = event.row_key.value
            if key is not None and key.isdigit() and int(key) < len(self.view.orders):
                index = int(key)
                action = self.view.orders[index].action
                # The plan without the order edited (it would count the old sublease): an
                # edited sublease warns as a new one does.
                others = tuple(o for i, o in enumerate(self.view.orders) if i != index)
                plan = plan_numbers(
                    dataclasses.replace(self.view, orders=others),
                    opening_share(self.session, self.view),
                    starts_now(self.session),
                )
                form = forms.form_for(
                    self.view.obs,
                    action,
                    *self._reserve_terms(),
                    building=self._building(),
                    fee=float(self.session.state.world.scenario.market.sublease_fee),
                    locked=locked_chips(self.session.state, self.view.obs),
                    pending_chips=self._chips_ordered(skip=index),
                    pending_fabric=self._fabric_ordered(skip=index),
                    power=power_room(self.session.state, self.view.obs, self.view.orders, index),
                    grid=grid_queue(self.session.state, self.view.obs.seat),
                    short=plan.short if plan else None,
                    training=plan.share if plan else 0.0,
                    building_mw=self._building_mw(),
                )
                self.open_form(form, replace=index)

    # ------------------------------------------------------------------ saving
    def action_save(self) -> None:
        from game.tui.dialogs.save import SaveDialog

        app: CapwarsApp = self.app  # type: ignore[assignment]

        def saved(path: Path | None) -> None:
            if path is not None:
                self.saved_at = (path, self.session.state.turn)

        app.push_screen(SaveDialog(self.session, app.saves_dir), saved)

    def action_load(self) -> None:

        from game.tui.dialogs.load import LoadDialog

        app: CapwarsApp = self.app  # type: ignore[assignment]

        def chosen(path: Path | None) -> None:
            if path is not None:
                app.load_game(path)

        playing = self.session.autosave_path(app.saves_dir) if app.autosave_enabled else None
        pending = self.session.pending_count
        started = bool(self.session.turns)  # before the first quarter nothing is autosaved
        app.push_screen(LoadDialog(app.saves_dir, app.content, playing, pending, started), chosen)

    def action_menu(self) -> None:
        """Back to the title, after a confirmation (Escape is pressed by reflex)."""
        from game.tui.dialogs.confirm import ConfirmDialog

        app: CapwarsApp = self.app  # type: ignore[assignment]

        def leave(yes: bool | None) -> None:
            if yes:
                # Not the quarter's warning ("s saves the game"): the game is being left, and
                # on the title screen s does nothing.
                if app.write_autosave() is not None:
                    app.notify(
                        f"Left without saving: the autosave failed again ({app.autosave_problem}).",
                        severity="warning",
                    )
                    # Continue on the title screen offers this game's older file: it says so.
                    app.note_left_unsaved(self.session, self.session.state.quarter_label)
                app.pop_screen()

        autosaved = bool(self.session.turns and app.autosave_enabled)
        # The save made from this screen, if it holds the game as it is (this quarter).
        current = (
            self.saved_at if self.saved_at and self.saved_at[1] == self.session.state.turn else None
        )
        problem = app.autosave_problem
        kept = problem is None and (autosaved or current is not None)
        if problem is not None:
            saved = (
                f"[b]This game is not saved[/b]: its last autosave failed ({escape(problem)});"
                f" {self.unsaved_quarters()} are lost. Press n, make the folder writable and"
                " press s to keep them."
            )
        elif autosaved:
            saved = "The game is autosaved; Continue on the title screen brings you back here."
        elif current is not None:
            saved = (
                f"Your save {current[0].name} holds the game as it is: Load on the title"
                " screen brings you back here."
            )
        elif self.session.turns:  # autosave switched off
            saved = "Autosave is off: save (s) first to come back to this game."
        else:
            saved = "No quarter is played yet, so nothing is saved: New game starts one again."
        # Enter by reflex (after an Escape that closed nothing) left the game and threw away
        # the quarter's orders: with orders to lose, or nothing saved yet, Enter means Back.
        pending = self.session.pending_count > 0  # every hot-seat player's orders
        app.push_screen(
            ConfirmDialog(
                "Back to the title screen?",
                f"{saved} Pending orders are not kept.",
                yes="Title screen (y)",
                careful=pending or not kept,
            ),
            leave,
        )

    def unsaved_quarters(self) -> str:
        """What a failed autosave leaves unsaved: the quarters since the game's last save, or
        every quarter when no file holds it ("since it was last saved" of a game never saved
        read as if an older save were there to come back to)."""
        app: CapwarsApp = self.app  # type: ignore[assignment]
        if app.saved_path(self.session) is not None or self.saved_at is not None:
            return "the quarters played since it was last saved"
        return "all the quarters played (no save holds this game)"

    def confirm_quit(self) -> None:
        """Quit the game; with pending orders, only after asking (they are not kept: the
        autosave holds the game as this quarter began)."""
        count = self.session.pending_count
        problem = getattr(self.app, "autosave_problem", None)
        from game.tui.dialogs.confirm import ConfirmDialog

        def leave(yes: bool | None) -> None:
            if yes:
                self.app.exit()

        if problem is not None:
            # The quarter's autosave failed (a read-only saves folder): quitting at once lost
            # the quarters played since the last save without a word.
            self.app.push_screen(
                ConfirmDialog(
                    "Quit without saving?",
                    f"[b]This game is not saved[/b]: its last autosave failed ({escape(problem)})."
                    f" Quitting now loses {self.unsaved_quarters()}"
                    + (f" and {count} pending order{'s' if count != 1 else ''}" if count else "")
                    + ". To keep them, press n (Back), make the folder writable and press s.",
                    yes="Quit (y)",
                    careful=True,
                ),
                leave,
            )
            return
        if not count:
            self.app.exit()
            return

        orders = "1 pending order" if count == 1 else f"{count} pending orders"
        them = "it" if count == 1 else "them"
        self.app.push_screen(
            ConfirmDialog(
                f"Quit with {orders}?",
                f"The {orders.split(' ', 1)[1]} will be lost: the game is saved as this quarter"
                f" began. To play {them} instead, press n (Back), then e to end the quarter.",
                yes="Quit (y)",
            ),
            leave,
        )

    # ------------------------------------------------------------------ the quarter
    def action_end_quarter(self) -> None:
        from game.tui.dialogs.confirm import ConfirmDialog

        if self.session.all_out:  # nothing left to order: play the rivals' quarters
            self.offer_play_out()
            return
        view = self.session.view()
        names = view.names
        lines = [
            f"{i + 1}. {escape(describe(o.action, names))}"
            + ("" if o.verdict.ok else f"  [red]✗ {escape(names.text(o.verdict.message))}[/]")
            for i, o in enumerate(view.orders)
        ]
        plan = cash_plan(self.session.state, view.obs, view.orders)
        capacity = capacity_plan(view, opening_share(self.session, view), starts_now(self.session))
        penalty = float(self.session.state.world.scenario.market.penalty_rate)
        body = ("\n".join(lines) if lines else no_orders_text(view)) + (
            f"\n\n{plan.text()}.{shortfall_text(plan, penalty)}{capacity}"
        )
        who = f" for {view.obs.me.name}" if self.session.hot_seat else ""

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.finish_turn()

        self.app.push_screen(
            ConfirmDialog(f"End {view.obs.label}{who}?", body, yes="End quarter (y)"), confirmed
        )

    def finish_turn(self) -> None:
        """The player at the keyboard is done: answer the quarter's prediction question
        (lesson mode), then hand over, or resolve the quarter."""
        self.seconds_left = None
        prediction = self.session.needs_prediction()
        if prediction is None:
            self._pass_turn()
            return
        from game.tui.dialogs.prediction import PredictionDialog
        from game.tui.session import prediction_figure

        subject, value, unit = prediction_figure(prediction, self.session.state)
        now = f"{subject} {value:,.2f} {unit}".replace(".00 ", " ")

        def answered(answer: str | float | None) -> None:
            self.session.predict(answer)
            self._pass_turn()

        name = self.session.state.names[self.session.seat]
        numeric = prediction.metric in ("lead_time", "grid_wait")
        self.app.push_screen(PredictionDialog(name, prediction.question, now, numeric), answered)

    def _pass_turn(self) -> None:
        if self.session.next_human():
            self.hand_over(show_report=False)
            return
        self.query_one("#thinking", ProgressBar).display = True
        self.resolve_quarter()

    @work(thread=True, exclusive=True, group="quarter")
    def resolve_quarter(self) -> None:
        """Rivals think and the engine resolves the quarter, off the event loop; the quarter is
        saved here, as soon as it is resolved, before the screen shows it. A game stopped
        while its quarter resolves (its server gone, the page closed) keeps the quarter: the
        app may be gone by the time the screen would have saved it."""
        # Taken now: once the app has stopped, the screen (removed) no longer knows its app.
        app: CapwarsApp = self.app  # type: ignore[assignment]

        def progress(done: int, total: int, what: str) -> None:
            self._on_screen(app, self._progress, done, total, what)

        report = self.session.end_quarter(progress)
        unsaved = app.write_autosave()
        self._on_screen(app, self.after_quarter, report, unsaved=unsaved)

    def _on_screen(
        self, app: CapwarsApp, callback: Callable[..., object], *args: Any, **kwargs: Any
    ) -> None:
        """From the quarter's worker: run ``callback`` on the app's thread, and wait for it.
        Nothing happens once the app has stopped or is stopping (nothing to show any more);
        a callback that fails on the closing app is of no account either."""
        if not app.is_running or app._exit or not self.is_attached:
            return
        try:
            app.call_from_thread(callback, *args, **kwargs)
        except Exception:
            if app.is_running and not app._exit and self.is_attached:
                raise

    def offer_play_out(self) -> None:
        """Every player's company is bankrupt but the rivals play on: say what happened and
        offer to play their remaining quarters to the final standings (until then the screens
        can still be looked at; e asks again)."""
        from game.tui.dialogs.confirm import ConfirmDialog

        session = self.session
        state = session.state
        world = state.world
        out = [state.names[s] for s in session.humans]
        who = " and ".join(out)
        when = world.quarter_label(max(int(state.bankrupt_turn[s]) for s in session.humans))
        left = world.scenario.quarters - state.turn
        last = world.quarter_label(world.scenario.quarters - 1)
        quarters = "1 quarter" if left == 1 else f"{left} quarters"

        def chosen(yes: bool | None) -> None:
            if yes:
                self.query_one("#thinking", ProgressBar).display = True
                self.play_out()

        self.app.push_screen(
            ConfirmDialog(
                f"{escape(who)} {'is' if len(out) == 1 else 'are'} bankrupt",
                f"Out of cash in {when} with the credit line used up: contracts cancelled,"
                f" orders void, no further part in the match. The rivals play on to {last}"
                f" ({quarters} more).\n\nPress y to play them now and see the final standings,"
                " or n to look around first (e offers this again).",
                yes="Final standings (y)",
            ),
            chosen,
        )

    @work(thread=True, exclusive=True, group="quarter")
    def play_out(self) -> None:
        """The rivals' remaining quarters (every player is bankrupt), off the event loop; the
        finished game is saved, then the final standings show."""
        app: CapwarsApp = self.app  # type: ignore[assignment]

        def progress(done: int, total: int, what: str) -> None:
            quarter = self.session.state.world.quarter_label(self.session.state.turn)
            self._on_screen(app, self._progress, done, total, f"{quarter}: {what}")

        report = self.session.play_out(progress)
        unsaved = app.write_autosave()
        if report is not None:
            self._on_screen(app, self.after_quarter, report, unsaved=unsaved)

    def _progress(self, done: int, total: int, what: str) -> None:
        bar = self.query_one("#thinking", ProgressBar)
        bar.update(total=max(total, 1), progress=done)
        self.query_one("#rejected", Static).update(f"Rivals are thinking… ({what})")

    def after_quarter(
        self, report: QuarterReport, show_report: bool = True, unsaved: str | None = None
    ) -> None:
        """Show a resolved quarter (saved already: ``unsaved`` says why it could not be)."""
        self.query_one("#thinking", ProgressBar).display = False
        if unsaved is not None:
            self.notify(unsaved, severity="warning")
        if self.session.over:
            self._final_reports(report)
            return
        if self.session.all_out:  # the last player went bankrupt this quarter
            self.refresh_view()
            self._show_report(then=self.offer_play_out)
            return
        if self.session.hot_seat:
            # A team that went bankrupt this quarter sees its report (it says so) before the
            # keyboard goes on to the teams still playing, who never hand it back.
            out = [s for s in report.bankruptcies if s in self.session.humans]
            self._reports_of(out, report, lambda: self.hand_over(show_report=show_report))
            return
        self.refresh_view()
        self.start_clock()
        if show_report:
            self._show_report()

    def _reports_of(
        self, seats: list[int], report: QuarterReport, then: Callable[[], None]
    ) -> None:
        """``report`` as each of ``seats`` (teams that went bankrupt) sees it, each behind a
        hand-over (the team at the keyboard does not see another's report), then ``then``."""
        from game.tui.screens.handover import HandoverScreen
        from game.tui.screens.report import ReportScreen

        if not seats:
            then()
            return
        seat = seats[0]
        self._seen_report.add((report.turn, seat))

        def ready(_: None) -> None:
            self.app.push_screen(
                ReportScreen(self.session, seat, report),
                lambda _: self._reports_of(seats[1:], report, then),
            )

        self.app.push_screen(
            HandoverScreen(
                self.session.state.names[seat],
                report.label,
                "Your company went bankrupt this quarter: its report says why.",
            ),
            ready,
        )

    def _final_reports(self, report: QuarterReport) -> None:
        """The last quarter's report for each team still at the table, then the game-over
        screen (the report's figures, price moves and prediction come before the result)."""
        from game.tui.screens.game_over import GameOverScreen
        from game.tui.screens.report import ReportScreen

        app: CapwarsApp = self.app  # type: ignore[assignment]
        # A bankrupt team's last report would be of a company that no longer plays.
        seats = [s for s in self.session.humans if self.session.state.status[s] == 0]
        app.clear_notifications()

        def show(k: int) -> None:
            if k >= len(seats):
                app.switch_screen(GameOverScreen(self.session))
                return
            self._seen_report.add((report.turn, seats[k]))
            app.push_screen(
                ReportScreen(self.session, seats[k], report, final=True), lambda _: show(k + 1)
            )

        show(0)

    def hand_over(self, show_report: bool) -> None:
        from game.tui.screens.handover import HandoverScreen

        seat = self.session.seat
        name = self.session.state.names[seat]

        def ready(_: None) -> None:
            self.refresh_view()
            self.start_clock()
            if show_report or self.session.last_report is not None:
                self._show_report()

        label = self.session.state.quarter_label
        self.app.push_screen(HandoverScreen(name, label, self._turn_rules()), ready)

    def _turn_rules(self) -> str:
        """What the next team should know before it starts: its time, the prediction."""
        rules = []
        seconds = self.session.facilitation.turn_seconds
        if seconds:
            minutes, rest = divmod(seconds, 60)
            rules.append(
                f"You have [b]{minutes}:{rest:02d}[/b] to plan this quarter (the clock starts"
                " when you are ready and stops for reports and lesson notes). When it runs out,"
                " your quarter ends with the orders placed so far."
            )
        if self.session.needs_prediction() is not None:
            rules.append("Before the quarter resolves you will be asked for a prediction.")
        return "\n".join(rules)

    def _show_report(self, then: Callable[[], None] | None = None) -> None:
        """The last quarter's report (once), then ``then`` (default: the lesson notes)."""
        from game.tui.screens.report import ReportScreen

        after = then or self._show_lesson
        report = self.session.last_report
        seat = self.session.seat
        if report is None or (report.turn, seat) in self._seen_report:
            after()
            return
        self._seen_report.add((report.turn, seat))
        self.app.clear_notifications()  # toasts of the orders would cover the report's text
        self.app.push_screen(ReportScreen(self.session, seat, report), lambda _: after())

    def _show_lesson(self) -> None:
        """This quarter's lesson notes, once per quarter (key i reads them again)."""
        session = self.session
        turn = session.state.turn
        if not session.facilitation.lesson_mode or turn in session.lessons_seen:
            return
        session.lessons_seen.add(turn)
        from game.tui.dialogs.message import MessageDialog

        notes = [(title, text) for t, title, text in session.lessons() if t == turn]
        for title, text in reversed(notes):  # the first note ends on top
            body = escape(text) + "\n\n[dim]Key i shows the lesson notes again.[/]"
            self.app.push_screen(MessageDialog(title, body))
