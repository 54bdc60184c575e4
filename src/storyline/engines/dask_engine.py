"""Run the per-article stages on a Dask cluster: a local one, or a scheduler given by address.

The corpus stages stay in the ingesting process, next to the store; only ``process.analyze``
(spaCy and the extractors, a pure function of a batch) is shipped. Each worker loads the
spaCy model once, when it joins (a worker plugin), and keeps it in its process-wide cache.
At most ``in_flight`` batches are on the cluster at a time, so memory stays bounded however
long the input, and results come back in input order.
"""

from __future__ import annotations

import logging
import sys
from collections import deque
from collections.abc import Iterator
from typing import Any

import dask
from distributed import Client, Future, LocalCluster, WorkerPlugin

from storyline.process import Analyzed, Prepared, analyze

DEFAULT_LOCAL_WORKERS = 2


class ModelPreloader(WorkerPlugin):
    """Loads the spaCy model once in each worker process as it starts."""

    name = "storyline-model"

    def setup(self, worker: Any) -> None:
        from storyline.nlp import load_nlp

        load_nlp()


def model_loads() -> int:
    """How many times this process has loaded a spaCy model (run on a worker with ``Client.run``)."""
    from storyline.nlp import load_nlp

    return int(load_nlp.cache_info().misses)


class DaskRunner:
    """Runs ``analyze`` over batches on Dask workers; yields ``(batch, results)`` in input order."""

    def __init__(self, scheduler: str | None = None, jobs: int = 0, in_flight: int | None = None) -> None:
        self.cluster: LocalCluster | None = None
        if scheduler:
            self.client = Client(scheduler)
        else:
            # On Linux the local workers are forked: they inherit this process's imports (spaCy, Dask,
            # Storyline) instead of importing them afresh, which is most of Dask's extra CPU over the
            # process pool. This process waits while they start, so no lock is held across the fork.
            method = "fork" if sys.platform == "linux" else "spawn"
            with dask.config.set({"distributed.worker.multiprocessing-method": method}):
                self.cluster = LocalCluster(
                    n_workers=jobs or DEFAULT_LOCAL_WORKERS,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=":0",  # a free port: never clashes with another cluster
                    silence_logs=logging.ERROR,
                )
            self.client = Client(self.cluster)
        self.client.register_plugin(ModelPreloader())
        self.in_flight = max(in_flight or 0, 2 * max(1, self.worker_threads()))

    def worker_threads(self) -> int:
        """Threads across the cluster's workers now (the number of batches it can run at once)."""
        return sum(self.client.nthreads().values())

    def run(self, batches: Iterator[list[Prepared]]) -> Iterator[tuple[list[Prepared], list[Analyzed]]]:
        pending: deque[tuple[list[Prepared], Future]] = deque()
        try:
            for batch in batches:
                pending.append((batch, self.client.submit(analyze, batch, pure=False, retries=1)))
                while len(pending) >= self.in_flight:
                    done, future = pending.popleft()
                    yield done, future.result()
            while pending:
                done, future = pending.popleft()
                yield done, future.result()
        finally:
            for _, future in pending:
                future.cancel()

    def shutdown(self) -> None:
        """Close the client, and the local cluster when this runner started one."""
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()
            self.cluster = None
