"""gunicorn settings used by `parceldesk serve` / `make serve` (`-c` this file's path)."""

import os

# Prometheus multiprocess mode: a dead worker's live gauges must not be summed any more.


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)


accesslog = "-"
# gunicorn 27's control socket sits in $HOME by default: two instances would share it
control_socket_disable = True
