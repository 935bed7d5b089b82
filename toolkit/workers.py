"""Work shared among processes when there is enough of it, else done in this one."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

Progress = Callable[[int, int, str], None]


class Pending(Protocol):
    """Work handed out: .result() waits for its value."""

    def result(self) -> Any: ...


def _die_with_parent(parent: int) -> None:
    """In a worker: end when the run that started it is killed (Linux), instead of lingering."""
    import sys

    if sys.platform.startswith("linux"):
        import ctypes
        import signal

        try:
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # the parent died before the line above
        os._exit(1)


class Runner:
    """Runs work in a pool of processes when there is enough of it, else in this process.

    On Linux the workers are forked (nothing to re-import); elsewhere, or when this process
    already runs threads, they are spawned. If the pool cannot start or breaks, the rest of
    the work is done here, so a run never fails for want of processes.
    """

    def __init__(self, workers: int | None, tasks: int):
        if workers is None:
            workers = min(os.cpu_count() or 1, 8, tasks) if tasks >= 6 else 1
        self.workers = workers
        self.pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> Runner:
        if self.workers > 1:
            import multiprocessing
            import sys
            import threading
            from concurrent.futures import ProcessPoolExecutor

            from . import reader, validate  # noqa: F401  (imported once, before the workers fork)

            fork = sys.platform.startswith("linux") and threading.active_count() == 1
            context = multiprocessing.get_context("fork" if fork else "spawn")
            try:
                self.pool = ProcessPoolExecutor(
                    self.workers, mp_context=context, initializer=_die_with_parent, initargs=(os.getpid(),)
                )
            except (OSError, ValueError):
                self.pool = None
        return self

    def __exit__(self, *exc: object) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)

    def map(
        self,
        fn: Callable[..., Any],
        tasks: list[tuple],
        each: Callable[[Any], None] | None = None,
        progress: Progress | None = None,
        names: list[str] | None = None,
    ) -> list:
        """fn(*task) for every task, results in task order.

        each(result) is called in task order too, as soon as a result and all before it are in (so
        what it does is the same in every run); progress(done, total, name) as each result arrives.
        """
        total = len(tasks)
        results: list[Any] = [None] * total
        finished = [False] * total
        done = delivered = 0

        def arrived(i: int, value: Any) -> None:
            nonlocal done, delivered
            results[i], finished[i] = value, True
            done += 1
            if progress is not None:
                progress(done, total, names[i] if names else "")
            while delivered < total and finished[delivered]:
                if each is not None:
                    each(results[delivered])
                delivered += 1

        if self.pool is not None:
            import sys
            from concurrent.futures import as_completed
            from concurrent.futures.process import BrokenProcessPool

            for stream in (sys.stdout, sys.stderr):  # a forked worker must not repeat buffered output
                if stream is not None:
                    stream.flush()
            try:
                futures = {self.pool.submit(fn, *task): i for i, task in enumerate(tasks)}
                for future in as_completed(futures):
                    arrived(futures[future], future.result())
            except BrokenProcessPool:
                self.pool = None
        for i, task in enumerate(tasks):
            if not finished[i]:
                arrived(i, fn(*task))
        return results

    def shared(self, fn: Callable[..., Any], merge: Callable[[Iterator[Any]], Any], *args: Any) -> Pending:
        """fn(*args, part, parts) split among the workers; what it returns has .result(): merge(their results)."""
        parts = self.workers if self.pool is not None else 1
        return _Merged([self.submit(fn, *args, part, parts) for part in range(parts)], merge)

    def submit(self, fn: Callable[..., Any], *args: Any) -> Pending:
        """fn(*args) in the pool if there is one (returns something with .result())."""
        if self.pool is not None:
            try:
                return _Fallback(self.pool.submit(fn, *args), fn, args)
            except RuntimeError:
                pass
        return _Done(fn(*args))


class _Done:
    def __init__(self, value):
        self.value = value

    def result(self):
        return self.value


class _Merged:
    def __init__(self, shares, merge):
        self.shares, self.merge = shares, merge

    def result(self):
        return self.merge(share.result() for share in self.shares)


class _Fallback:
    """A pool future that computes here if the pool broke."""

    def __init__(self, future, fn, args):
        self.future, self.fn, self.args = future, fn, args

    def result(self):
        from concurrent.futures.process import BrokenProcessPool

        try:
            return self.future.result()
        except BrokenProcessPool:
            return self.fn(*self.args)
