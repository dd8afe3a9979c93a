"""The Dask executor plays the same matches as the local pool (optional extra ``distributed``),
and a worker that would play them differently refuses in one line, with nothing recorded."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from game.arena import executors
from game.arena.executors import ExecutorError, dask_address
from game.arena.results import RESULTS_NAME
from game.arena.tournament import (
    TournamentConfig,
    TournamentError,
    leaderboard_of,
    run_tournament,
)

CONFIG = TournamentConfig(bots=("idle", "random", "balanced"), scenario="tutorial", seeds=1)
EXAMPLE_BOT = Path(__file__).resolve().parents[2] / "examples" / "python_bot.py"


def distributed() -> Any:
    return pytest.importorskip(
        "dask.distributed",
        reason="dask is not installed (optional extra: pip install 'capacity-wars[distributed]')",
    )


@pytest.fixture(scope="module")
def cluster() -> Iterator[str]:
    """A two-worker local cluster: its ``dask://`` address."""
    with distributed().LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
    ) as local:
        yield "dask://" + local.scheduler_address.removeprefix("tcp://")


def records(directory: Path) -> dict[str, str]:
    path = directory / RESULTS_NAME
    text = path.read_text().splitlines() if path.exists() else []
    return {json.loads(line)["match_id"]: line for line in text}


def test_dask_addresses():
    assert dask_address("dask://10.0.0.5:8786") == "tcp://10.0.0.5:8786"
    assert dask_address("dask://tls://host:8786") == "tls://host:8786"
    with pytest.raises(ExecutorError, match="dask://HOST:PORT"):
        dask_address("spark://host:1")


def test_a_tournament_on_a_local_dask_cluster_matches_the_inline_run(tmp_path: Path, cluster: str):
    inline = tmp_path / "inline"
    run_tournament(CONFIG, inline, jobs=1)
    on_dask = tmp_path / "dask"
    summary = run_tournament(CONFIG, on_dask, executor=cluster)
    assert summary.played == 6
    assert records(on_dask) == records(inline)
    assert leaderboard_of(on_dask).to_json() == leaderboard_of(inline).to_json()


def test_a_cmd_bot_s_relative_path_is_found_on_workers_started_elsewhere(
    tmp_path: Path, cluster: str, monkeypatch: pytest.MonkeyPatch
):
    # The docs' `cmd:python bots/x.py`, from the class folder; the workers run in another one.
    # Every match failed with "bot file not found: bots/x.py (... looked up in WORKER_DIR)".
    (tmp_path / "bots").mkdir()
    shutil.copy(EXAMPLE_BOT, tmp_path / "bots" / "alice.py")
    monkeypatch.chdir(tmp_path)
    config = TournamentConfig(
        bots=("balanced", "cmd:python bots/alice.py"), scenario="tutorial", seeds=1
    )
    run_tournament(config, tmp_path / "inline", jobs=1)
    summary = run_tournament(config, tmp_path / "dask", executor=cluster)
    assert summary.played == 2 and not summary.failures
    assert records(tmp_path / "dask") == records(tmp_path / "inline")


def test_workers_with_other_game_code_record_nothing(
    tmp_path: Path, cluster: str, monkeypatch: pytest.MonkeyPatch
):
    # Same content, other engine: the records' content hash matched, so its games were mixed
    # into the results silently. Now each worker compares its code before it plays.
    monkeypatch.setattr(executors, "code_fingerprint", lambda: "0123456789abcdef")
    with pytest.raises(TournamentError) as error:
        run_tournament(CONFIG, tmp_path, executor=cluster)
    text = str(error.value)
    assert text.startswith("Dask worker tcp://") and "runs other game code" in text
    assert "install the same version of the game on every worker" in text
    assert records(tmp_path) == {}


def test_a_scheduler_without_workers_says_how_to_start_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    # It waited silently forever.
    monkeypatch.setattr(executors, "DASK_NO_WORKERS_SECONDS", 0.5)
    monkeypatch.setattr(executors, "DASK_POLL_SECONDS", 0.1)
    with distributed().LocalCluster(n_workers=0, dashboard_address=":0") as empty:
        address = empty.scheduler_address
        with pytest.raises(TournamentError) as error:
            run_tournament(CONFIG, tmp_path, executor="dask://" + address.removeprefix("tcp://"))
    assert str(error.value) == (
        f"no Dask worker is connected to the scheduler at {address}: start `dask worker"
        f" {address}` on each machine (with this game installed), then rerun the same command"
        " to resume"
    )


def test_an_unreachable_scheduler_says_to_start_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    distributed()
    monkeypatch.setattr(executors, "DASK_CONNECT_SECONDS", 0.5)
    with pytest.raises(TournamentError) as error:
        run_tournament(CONFIG, tmp_path, executor="dask://127.0.0.1:9")
    text = str(error.value)
    assert text.startswith("cannot reach the Dask scheduler at tcp://127.0.0.1:9 (")
    assert text.endswith(
        "start `dask scheduler` on that machine (it prints its address) or"
        " correct --executor dask://HOST:PORT"
    )


def test_a_finished_tournament_needs_no_cluster(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    # Rerunning the command after the last match (to see the leaderboard) connected to the
    # scheduler first, and failed if it had been shut down.
    distributed()
    monkeypatch.setattr(executors, "DASK_CONNECT_SECONDS", 0.5)
    run_tournament(CONFIG, tmp_path, jobs=1)
    summary = run_tournament(CONFIG, tmp_path, executor="dask://127.0.0.1:9")
    assert summary.played == 0 and summary.already_done == 6
