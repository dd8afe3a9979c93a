// A starter bot for Node.js (no packages): protocol capwars/1 over stdin/stdout.
//
//   capwars match --scenario standard --seed 1 --bot "cmd:node examples/js_bot.js"
//   capwars validate "cmd:node examples/js_bot.js"      # before a tournament: what to fix
//
// Strategy: forecast next quarter's demand from the last quarters, hold about half of it under
// 4-quarter reserved contracts with the cheapest eligible provider, and buy the rest on the spot
// market with a limit price below what customers pay. docs/BOTS.md lists every field.
//
// stdout belongs to the protocol: log with console.error (stderr), never console.log.
"use strict";

const readline = require("readline");

const RESERVED_SHARE = 0.5;
const SPOT_MARGIN = 0.8;

const demandSeen = [];
let seat = 0;

function send(message) {
  process.stdout.write(JSON.stringify(message) + "\n");
}

function sum(values) {
  return values.reduce((a, b) => a + b, 0);
}

function forecast(me) {
  const demand = me.last.demand; // null before the first quarter
  if (typeof demand === "number") demandSeen.push(demand);
  if (demandSeen.length === 0) {
    const now = sum(Object.values(me.reserved_schedule).map((s) => s[0]));
    return Math.max(2 * now, 1);
  }
  const recent = demandSeen.slice(-3);
  let growth = 0.05;
  if (recent.length > 1 && recent[0] > 0) {
    growth = Math.pow(recent[recent.length - 1] / recent[0], 1 / (recent.length - 1)) - 1;
    growth = Math.min(Math.max(growth, -0.1), 0.2);
  }
  return recent[recent.length - 1] * (1 + growth);
}

function round2(x) {
  return Math.round(x * 100) / 100;
}

function act(obs) {
  const me = obs.me;
  if (me.status !== "active") return [];
  const need = (forecast(me) / Math.max(1 - me.training_share, 0.2)) * 1.05;
  const owned = sum(me.chips_perf);
  const schedules = Object.values(me.reserved_schedule);
  const reservedNow = sum(schedules.map((s) => s[0]));
  const reservedNext = sum(schedules.map((s) => (s.length > 1 ? s[1] : 0)));
  const eligible = obs.providers.filter((p) => p.sovereign || !me.sovereign_only);
  const actions = [];
  if (eligible.length === 0) return actions;

  if (obs.mechanics.includes("reserved")) {
    const gap = RESERVED_SHARE * need - reservedNext - owned;
    const cheapest = eligible
      .slice()
      .sort((a, b) => a.reserved_price["4"] - b.reserved_price["4"] || (a.id < b.id ? -1 : 1))[0];
    const take = Math.min(gap, cheapest.reserved_free);
    if (take > 0.5 && take * cheapest.reserved_price["4"] < 0.4 * me.cash) {
      actions.push({ type: "reserve", provider: cheapest.id, quantity: round2(take), term: 4 });
    }
  }

  if (obs.mechanics.includes("spot")) {
    let gap = need - reservedNow - owned;
    const limit = me.service_price * SPOT_MARGIN;
    const bySpot = eligible
      .slice()
      .sort((a, b) => a.spot_price - b.spot_price || (a.id < b.id ? -1 : 1))
      .slice(0, 2);
    for (const provider of bySpot) {
      if (gap <= 0.2 || limit <= provider.spot_floor) break;
      const quantity = round2(eligible.length > 1 ? gap / 2 : gap);
      actions.push({ type: "bid_spot", provider: provider.id, quantity, max_price: limit });
      gap -= quantity;
    }
  }

  if (obs.mechanics.includes("borrowing") && me.debt > 0 && me.cash > 3 * me.debt) {
    actions.push({ type: "repay", amount: round2(me.debt) });
  }
  // Last quarter's rejections come back with stable codes: log them for the author.
  for (const [type, code, message] of obs.rejected) console.error(`rejected ${type}: ${code}: ${message}`);
  return actions;
}

const lines = readline.createInterface({ input: process.stdin, terminal: false });
lines.on("line", (line) => {
  if (!line.trim()) return;
  const msg = JSON.parse(line);
  if (msg.type === "hello") {
    seat = msg.seat;
    console.error(`js_bot: seat ${seat} of ${msg.players.length}, ${msg.quarters} quarters`);
    send({ type: "ready", name: "js-steady" });
  } else if (msg.type === "turn") {
    let actions = [];
    let error = null;
    try {
      actions = act(msg.observation);
    } catch (err) {
      console.error(err.stack || String(err)); // hold this quarter rather than die
      // ... and tell the host, which records it as this quarter's failure: the first line of
      // the stack names the error, the next one where it happened (file name and line, without
      // the folder, so the record reads the same on every machine).
      const lines = String(err.stack || err).split("\n");
      error = lines
        .slice(0, 2)
        .map((l) => l.trim().replace(/[^\s()]*\/([^/\s()]+:\d+)/g, "$1"))
        .join(" ")
        .slice(0, 500);
    }
    const answer = { type: "actions", turn: msg.turn, actions };
    if (error) answer.error = error;
    send(answer);
  } else if (msg.type === "end") {
    console.error(`js_bot: finished rank ${msg.rank}, score ${msg.score}`);
    process.exit(0);
  }
});
