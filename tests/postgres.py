"""A throw-away PostgreSQL cluster on loopback for the test run.

Uses TEST_DATABASE_URL when given. Otherwise starts a cluster from the installed
server binaries in a temporary folder (as the `postgres` user when we are root,
since initdb refuses root), and stops it at the end of the run.
"""

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time


def find_bin_dir() -> str | None:
    for pattern in ("/usr/lib/postgresql/*/bin",):
        candidates = sorted(glob.glob(pattern), reverse=True)
        for path in candidates:
            if os.path.exists(os.path.join(path, "initdb")):
                return path
    initdb = shutil.which("initdb")
    return os.path.dirname(initdb) if initdb else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ThrowawayCluster:
    def __init__(self, bin_dir: str):
        self.bin_dir = bin_dir
        self.dir = tempfile.mkdtemp(prefix="parceldesk-pg-")
        self.data = os.path.join(self.dir, "data")
        self.port = _free_port()
        self.as_user = "postgres" if os.geteuid() == 0 else None

    def _run(self, *args: str) -> None:
        cmd = [os.path.join(self.bin_dir, args[0]), *args[1:]]
        if self.as_user:
            cmd = ["runuser", "-u", self.as_user, "--", *cmd]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def start(self) -> str:
        if self.as_user:
            shutil.chown(self.dir, self.as_user)
        self._run("initdb", "-D", self.data, "-U", "postgres", "-A", "trust", "--no-sync")
        opts = (f"-h 127.0.0.1 -p {self.port} -k {self.dir} -c fsync=off "
                "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200")
        self._run("pg_ctl", "-D", self.data, "-o", opts, "-w", "-l",
                  os.path.join(self.dir, "log"), "start")
        deadline = time.time() + 20
        while time.time() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", self.port)) == 0:
                    break
            time.sleep(0.1)
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", self.data, "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)
