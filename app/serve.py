"""The production layout in one command: N gunicorn web workers with the scheduler off,
plus one scheduler process (`scheduler run`); Ctrl-C or SIGTERM stops both, and when one
of them dies the other is stopped too, so a process manager sees the failure.

The same layout as systemd units or containers is in the README (Serving in production).
"""

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

STOP_GRACE_SECONDS = 15


def _metrics_dir(env: dict) -> str:
    """A fresh folder for prometheus-client's multiprocess files, shared by every process."""
    path = Path(env.get("PROMETHEUS_MULTIPROC_DIR")
                or tempfile.mkdtemp(prefix="parceldesk-metrics-"))
    path.mkdir(parents=True, exist_ok=True)
    for old in path.glob("*.db"):  # files of an earlier run would be summed in
        old.unlink()
    return str(path)


def commands(workers: int, bind: str, scheduler: bool) -> list[list[str]]:
    conf = str(Path(__file__).with_name("gunicorn_conf.py"))
    web = [sys.executable, "-m", "gunicorn", "-c", conf, "--workers", str(workers),
           "--bind", bind, "app.wsgi:app"]
    procs = [web]
    if scheduler:
        procs.append([sys.executable, "-m", "app.console", "scheduler", "run"])
    return procs


def run(workers: int, bind: str, scheduler: bool = True, echo=print) -> int:
    env = {**os.environ, "SCHEDULER_ENABLED": "false", "PYTHONUNBUFFERED": "1"}
    env["PROMETHEUS_MULTIPROC_DIR"] = _metrics_dir(env)
    children = [subprocess.Popen(cmd, env=env) for cmd in commands(workers, bind, scheduler)]
    echo(f"ParcelDesk: {workers} web worker(s) on http://{bind}/"
         + (" and one scheduler process" if scheduler else ""))
    stopping = False

    def stop(*_):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    code = 0
    while not stopping:
        finished = [p for p in children if p.poll() is not None]
        if finished:
            code = finished[0].returncode or 1
            echo(f"ParcelDesk: process {finished[0].args[2:5]} exited ({finished[0].returncode}); "
                 "stopping the others")
            break
        time.sleep(0.5)
    for proc in children:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    deadline = time.time() + STOP_GRACE_SECONDS
    for proc in children:
        try:
            proc.wait(max(0.1, deadline - time.time()))
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    from prometheus_client import multiprocess

    for proc in children[1:]:  # gunicorn marks its own workers; the scheduler is ours
        multiprocess.mark_process_dead(proc.pid, env["PROMETHEUS_MULTIPROC_DIR"])
    return code
