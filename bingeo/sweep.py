"""Run independent jobs (a sweep's seeds, recipes, first layers) and collect
their results in the order of the jobs.

One function, :func:`run_jobs`, with three ways to run the same list of jobs:

- serially in this process (``workers=1``, or a single job);
- on a local pool of ``workers`` processes, started with the *spawn* method
  (forking a process whose numba thread pool is running is unsafe), each
  limited to ``cpu_count // workers`` numba threads so the pool does not
  oversubscribe the cores;
- on a Dask cluster (``scheduler="tcp://HOST:PORT"`` or a
  ``distributed.Client``); ``dask.distributed`` is an optional dependency,
  imported only there (``pip install "bingeo[dask]"``).

The samplers and the network engine give the same bits whatever their thread
count, so the three ways return the same numbers.  Nothing here knows what a
job is: ``fn`` is any picklable module-level function.
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import os
import pickle
import sys
from collections.abc import Callable, Iterable, Sequence
from numbers import Integral

__all__ = ["SCHEDULER_PREFIXES", "JobError", "run_jobs"]

SCHEDULER_PREFIXES = ("tcp://", "tls://", "inproc://", "ucx://")
"""The address schemes a Dask scheduler given as a string may use."""

_DASK_MISSING = ('scheduler: running jobs on a Dask cluster needs dask.distributed, '
                 'an optional dependency: pip install "bingeo[dask]"')


class JobError(RuntimeError):
    """A job raised: ``index`` and ``job`` say which; the job's own exception
    is the ``__cause__``."""

    def __init__(self, index: int, job, exc: BaseException):
        super().__init__(f"job {index} ({job!r:.80}) failed: {type(exc).__name__}: {exc}")
        self.index = index
        self.job = job


def run_jobs(fn: Callable, jobs: Sequence, *, workers: int | None = None, scheduler=None,
             progress: Callable[[int, int, int], object] | None = None) -> list:
    """Call ``fn(job)`` for every job and return the results in the order of ``jobs``.

    Parameters
    ----------
    fn : callable
        a module-level function (pickled by reference, so spawned workers and
        Dask workers import it by its module's name); jobs and results are
        pickled too.
    jobs : sequence
        one argument of ``fn`` per job (a list or a tuple).
    workers : int >= 1, optional
        size of the local process pool; default ``min(len(jobs), os.cpu_count())``.
        ``1`` runs the jobs one after the other in this process.  Not given
        with ``scheduler``: a Dask cluster runs the jobs on its own workers.
    scheduler : str or distributed.Client, optional
        a Dask scheduler's address (``tcp://HOST:PORT``; also ``tls://``,
        ``inproc://``, ``ucx://``), connected to for this call and closed
        after it, or a connected client, left open.  Each Dask worker should
        run one task at a time (``dask worker --nthreads 1``) and set its numba
        threads with ``NUMBA_NUM_THREADS``.
    progress : callable, optional
        ``progress(done, total, index)``, called in this process as each job
        finishes (in the order they finish).

    Returns
    -------
    list
        ``[fn(job) for job in jobs]``, whatever order the jobs finished in.

    Raises
    ------
    JobError
        a job raised (its exception is the ``__cause__``); the jobs not yet
        started are cancelled and the local pool's running jobs are stopped.
    ImportError
        ``scheduler`` given but ``dask.distributed`` is not installed.

    Notes
    -----
    On a local pool every worker calls ``numba.set_num_threads(max(1,
    cpu_count // workers))`` before its first job.  Results do not depend on
    the thread count (sums keep a fixed order), so the pool returns the bits
    of the serial run, only sooner.  On an error or a KeyboardInterrupt the
    pool's workers are terminated rather than waited for.

    Examples
    --------
    >>> run_jobs(abs, [-2, 3, -5], workers=1)
    [2, 3, 5]
    >>> run_jobs(abs, [-1, 4], workers=1, progress=lambda done, total, i: print(done, total, i))
    1 2 0
    2 2 1
    [1, 4]
    >>> run_jobs(int, ["1", "x"], workers=1)
    Traceback (most recent call last):
    ...
    bingeo.sweep.JobError: job 1 ('x') failed: ValueError: invalid literal for int() with base 10: 'x'
    """
    _check_arguments(fn, jobs, workers, scheduler, progress)
    jobs = list(jobs)
    if scheduler is not None:
        return _run_dask(fn, jobs, scheduler, progress)
    if workers is None:
        workers = os.cpu_count() or 1
    workers = min(workers, len(jobs))
    if workers <= 1:
        finished = ((i, lambda job=job: fn(job)) for i, job in enumerate(jobs))
        return _gather(finished, jobs, progress)
    return _run_pool(fn, jobs, workers, progress)


def _check_arguments(fn, jobs, workers, scheduler, progress) -> None:
    if not callable(fn):
        raise TypeError(f"fn: expected a callable (a module-level function), got {type(fn).__name__}")
    if not isinstance(jobs, Sequence) or isinstance(jobs, (str, bytes)):
        raise TypeError(f"jobs: expected a sequence of jobs (a list or a tuple), got {type(jobs).__name__}")
    if workers is not None:
        if isinstance(workers, bool) or not isinstance(workers, Integral):
            raise TypeError(f"workers: expected an integer >= 1 or None, got {type(workers).__name__}")
        if workers < 1:
            raise ValueError(f"workers: expected an integer >= 1 or None, got {workers}")
    if isinstance(scheduler, str):
        if not scheduler.startswith(SCHEDULER_PREFIXES):
            raise ValueError(f"scheduler: expected an address starting with {', '.join(SCHEDULER_PREFIXES)}, "
                             f"got {scheduler!r}")
    elif scheduler is not None:
        # a Client exists only once distributed is imported: no import needed to check
        distributed = sys.modules.get("distributed")
        if distributed is None or not isinstance(scheduler, distributed.Client):
            raise TypeError(f"scheduler: expected a Dask address ({', '.join(SCHEDULER_PREFIXES)}) "
                            f"or a distributed.Client, got {type(scheduler).__name__}")
    if scheduler is not None and workers is not None:
        raise ValueError("workers: a Dask scheduler runs the jobs on its own workers; "
                         "give workers or scheduler, not both")
    if progress is not None and not callable(progress):
        raise TypeError(f"progress: expected a callable progress(done, total, index) or None, "
                        f"got {type(progress).__name__}")


def _gather(finished: Iterable, jobs: list, progress) -> list:
    """Fill the results from ``finished``, pairs (index, call returning the result) in completion order."""
    results = [None] * len(jobs)
    for done, (index, result) in enumerate(finished, 1):
        try:
            results[index] = result()
        except Exception as exc:
            raise JobError(index, jobs[index], exc) from exc
        if progress is not None:
            progress(done, len(jobs), index)
    return results


def _limit_numba_threads(threads: int) -> None:
    import numba

    # NUMBA_NUM_THREADS (the pool's size) caps what set_num_threads accepts
    numba.set_num_threads(max(1, min(threads, numba.config.NUMBA_NUM_THREADS)))


def _run_pool(fn, jobs: list, workers: int, progress) -> list:
    try:
        pickle.dumps(fn)
    except Exception as exc:
        raise TypeError(f"fn: expected a picklable module-level function for a process pool, "
                        f"got {fn!r:.80} ({exc})") from exc
    threads = max(1, (os.cpu_count() or 1) // workers)
    pool = cf.ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                                  initializer=_limit_numba_threads, initargs=(threads,))
    try:
        futures = {pool.submit(fn, job): i for i, job in enumerate(jobs)}
        finished = ((futures[f], f.result) for f in cf.as_completed(futures))
        results = _gather(finished, jobs, progress)
    except BaseException:
        _stop_pool(pool)
        raise
    pool.shutdown(wait=True)
    return results


def _stop_pool(pool: cf.ProcessPoolExecutor) -> None:
    """Cancel the jobs not started and terminate the workers running the others."""
    # a running job cannot be cancelled, and waiting for it (a whole training
    # run) is not what an error or a Ctrl-C asks for; shutdown forgets the
    # processes, so take them first
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.terminate()
    for process in processes:
        process.join(timeout=5)
        if process.is_alive():            # still starting up, or ignoring SIGTERM: SIGKILL
            process.kill()
            process.join(timeout=5)


def _run_dask(fn, jobs: list, scheduler, progress) -> list:
    try:
        import distributed
    except ImportError as exc:
        raise ImportError(_DASK_MISSING) from exc
    own = isinstance(scheduler, str)
    client = distributed.Client(scheduler) if own else scheduler
    futures = []
    try:
        futures = [client.submit(fn, job, pure=False) for job in jobs]
        index = {f.key: i for i, f in enumerate(futures)}
        finished = ((index[f.key], f.result) for f in distributed.as_completed(futures))
        return _gather(finished, jobs, progress)
    except BaseException:
        if futures:
            client.cancel(futures)
        raise
    finally:
        if own:
            client.close()
