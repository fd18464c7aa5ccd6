"""bingeo.sweep.run_jobs: the serial run, a spawned local pool and a Dask
LocalCluster return the same bits, in the order of the jobs.

The job functions live at module level here: spawned pool workers and Dask
workers import them as ``tests.bingeo.test_sweep`` (multiprocessing passes the
parent's ``sys.path``, which holds the repository root, to its children).
"""

import hashlib
import multiprocessing
import os
import sys
import time

import numpy as np
import pytest

from bingeo.sweep import JobError, run_jobs


def draw(seed):
    """Numbers drawn with numpy from ``seed``, as bytes (bit-exact comparison)."""
    return np.random.default_rng(seed).standard_normal(7).tobytes()


def train_tiny(seed):
    """A two-epoch d16 network on digits: a hash of its latent weights and its test accuracy."""
    from bingeo.bnn import TrainConfig, train_model
    from bingeo.data import load_dataset

    result = train_model(TrainConfig(architecture="d16", epochs=2, seed=seed), load_dataset("digits"))
    digest = hashlib.sha256()
    for name, array in sorted(result.network.parameters().items()):
        digest.update(name.encode())
        digest.update(np.ascontiguousarray(array).tobytes())
    return digest.hexdigest(), result.test_accuracy


def fail_on_two(job):
    if job == 2:
        raise ValueError("two is not allowed")
    return job


def fail_at_once_or_sleep(job):
    """Job 0 fails at once; the others would run for a minute."""
    if job == 0:
        raise ValueError("first job fails")
    time.sleep(60)
    return job


def sleep_unless_first(job):
    if job:
        time.sleep(60)
    return job


def numba_threads(_job):
    import numba

    return numba.get_num_threads()


DRAW_JOBS = [5, 0, 12345, 7, 2**40]
TRAIN_JOBS = [0, 1, 2]


@pytest.fixture(scope="module")
def serial_results():
    return {draw: run_jobs(draw, DRAW_JOBS, workers=1), train_tiny: run_jobs(train_tiny, TRAIN_JOBS, workers=1)}


def test_serial_is_the_plain_loop(serial_results):
    assert serial_results[draw] == [draw(j) for j in DRAW_JOBS]
    assert len(set(serial_results[draw])) == len(DRAW_JOBS)
    hashes = [h for h, _ in serial_results[train_tiny]]
    assert len(set(hashes)) == len(TRAIN_JOBS)  # the seeds give different networks
    assert all(0.0 <= acc <= 1.0 for _, acc in serial_results[train_tiny])


def test_local_pool_gives_the_serial_bits_in_order(serial_results):
    calls = []
    assert run_jobs(draw, DRAW_JOBS, workers=2, progress=lambda *a: calls.append(a)) == serial_results[draw]
    assert [done for done, _, _ in calls] == list(range(1, len(DRAW_JOBS) + 1))
    assert {total for _, total, _ in calls} == {len(DRAW_JOBS)}
    assert sorted(i for _, _, i in calls) == list(range(len(DRAW_JOBS)))
    assert run_jobs(train_tiny, TRAIN_JOBS, workers=2) == serial_results[train_tiny]


def test_pool_workers_share_the_cores():
    threads = run_jobs(numba_threads, [0, 1], workers=2)
    assert threads == [max(1, (os.cpu_count() or 1) // 2)] * 2


def test_progress_serial_in_order():
    calls = []
    assert run_jobs(abs, [-3, 4, -5], workers=1, progress=lambda *a: calls.append(a)) == [3, 4, 5]
    assert calls == [(1, 3, 0), (2, 3, 1), (3, 3, 2)]


def test_empty_and_single_job():
    assert run_jobs(draw, []) == []
    assert run_jobs(draw, (3,)) == [draw(3)]


@pytest.mark.parametrize("workers", [1, 2])
def test_error_names_the_job(workers):
    with pytest.raises(JobError, match=r"job 2 \(2\) failed: ValueError: two is not allowed") as info:
        run_jobs(fail_on_two, [0, 1, 2, 3], workers=workers)
    assert info.value.index == 2 and info.value.job == 2
    assert isinstance(info.value.__cause__, ValueError)


def _left_over(before, seconds=10.0):
    """Worker processes not in ``before`` still alive after up to ``seconds`` (reaped ones leave the set)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        extra = set(multiprocessing.active_children()) - before
        if not extra:
            return extra
        time.sleep(0.1)
    return set(multiprocessing.active_children()) - before


def test_error_stops_the_running_jobs():
    before = set(multiprocessing.active_children())
    start = time.monotonic()
    with pytest.raises(JobError, match="job 0"):
        run_jobs(fail_at_once_or_sleep, [0, 1, 2, 3], workers=2)
    assert time.monotonic() - start < 30  # not the 60 s the other jobs would run
    assert not _left_over(before)  # no worker left sleeping


def test_keyboard_interrupt_stops_the_pool():
    def interrupt(done, total, index):
        raise KeyboardInterrupt

    before = set(multiprocessing.active_children())
    start = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        run_jobs(sleep_unless_first, [0, 1, 2], workers=2, progress=interrupt)
    assert time.monotonic() - start < 30
    assert not _left_over(before)


def test_long_job_repr_is_shortened():
    job = "x" * 500
    with pytest.raises(JobError) as info:
        run_jobs(int, [job], workers=1)
    assert str(info.value).startswith(f"job 0 ({repr(job)[:80]}) failed: ValueError")


class _NotAClient:
    pass


@pytest.mark.parametrize("kwargs, error, name", [
    (dict(fn=42), TypeError, "fn"),
    (dict(jobs=3), TypeError, "jobs"),
    (dict(jobs="abc"), TypeError, "jobs"),
    (dict(jobs={1, 2}), TypeError, "jobs"),
    (dict(workers=0), ValueError, "workers"),
    (dict(workers=-2), ValueError, "workers"),
    (dict(workers=2.0), TypeError, "workers"),
    (dict(workers=True), TypeError, "workers"),
    (dict(scheduler="localhost:8786"), ValueError, "scheduler"),
    (dict(scheduler="http://localhost:8786"), ValueError, "scheduler"),
    (dict(scheduler=_NotAClient()), TypeError, "scheduler"),
    (dict(scheduler=8786), TypeError, "scheduler"),
    (dict(scheduler="tcp://127.0.0.1:8786", workers=2), ValueError, "workers"),
    (dict(progress="bar"), TypeError, "progress"),
])
def test_invalid_arguments(kwargs, error, name):
    call = dict(fn=abs, jobs=[1, 2])
    call.update(kwargs)
    with pytest.raises(error) as info:
        run_jobs(call.pop("fn"), call.pop("jobs"), **call)
    assert str(info.value).startswith(f"{name}:")


def test_unpicklable_fn_for_a_pool():
    with pytest.raises(TypeError, match="^fn: expected a picklable"):
        run_jobs(lambda job: job, [1, 2], workers=2)


def test_missing_distributed_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # makes `import distributed` fail
    with pytest.raises(ImportError, match=r'pip install "bingeo\[dask\]"'):
        run_jobs(abs, [1], scheduler="tcp://127.0.0.1:8786")


@pytest.fixture(scope="module")
def cluster():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        yield cluster


def test_local_cluster_gives_the_serial_bits_in_order(cluster, serial_results):
    from distributed import Client

    calls = []
    with Client(cluster) as client:
        got = run_jobs(draw, DRAW_JOBS, scheduler=client, progress=lambda *a: calls.append(a))
        assert got == serial_results[draw]
        assert sorted(i for _, _, i in calls) == list(range(len(DRAW_JOBS)))
        assert run_jobs(train_tiny, TRAIN_JOBS, scheduler=client) == serial_results[train_tiny]
        assert client.status == "running"  # a client we pass in stays open
        with pytest.raises(JobError, match="job 2") as info:
            run_jobs(fail_on_two, [0, 1, 2, 3], scheduler=client)
        assert isinstance(info.value.__cause__, ValueError)
    # by address: run_jobs connects, and closes its own client
    assert run_jobs(draw, DRAW_JOBS, scheduler=cluster.scheduler_address) == serial_results[draw]
