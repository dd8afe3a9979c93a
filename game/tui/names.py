"""Display names for the ids the engine speaks in: what a person reads instead of ``us-east``.

Actions, verdicts and reports name providers, regions, chips and technologies by id (saves keep
those ids); every screen puts them through :class:`Names` first.

>>> names = Names(providers={"stratus": "Stratus Cloud"}, regions={"us-east": "US East (Virginia)"})
>>> names.region("us-east")
'US East'
>>> names.text("stratus's spot reserve price is $3.50M")
"Stratus Cloud's spot reserve price is $3.50M"
>>> names.action_kind("bid_spot")
'Spot bid'
>>> names.text("needs $10,000.0M but only $2,700.0M")
'needs $10.00B but only $2.70B'
>>> chip = Names(chips={"asic-g1": "Custom chip 1"}, techs={"custom_g1": "Custom chip 1"})
>>> chip.text("asic-g1 needs custom_g1 first")
'Custom chip 1 needs Custom chip 1 research first'
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from game.engine import Observation
    from game.rules.models import Content

ACTION_KINDS = {
    "bid_spot": "Spot bid",
    "reserve": "Reserved contract",
    "order_chips": "Chip order",
    "order_network": "Network order",
    "build_datacenter": "Data centre",
    "fund_research": "Research funding",
    "set_service_price": "Service price",
    "set_training_share": "Training share",
    "sublease": "Sublease",
    "borrow": "Borrowing",
    "repay": "Repayment",
}
"""How a person calls each kind of action."""


def _short_region(name: str) -> str:
    """``US East (Northern Virginia)`` → ``US East``: the part a sentence needs."""
    return name.split(" (", 1)[0].strip() or name


@dataclass(frozen=True)
class Names:
    """Id → display name for each kind of thing an action can name."""

    providers: dict[str, str] = field(default_factory=dict)
    regions: dict[str, str] = field(default_factory=dict)
    chips: dict[str, str] = field(default_factory=dict)
    techs: dict[str, str] = field(default_factory=dict)
    industries: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_obs(cls, obs: Observation) -> Names:
        """The names a seat sees (its observation lists every provider, region, chip, tech)."""
        return cls(
            providers={p.id: p.name for p in obs.providers},
            regions={r.id: r.name for r in obs.regions},
            chips={c.id: c.name for c in obs.chips},
            techs={t.id: t.name for t in obs.me.research},
        )

    @classmethod
    def from_content(cls, content: Content) -> Names:
        return cls(
            providers={p.id: p.name for p in content.providers},
            regions={r.id: r.name for r in content.regions},
            chips={c.id: c.name for c in content.chips},
            techs={t.id: t.name for t in content.technologies},
            industries={i.id: i.name for i in content.industries},
        )

    def provider(self, pid: str) -> str:
        return self.providers.get(pid, pid)

    def region(self, rid: str) -> str:
        """A region's name without its parenthesis (``US East``), short enough for a sentence."""
        return _short_region(self.regions[rid]) if rid in self.regions else rid

    def chip(self, sku: str) -> str:
        return self.chips.get(sku, sku)

    def tech(self, tid: str) -> str:
        return self.techs.get(tid, tid)

    def industry(self, iid: str) -> str:
        return self.industries.get(iid, iid)

    @staticmethod
    def action_kind(kind: str) -> str:
        return ACTION_KINDS.get(kind, kind.replace("_", " ").capitalize())

    @cached_property
    def _pattern(self) -> tuple[re.Pattern[str] | None, dict[str, str]]:
        chip_names = set(self.chips.values())
        table = {
            # A research programme named as the custom chip it unlocks reads as that chip:
            # "X needs X first" would tell a player nothing.
            **{k: f"{v} research" if v in chip_names else v for k, v in self.techs.items()},
            **{k: _short_region(v) for k, v in self.regions.items()},
            **self.chips,
            **self.providers,
        }
        if not table:
            return None, table
        ids = sorted(table, key=len, reverse=True)
        # An id stands alone: not inside a longer word, id or number ("us-east-2", "h1000").
        alternatives = "|".join(re.escape(i) for i in ids)
        return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])"), table

    def text(self, message: str) -> str:
        """A sentence from the engine with every id it mentions replaced by its name, and
        large sums of money in billions (``$2,700.0M`` → ``$2.70B``)."""
        if not message:
            return message
        message = MONEY.sub(_billions, message)
        message = A_BEFORE_VOWEL_NUMBER.sub(r"\1n", message)
        pattern, table = self._pattern
        if pattern is None:
            return message
        return pattern.sub(lambda m: table[m.group(0)], message)


A_BEFORE_VOWEL_NUMBER = re.compile(r"\b([Aa])(?= (?:8|1[18](?:[.,]\d|\b)))")
"""``a 8 MW``, ``a 80 MW``, ``a 11 MW``, ``a 18,000``: numbers said with a vowel take ``an``.
(The engine writes ``an`` itself since 2026-11-28; saves and replays recorded before then
still say ``a 8 MW``, and the screen corrects them.)"""

MONEY = re.compile(r"\$(\d[\d,]*(?:\.\d+)?)M\b")
"""A sum in $M as the engine writes it."""


def _billions(match: re.Match[str]) -> str:
    value = float(match.group(1).replace(",", ""))
    return f"${value / 1000:,.2f}B" if value >= 1000 else match.group(0)
