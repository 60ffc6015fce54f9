"""`parceldesk serve` (what `make serve` runs): gunicorn workers and one scheduler process,
healthy together, metrics summed over the processes, and both stopped by one Ctrl-C."""

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

from prometheus_client.parser import text_string_to_metric_families

from config import BASE_DIR
from tests.conftest import PASSWORD
from tests.test_mail_and_survey import free_port


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()
    except OSError:
        return None, ""


def test_serve_runs_workers_and_a_scheduler_and_stops_them_together(database_uri, tmp_path,
                                                                     session):
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_uri, "INSTANCE_PATH": str(tmp_path / "i"),
           "PORT": str(port), "WEB_CONCURRENCY": "2", "LOAD_DEMO_DATA": "false",
           "ADMIN_PASSWORD": PASSWORD, "MAIL_ENABLED": "false",
           "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics")}
    proc = subprocess.Popen([sys.executable, "-m", "app.console", "serve"], cwd=BASE_DIR,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        status = None
        while time.time() < deadline and status != 200 and proc.poll() is None:
            status, body = get(f"{base}/health")  # 503 until the scheduler leads
            time.sleep(0.5)
        if status != 200:
            proc.kill()
        assert status == 200, body + proc.stdout.read()
        for _ in range(6):
            assert get(f"{base}/health")[0] == 200
        status, text = get(f"{base}/metrics")
        assert status == 200
        samples = {(s.name, tuple(sorted(s.labels.items()))): s.value
                   for f in text_string_to_metric_families(text) for s in f.samples}
        served = samples[("parceldesk_http_request_duration_seconds_count",
                          (("endpoint", "/health"), ("method", "GET"), ("status", "200")))]
        assert served >= 7  # summed over both workers
        assert samples[("parceldesk_scheduler_leading", ())] == 1  # from the scheduler process
        proc.send_signal(signal.SIGINT)
        proc.wait(30)
        assert get(f"{base}/health")[0] is None  # the web workers are gone
        with session.get_bind().connect() as conn:  # the scheduler released its lock
            from sqlalchemy import text as sql

            assert conn.execute(sql("SELECT count(*) FROM scheduler_lease")).scalar() == 0
    finally:
        if proc.poll() is None:
            proc.kill()
        output = proc.stdout.read()
    assert "2 web worker(s)" in output and "leading" in output, output
