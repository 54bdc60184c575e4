"""A real, throw-away PostgreSQL server for tests, and pytest fixtures around it.

The server runs from the machine's PostgreSQL binaries (``pg_config --bindir``, else
``/usr/lib/postgresql/*/bin``) in a temporary folder, on a free port of 127.0.0.1 only,
with trust authentication and ``fsync=off``. Running as root, it runs as the ``postgres``
user (initdb refuses root). Tests that use it skip only when no server binary exists.

Use it from a test module with ``from pg import pg_server, pg_url  # noqa: F401``.
"""

from __future__ import annotations

import atexit
import contextlib
import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

SERVER_USER = "postgres"
_counter = itertools.count()


def find_bindir() -> Path | None:
    """The folder holding ``initdb`` and ``pg_ctl``, or None when PostgreSQL is not installed."""
    candidates: list[Path] = []
    pg_config = shutil.which("pg_config")
    if pg_config:
        try:
            out = subprocess.run(
                [pg_config, "--bindir"], capture_output=True, text=True, check=True, timeout=10
            )
            candidates.append(Path(out.stdout.strip()))
        except (OSError, subprocess.SubprocessError):
            pass
    candidates += [Path(p) for p in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)]
    candidates += [Path(p).parent for p in filter(None, [shutil.which("initdb")])]
    for folder in candidates:
        if (folder / "initdb").exists() and (folder / "pg_ctl").exists():
            return folder
    return None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PostgresServer:
    """One ``initdb``-created cluster, started with ``pg_ctl``; ``url`` points at its ``postgres`` database."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.folder = Path(tempfile.mkdtemp(prefix="storyline-pg-"))
        self.data = self.folder / "data"
        self.port = free_port()
        self.running = False
        self.as_user = SERVER_USER if os.geteuid() == 0 else None

    @property
    def url(self) -> str:
        return f"postgresql://{SERVER_USER}@127.0.0.1:{self.port}/postgres"

    def database_url(self, name: str) -> str:
        return f"postgresql://{SERVER_USER}@127.0.0.1:{self.port}/{name}"

    def start(self) -> None:
        if self.as_user:
            user = pwd.getpwnam(self.as_user)
            os.chown(self.folder, user.pw_uid, user.pw_gid)
        self._run(
            [
                str(self.bindir / "initdb"),
                "-D",
                str(self.data),
                "-U",
                SERVER_USER,
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
                "--no-sync",
            ]
        )
        options = (
            f"-c listen_addresses=127.0.0.1 -c port={self.port} -c unix_socket_directories={self.folder} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=100"
        )
        self._run(
            [
                str(self.bindir / "pg_ctl"),
                "-D",
                str(self.data),
                "-o",
                options,
                "-l",
                str(self.folder / "server.log"),
                "-w",
                "-t",
                "60",
                "start",
            ]
        )
        self.running = True

    def stop(self) -> None:
        if self.running:
            self.running = False
            with contextlib.suppress(subprocess.CalledProcessError):
                self._run(
                    [str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop"]
                )
        shutil.rmtree(self.folder, ignore_errors=True)

    def create_database(self, name: str) -> str:
        """Create an empty database and return its URL."""
        import psycopg

        with psycopg.connect(
            f"host=127.0.0.1 port={self.port} user={SERVER_USER} dbname=postgres", autocommit=True
        ) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.database_url(name)

    def log(self) -> str:
        path = self.folder / "server.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def _run(self, command: list[str]) -> None:
        if self.as_user:
            command = ["runuser", "-u", self.as_user, "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=self.folder)
        if result.returncode != 0:
            raise subprocess.CalledProcessError(result.returncode, command, result.stdout, result.stderr)


_server: PostgresServer | None = None
_users = 0


def _shared_server() -> PostgresServer:
    """The one server of this test session (fixtures imported into several modules share it)."""
    global _server
    if _server is None:
        bindir = find_bindir()
        if bindir is None:
            pytest.skip(
                "no PostgreSQL server binaries (initdb, pg_ctl) on this machine; "
                "install them with: apt-get install -y postgresql-15"
            )
        server = PostgresServer(bindir)
        try:
            server.start()
        except subprocess.CalledProcessError as error:
            server.stop()
            pytest.fail(f"PostgreSQL server did not start: {error.stderr or error.stdout}")
        atexit.register(server.stop)
        _server = server
    return _server


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PostgresServer]:
    """A running PostgreSQL server for the whole session; stopped at the end."""
    global _users, _server
    server = _shared_server()
    _users += 1
    yield server
    _users -= 1
    if _users == 0:
        server.stop()
        _server = None


@pytest.fixture
def pg_url(pg_server: PostgresServer) -> str:
    """The URL of a fresh, empty database on the session's server."""
    return pg_server.create_database(f"test_{os.getpid()}_{next(_counter)}")
