"""The Dask executor plays the same matches as the local pool (optional extra ``distributed``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from game.arena.executors import ExecutorError, dask_address
from game.arena.results import RESULTS_NAME
from game.arena.tournament import TournamentConfig, leaderboard_of, run_tournament

CONFIG = TournamentConfig(bots=("idle", "random", "balanced"), scenario="tutorial", seeds=1)


def test_dask_addresses():
    assert dask_address("dask://10.0.0.5:8786") == "tcp://10.0.0.5:8786"
    assert dask_address("dask://tls://host:8786") == "tls://host:8786"
    with pytest.raises(ExecutorError, match="dask://HOST:PORT"):
        dask_address("spark://host:1")


def test_a_tournament_on_a_local_dask_cluster_matches_the_inline_run(tmp_path: Path):
    distributed = pytest.importorskip(
        "dask.distributed",
        reason="dask is not installed (optional extra: pip install 'capacity-wars[distributed]')",
    )
    inline = tmp_path / "inline"
    run_tournament(CONFIG, inline, jobs=1)
    on_dask = tmp_path / "dask"
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        address = cluster.scheduler_address.removeprefix("tcp://")
        summary = run_tournament(CONFIG, on_dask, executor=f"dask://{address}")
    assert summary.played == 6

    def records(directory: Path) -> dict[str, str]:
        text = (directory / RESULTS_NAME).read_text().splitlines()
        return {json.loads(line)["match_id"]: line for line in text}

    assert records(on_dask) == records(inline)
    assert leaderboard_of(on_dask).to_json() == leaderboard_of(inline).to_json()
