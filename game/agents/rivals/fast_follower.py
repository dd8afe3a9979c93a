"""Fast follower: copies what the leader publicly does.

Each quarter it finds the leader (the rival with the largest public market share), matches its
service price, and copies its announced moves a quarter later, scaled to its own size: a
reserved deal with the same provider for the same term, a data centre in the same region.

Lesson: following is cheap and safe while the leader is right, and always one step late: a
follower pays the leader's prices after the leader has locked the best ones in.
"""

from __future__ import annotations

import math
import re

from game.agents.base import SetupInfo
from game.agents.rivals.planning import Style
from game.agents.rivals.rival import RivalBot
from game.engine.actions import Action, BuildDatacenter, Reserve
from game.engine.observation import Observation, RivalView

DEAL = re.compile(r"signs a (\d+)-year reserved deal for ([\d,.]+) kGPU with (.+)$")
BUILD = re.compile(r"starts a ([\d,.]+) MW data centre in (.+)$")


class FastFollowerBot(RivalBot):
    """Matches the leader's price and copies its public moves, scaled to its own size."""

    archetype = "fast_follower"
    lesson = "Copying is safe while the leader is right, and always a step late."

    def setup(self, info: SetupInfo) -> None:
        super().setup(info)
        self.copied: set[str] = set()
        self.copied_moves: list[tuple[int, str]] = []
        self.leader_stance = 0.5

    def leader(self, obs: Observation) -> RivalView | None:
        active = [r for r in obs.rivals if r.status == "active" and not math.isnan(r.market_share)]
        if not active:
            return None
        return max(active, key=lambda r: (r.market_share, -r.seat))

    def style(self, obs: Observation) -> Style:
        leader = self.leader(obs)
        extras: dict[str, float] = {}
        if leader is not None and self.memory.demand:
            extras["price_set"] = round(leader.service_price * 0.99, 3)
            # The leader's public moves say how committed it is; follow its stance.
            deals = len([a for a in leader.announcements if "reserved deal" in a])
            builds = len([a for a in leader.announcements if "data centre" in a])
            self.leader_stance = 0.7 * self.leader_stance + 0.3 * min(1.0, 0.3 + 0.2 * deals)
            owned = 0.4 if builds else 0.0
        else:
            owned = 0.0
        if self.level == "hard":
            extras.pop("price_set", None)
        return Style(
            buffer=1.06,
            reserved_cover=0.3 + 0.5 * self.leader_stance,
            reserve_lookahead=2,
            terms=((8, 1.0),),
            spread=2,
            owned_target=owned,
            build_cash=600.0,
            max_site_mw=60.0,
            extras=extras,
        )

    def adjust(self, obs: Observation, actions: list[Action]) -> list[Action]:
        leader = self.leader(obs)
        if leader is None or not self.memory.share or obs.me.status != "active":
            return actions
        my_share = max(self.memory.share[-1], 0.01)
        scale = min(max(my_share / max(leader.market_share, 0.01), 0.25), 1.5)
        providers = {p.name: p for p in obs.providers}
        regions = {r.name: r for r in obs.regions}
        for text in leader.announcements:
            if text in self.copied:
                continue
            self.copied.add(text)
            deal = DEAL.search(text)
            if deal:
                provider = providers.get(deal.group(3).strip())
                term = int(deal.group(1)) * 4
                if provider is None or term not in (4, 8, 12):
                    continue
                if obs.me.sovereign_only and not provider.sovereign:
                    continue
                qty = min(float(deal.group(2).replace(",", "")) * scale, provider.reserved_free)
                price = provider.reserved_price[term]
                if qty >= 0.5 and qty * price < obs.me.cash * 0.3:
                    actions.append(Reserve(provider=provider.id, quantity=round(qty, 2), term=term))
                    self.copied_moves.append((obs.turn, text))
                continue
            build = BUILD.search(text)
            if build:
                region = regions.get(build.group(2).strip())
                if region is None or (obs.me.sovereign_only and not region.sovereign):
                    continue
                mw = max(5.0, float(build.group(1).replace(",", "")) * scale)
                if mw * region.build_cost_per_mw * 0.25 < obs.me.cash * 0.4:
                    actions.append(BuildDatacenter(region=region.id, megawatts=round(mw, 1)))
                    r = next(i for i, x in enumerate(obs.regions) if x.id == region.id)
                    ready = obs.turn + max(region.grid_wait_quarters, region.build_quarters)
                    self.memory.builds.append((r, obs.turn, mw, ready))
                    self.copied_moves.append((obs.turn, text))
        return actions
