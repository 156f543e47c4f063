"""Running a sweep: every configuration not yet in the result store, stored as it finishes.

``local`` runs in this process (``workers == 1``) or in ``workers`` spawned processes; ``ray``
runs one task per configuration (``num_gpus=gpus_per_task``, ``num_cpus=cpus_per_task``) and
stores the results from this process. A runner is ``runner(config, data, device) -> (summary,
epochs)``; it must be a module-level function for worker processes and Ray. ``run_and_report`` and
``report_only`` are the two ends of a sweep's ``main``: run, report, exit code.
"""

from __future__ import annotations

import concurrent.futures
import multiprocessing
import sys
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import _common
from ..store import ResultStore, config_hash
from .config import BACKEND_OPTIONS, BACKENDS

Runner = Callable[[dict[str, Any], Any, str], tuple[dict[str, Any], list[dict[str, Any]]]]
Report = Callable[[ResultStore], list[Path]]


@dataclass
class SweepOutcome:
    """What a sweep did: hashes run now, skipped (already stored), and failures with messages."""

    ran: list[str]
    skipped: list[str]
    failed: list[tuple[str, str]]


def _default_describe(config: dict[str, Any]) -> str:
    return config_hash(config)[:12]


def _default_headline(summary: dict[str, Any]) -> str:
    return ""


_WORKER_STATE: dict[str, Any] = {}


def _init_worker(data: Any, runner: Runner, device_name: str, threads: int | None) -> None:
    if threads is not None:
        import torch

        torch.set_num_threads(threads)
    _WORKER_STATE.update(data=data, runner=runner, device=device_name)


def _worker_run(config: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    state = _WORKER_STATE
    return state["runner"](config, state["data"], state["device"])


def _ray_task(
    runner: Runner, config: dict[str, Any], data: Any, device_name: str, threads: int | None
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    if threads is not None:
        import torch

        torch.set_num_threads(threads)
    return runner(config, data, device_name)


def run_sweep(
    configs: Sequence[dict[str, Any]],
    store: ResultStore,
    data: Any,
    *,
    runner: Runner,
    device: str = "cpu",
    backend: str = "local",
    workers: int = 1,
    gpus_per_task: float = 0.0,
    cpus_per_task: float = 1.0,
    ray_address: str | None = None,
    threads: int | None = None,
    name: str = "sweep",
    describe: Callable[[dict[str, Any]], str] = _default_describe,
    headline: Callable[[dict[str, Any]], str] = _default_headline,
) -> SweepOutcome:
    """Run every configuration not yet in ``store``, storing each as soon as it finishes.

    ``threads`` sets torch's CPU threads in worker processes and Ray tasks (Ray tasks default to
    ``max(1, int(cpus_per_task))``). A run that raises is reported (stderr) and left out of the
    store, so the next call retries it; the other runs go on. ``KeyboardInterrupt`` stops the
    sweep; finished runs stay stored. Progress lines are ``[name] ... describe(config)
    headline(summary)``.
    """
    if backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r}: allowed are {', '.join(BACKENDS)}")
    if workers < 1:
        raise ValueError(f"workers must be >= 1, got {workers}")
    done = store.finished_hashes()
    outcome = SweepOutcome(ran=[], skipped=[], failed=[])
    todo = []
    for config in configs:
        key = config_hash(config)
        if key in done:
            outcome.skipped.append(key)
        else:
            todo.append(config)
    progress = _common.Progress(name, len(todo))
    if outcome.skipped:
        progress.note(f"{len(outcome.skipped)} runs already in {store.path}, skipped")

    def finish(config: dict[str, Any], result: Any, error: BaseException | None) -> None:
        key = config_hash(config)
        if error is not None:
            message = "".join(traceback.format_exception_only(type(error), error)).strip()
            outcome.failed.append((key, message))
            progress.step(f"FAILED {describe(config)}: {message}")
            return
        summary, epochs = result
        store.record_run(config, summary, epochs)
        outcome.ran.append(key)
        progress.step(f"{describe(config)} {headline(summary)}".rstrip())

    if backend == "ray":
        if threads is None:
            threads = max(1, int(cpus_per_task))
        _run_ray(
            todo, data, runner, device, finish, gpus_per_task, cpus_per_task, ray_address, threads
        )
    elif workers == 1:
        for config in todo:
            try:
                result = runner(config, data, device)
            except Exception as exc:
                finish(config, None, exc)
            else:
                finish(config, result, None)
    else:
        context = multiprocessing.get_context("spawn")
        with concurrent.futures.ProcessPoolExecutor(
            workers,
            mp_context=context,
            initializer=_init_worker,
            initargs=(data, runner, device, threads),
        ) as pool:
            futures = {pool.submit(_worker_run, config): config for config in todo}
            try:
                for future in concurrent.futures.as_completed(futures):
                    error = future.exception()
                    finish(futures[future], None if error else future.result(), error)
            except BaseException:
                for future in futures:
                    future.cancel()
                raise
    return outcome


def _run_ray(
    todo: Sequence[dict[str, Any]],
    data: Any,
    runner: Runner,
    device: str,
    finish: Callable[[dict[str, Any], Any, BaseException | None], None],
    gpus_per_task: float,
    cpus_per_task: float,
    address: str | None,
    threads: int | None,
) -> None:
    """One Ray task per run (``num_gpus=gpus_per_task``); results stored by this process."""
    try:
        import ray
    except ImportError:
        raise ValueError(
            "--backend ray needs Ray, which the ray extra installs: "
            "python3 -m pip install -e '.[ray]'"
        ) from None
    if not todo:
        return
    if not ray.is_initialized():
        ray.init(address=address, include_dashboard=False, log_to_driver=False)
    data_ref = ray.put(data)
    task = ray.remote(num_gpus=gpus_per_task, num_cpus=cpus_per_task, max_retries=0)(_ray_task)
    pending = {task.remote(runner, config, data_ref, device, threads): config for config in todo}
    try:
        while pending:
            (ready,), _ = ray.wait(list(pending), num_returns=1)
            config = pending.pop(ready)
            try:
                result = ray.get(ready)
            except Exception as exc:  # a RayTaskError wraps the run's exception as `cause`
                cause = getattr(exc, "cause", None)
                finish(config, None, cause if isinstance(cause, BaseException) else exc)
            else:
                finish(config, result, None)
    except BaseException:
        for ref in pending:
            ray.cancel(ref)
        raise


def run_from_args(
    args: Any,
    configs: Sequence[dict[str, Any]],
    store: ResultStore,
    data: Any,
    runner: Runner,
    threads: int | None,
    **kwargs: Any,
) -> SweepOutcome:
    """``run_sweep`` with ``--device`` and the options of ``config.add_backend_arguments``."""
    options = {name: getattr(args, name) for name in ("device", *BACKEND_OPTIONS)}
    return run_sweep(configs, store, data, runner=runner, threads=threads, **options, **kwargs)


def run_and_report(
    args: Any,
    configs: Sequence[dict[str, Any]],
    store_path: Path,
    data: Any,
    runner: Runner,
    threads: int | None,
    progress: _common.Progress,
    report: Report,
    **kwargs: Any,
) -> int:
    """``run_from_args`` into the store at ``store_path``, a note of what ran, then
    ``report(store)`` (its paths printed) and the failures on stderr; exit code 1 if a run
    failed, else 0."""
    with ResultStore(store_path) as store:
        outcome = run_from_args(args, configs, store, data, runner, threads, **kwargs)
        progress.note(
            f"ran {len(outcome.ran)}, skipped {len(outcome.skipped)}, "
            f"failed {len(outcome.failed)}; store {store_path}"
        )
        for path in report(store):
            print(path)
    for key, message in outcome.failed:
        print(f"failed run {key[:12]}: {message}", file=sys.stderr)
    return 1 if outcome.failed else 0


def report_only(store_path: Path, report: Report) -> int:
    """``report(store)`` of the store at ``store_path`` without running; prints the paths."""
    with ResultStore(store_path) as store:
        for path in report(store):
            print(path)
    return 0
