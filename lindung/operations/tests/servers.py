"""Throwaway servers for the fault tests: a PostgreSQL cluster in a temporary folder, a
redis-server, and processes of this project (runserver, a Celery worker). Each is bounded
in time and torn down by its fixture, whatever the test did."""

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

PG_BINS = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))
STARTUP_SECONDS = 60


def pg_bin() -> Path:
    if not PG_BINS or not (PG_BINS[-1] / "initdb").exists():
        pytest.skip("PostgreSQL server binaries are not installed (/usr/lib/postgresql/*/bin)")
    return PG_BINS[-1]


def skip_unless_postgresql_pass() -> None:
    """These tests start their own servers and need no test database; CI runs the suite
    on SQLite and on PostgreSQL, and once is enough: they run in the PostgreSQL pass."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("stack test: runs in the PostgreSQL pass (DATABASE_URL=postgres://...)")


def wait_for_port(port: int, timeout: float = STARTUP_SECONDS) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            return
        time.sleep(0.1)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {timeout} s")


def port_is_free(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


class Cluster:
    """A PostgreSQL cluster of its own: initdb into a temporary folder, pg_ctl on a port.
    As root, the server programs run as the postgres user (initdb refuses root)."""

    def __init__(self, port: int) -> None:
        if not port_is_free(port):
            pytest.skip(f"port {port} is taken; another run of these tests may be going on")
        self.port = port
        self.bin = pg_bin()
        self.root = Path(tempfile.mkdtemp(prefix=f"lindung_h13b_pg{port}_"))
        self.data = self.root / "data"
        self.as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_postgres:
            shutil.chown(self.root, "postgres", "postgres")

    def run(self, *args: str, timeout: float = STARTUP_SECONDS) -> str:
        done = subprocess.run(  # noqa: S603 - fixed programs, arguments made here
            [*self.as_postgres, *args], capture_output=True, text=True, timeout=timeout, check=False, cwd=self.root
        )
        if done.returncode != 0:
            raise RuntimeError(f"{args[0]} failed: {done.stdout}{done.stderr}")
        return done.stdout

    def init(self, *conf: str, hba: tuple[str, ...] = ()) -> "Cluster":
        self.run(str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8")
        lines = [f"port = {self.port}", "listen_addresses = '127.0.0.1'", f"unix_socket_directories = '{self.root}'"]
        lines += ["fsync = off", "shared_buffers = 32MB", *conf]
        with (self.data / "postgresql.conf").open("a") as out:
            out.write("\n".join(lines) + "\n")
        if hba:
            with (self.data / "pg_hba.conf").open("a") as out:
                out.write("\n".join(hba) + "\n")
        return self

    def init_standby(self, primary: "Cluster") -> "Cluster":
        """A streaming replica of ``primary`` (pg_basebackup -R writes standby.signal)."""
        address = ["-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres"]
        self.run(str(self.bin / "pg_basebackup"), *address, "-D", str(self.data), "-R", "-X", "stream", "-c", "fast")
        lines = [f"port = {self.port}", f"unix_socket_directories = '{self.root}'", "hot_standby = on"]
        with (self.data / "postgresql.conf").open("a") as out:  # later lines win over the primary's
            out.write("\n".join(lines) + "\n")
        return self

    def start(self) -> None:
        log = self.root / "server.log"
        self.run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(log), "-w", "-t", "60", "start")

    def stop(self, mode: str = "fast") -> None:
        self.run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop")

    def sql(self, statement: str, database: str = "postgres") -> str:
        return self.run(
            "psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-AtqX", "-c", statement, database
        )

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def destroy(self) -> None:
        with contextlib.suppress(Exception):
            self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)


class Redis:
    """A redis-server of the test's own (never the machine's), started and stopped at will."""

    def __init__(self, folder: Path, port: int) -> None:
        self.port = port
        if not shutil.which("redis-server"):
            pytest.skip("redis-server is not installed")
        if not port_is_free(self.port):
            pytest.skip(f"port {self.port} is taken; another run of these tests may be going on")
        self.folder = folder
        self.runs = 0

    def serving(self):
        self.runs += 1
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        return process(command, env=project_env(), log=self.folder / f"redis-{self.runs}.log")


def project_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "DJANGO_"))}
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings.test", "PYTHONUNBUFFERED": "1", **extra})
    return env


def manage(*args: str, env: dict[str, str], timeout: float = 300) -> str:
    done = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed: {done.stdout}{done.stderr}")
    return done.stdout


@contextlib.contextmanager
def process(command: list[str], *, env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """A child process in its own process group, killed with everything it started."""
    with log.open("wb") as out:
        child = subprocess.Popen(  # noqa: S603
            command, cwd=settings.BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            yield child
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(child.pid, signal.SIGKILL)
            child.wait(timeout=30)
