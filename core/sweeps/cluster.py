"""Cells on a Dask distributed cluster (`--scheduler tcp://HOST:8786`; the optional extra
`pip install "digits[cluster]"` on the client and on every worker machine).

Dask's scheduler places the cells on the workers and reruns a cell whose worker died elsewhere (as
often as its `allowed-failures` setting says; start the scheduler with
DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES=1 for once), so digits adds no scheduling of its own.
The cells send their results back as JSON text (cell.py), which the client checks before it writes
them (store.py). Dask itself moves functions and results with pickle between the client, the
scheduler and the workers, so the cluster must be one you trust (see Dask's TLS and security
settings for clusters across networks). Ctrl-C sets a Dask Event of the sweep that the running
cells ask at most once a second, so they stop at a batch as local ones do.
"""

import time

from digits.core.errors import ConfigError

CONNECT_TIMEOUT = "5s"


class DaskPool:
    """Connects at once (a scheduler that does not answer is a one-line error within seconds,
    before any sweep directory is made); `bind` names the sweep whose cells it runs."""

    def __init__(self, address: str):
        try:
            from distributed import Client
        except ImportError:
            raise ConfigError("--scheduler needs Dask's distributed package: pip install \"digits[cluster]\"") from None
        try:
            self.client = Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as exc:
            raise ConfigError(f"cannot reach a Dask scheduler at {address} within {CONNECT_TIMEOUT} ({exc}); start "
                              "one with `dask scheduler` and workers with `dask worker ADDRESS`") from None
        self.stop_event = self.event = None

    def bind(self, sweep_id: str) -> "DaskPool":
        from distributed import Event

        self.stop_event = f"digits-stop-{sweep_id}"
        self.event = Event(self.stop_event, client=self.client)
        self.event.clear()
        return self

    @property
    def slots(self) -> int:
        """Cells that can run at once: every worker thread of the cluster."""
        workers = self.client.scheduler_info(n_workers=-1)["workers"].values()
        return max(1, sum(w.get("nthreads", 1) for w in workers))

    def submit(self, fn, *args, key: str = ""):
        # A cell's BLAS threads: one per Dask worker thread (start `dask worker --nthreads 1` per core).
        return self.client.submit(fn, *args, 1, self.stop_event, key=key or None, pure=False)

    def wait(self, futures, timeout: float) -> set:
        """The futures done within `timeout` (their state is pushed to this client by the scheduler)."""
        deadline = time.monotonic() + timeout
        while True:
            done = {f for f in futures if f.done()}
            if done or time.monotonic() >= deadline:
                return done
            time.sleep(0.05)

    def stop_cells(self) -> None:
        self.event.set()

    def shutdown(self, wait: bool = True) -> None:
        self.client.close()
