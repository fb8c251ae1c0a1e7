"""Mining on a real local Dask cluster (2 worker processes, 1 thread each) gives the store
that mining each repository alone on the local process pool gives: with the work spread
over both workers, and when a worker is killed in the middle of the run."""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dask
import pytest

from analyzer.config import Config
from analyzer.mining import SilentObserver, mine_repositories
from analyzer.mining.distributed import DaskWorkers
from benchmarks.generated_repo import generate_repository
from tests.support.mining_repos import (
    ROOT,
    build_long_history,
    build_polyglot_history,
    run_jevons,
    store_contents,
)
from tests.support.repo_builder import RepoBuilder

distributed = pytest.importorskip("distributed")

pytestmark = pytest.mark.slow


@pytest.fixture
def cluster() -> Iterator[Any]:
    """Two worker processes of one thread each, as ``jevons mine`` starts on this machine."""
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address="127.0.0.1:0",
        silence_logs=logging.ERROR,
    ) as local:
        yield local


@pytest.fixture
def three_repositories(tmp_path: Path) -> list[Path]:
    """Everything the miner must get right, a plain history, and a generated service."""
    polyglot = RepoBuilder(tmp_path / "polyglot")
    build_polyglot_history(polyglot)
    plain = RepoBuilder(tmp_path / "plain")
    build_long_history(plain, 40)
    service = generate_repository(tmp_path / "service", commits=120)
    return [polyglot.path, plain.path, service]


def _mined_one_by_one_on_the_pool(repos: list[Path], db: Path) -> None:
    for repo in repos:
        mine_repositories([repo], db=db, workers=2, config=Config())


def test_three_repositories_on_two_dask_workers_equal_mining_each_alone(
    cluster: Any, three_repositories: list[Path], tmp_path: Path
) -> None:
    alone, on_dask = tmp_path / "alone.duckdb", tmp_path / "dask.duckdb"
    _mined_one_by_one_on_the_pool(three_repositories, alone)
    with distributed.Client(cluster) as watcher, distributed.get_task_stream(watcher) as stream:
        summaries = mine_repositories(
            three_repositories,
            db=on_dask,
            scheduler=cluster.scheduler_address,
            batch_commits=25,  # several history chunks and batches per repository
            config=Config(),
        )

    assert [s.repo_id for s in summaries] == ["polyglot", "plain", "service"]
    assert all(s.commits_mined == s.commits for s in summaries)
    assert store_contents(on_dask) == store_contents(alone)
    kinds = {str(task["key"]).split("-")[0] for task in stream.data}
    assert {"read_history_chunk", "measure_reachable_blobs"} <= kinds
    assert len({task["worker"] for task in stream.data}) == 2  # both workers did work


class _KillOneWorkerMidRun(SilentObserver):
    """Kills one worker process (SIGKILL) while it is measuring blobs, once the first
    batch is written and later batches' blobs are still on the workers."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.pids: dict[str, int] = client.run(os.getpid)
        self.killed: int | None = None
        self.blobs_left_at_kill = 0
        self._queued = self._measured = 0

    def blobs_queued(self, count: int) -> None:
        self._queued += count

    def blobs_measured(self, count: int) -> None:
        self._measured += count

    def commits_mined(self, count: int) -> None:
        if self.killed is not None:
            return
        busy = [worker for worker, keys in self.client.processing().items() if keys]
        if busy:
            self.killed = self.pids[busy[0]]
            self.blobs_left_at_kill = self._queued - self._measured
            os.kill(self.killed, signal.SIGKILL)


def test_a_worker_killed_mid_run_loses_nothing(cluster: Any, tmp_path: Path) -> None:
    repo = generate_repository(tmp_path / "service", commits=300)
    clean, survived = tmp_path / "clean.duckdb", tmp_path / "survived.duckdb"
    mine_repositories([repo], db=clean, workers=2, config=Config())

    with distributed.Client(cluster) as client:
        killer = _KillOneWorkerMidRun(client)
        [summary] = mine_repositories(
            [repo],
            db=survived,
            scheduler=cluster.scheduler_address,
            batch_commits=20,
            config=Config(),
            observer=killer,
        )
        client.wait_for_workers(2, timeout=60)  # the nanny has started a new worker
        pids_after = set(client.run(os.getpid).values())

    assert killer.killed is not None, "no worker was busy when a batch was written"
    assert killer.blobs_left_at_kill > 0  # it died with work still to do
    assert killer.killed not in pids_after
    assert summary.commits_mined == summary.commits == 300
    assert store_contents(survived) == store_contents(clean)


def _wait_for(path: Path, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 120
    while not path.exists():
        assert proc.poll() is None, "the Dask process ended before it was ready"
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.2)


@pytest.fixture
def real_cluster(tmp_path: Path) -> Iterator[str]:
    """``dask scheduler`` and ``dask worker`` (2 processes, 1 thread each) as separate
    programs, as on a real cluster; the scheduler's address."""
    dask = str(Path(sys.executable).parent / "dask")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    info = tmp_path / "scheduler.json"
    started: list[subprocess.Popen[bytes]] = []
    try:
        scheduler = subprocess.Popen(
            [dask, "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
             "--scheduler-file", str(info)],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        started.append(scheduler)
        _wait_for(info, scheduler)
        workers = subprocess.Popen(
            [dask, "worker", "--scheduler-file", str(info), "--nworkers", "2",
             "--nthreads", "1", "--host", "127.0.0.1", "--no-dashboard"],
            env=env, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        started.append(workers)
        yield str(json.loads(info.read_text())["address"])
    finally:
        for proc in reversed(started):
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def test_jevons_mine_on_a_dask_scheduler_and_workers_started_by_hand(
    real_cluster: str, tmp_path: Path
) -> None:
    first, second = RepoBuilder(tmp_path / "first"), RepoBuilder(tmp_path / "second")
    build_polyglot_history(first)
    build_long_history(second, 30)
    alone = tmp_path / "alone.duckdb"
    _mined_one_by_one_on_the_pool([first.path, second.path], alone)

    result = run_jevons(
        "mine", str(first.path), str(second.path), "--scheduler", real_cluster,
        "--db", "cluster.duckdb", cwd=tmp_path,
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    assert [line.split(":")[0] for line in result.stdout.splitlines()] == ["first", "second"]
    assert store_contents(tmp_path / "cluster.duckdb") == store_contents(alone)


def test_the_local_cluster_workers_run_without_dasks_stack_sampling_profiler() -> None:
    """It samples every thread's stack each 10 ms; on lizard's deep stacks that cost ~20%
    of the metrics' time."""
    workers = DaskWorkers(None, 1)
    try:
        settings = workers.client.run(dask.config.get, "distributed.worker.profile.enabled")
    finally:
        workers.close()
    assert list(settings.values()) == [False]
