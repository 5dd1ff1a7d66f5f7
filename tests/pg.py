"""A real PostgreSQL server for the review-store tests: PLANLINK_TEST_PG, else a throwaway cluster on loopback.

The throwaway cluster lives in a temporary folder and listens on 127.0.0.1 at a free port; as root, initdb and
pg_ctl run as the `postgres` user (initdb refuses root). Tests are skipped only when no PostgreSQL server binaries
are installed, and fail instead when CI=true."""
from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid

import pytest


def _bin(name: str) -> str | None:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
    return found[0] if found else shutil.which(name)


def _unavailable(reason: str):
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"PostgreSQL is required in CI: {reason}")
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_user(cmd: list[str], user: str | None) -> list[str]:
    return ["runuser", "-u", user, "--", *cmd] if user else cmd


@pytest.fixture(scope="session")
def pg_server():
    """The admin URL of a PostgreSQL server the tests may create databases on."""
    url = os.environ.get("PLANLINK_TEST_PG")
    if url:
        yield url
        return
    initdb, pg_ctl = _bin("initdb"), _bin("pg_ctl")
    if not initdb or not pg_ctl:
        _unavailable("PostgreSQL server binaries (initdb, pg_ctl) are not installed; tools/system_deps.sh installs them")
    user = None
    if os.geteuid() == 0:
        user = "postgres"
        try:
            import pwd

            pwd.getpwnam(user)
        except KeyError:
            _unavailable("running as root and there is no postgres user to run initdb as")
    tmp = tempfile.mkdtemp(prefix="planlink-pg-")
    data = os.path.join(tmp, "data")
    if user:
        shutil.chown(tmp, user)
        os.chmod(tmp, 0o700)
    port = _free_port()
    log = os.path.join(tmp, "server.log")
    try:
        subprocess.run(_as_user([initdb, "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-locale"],
                                user), check=True, capture_output=True)
        opts = f"-c listen_addresses=127.0.0.1 -p {port} -k {tmp} -c fsync=off -c full_page_writes=off"
        subprocess.run(_as_user([pg_ctl, "-D", data, "-l", log, "-o", opts, "-w", "-t", "60", "start"], user),
                       check=True, capture_output=True)
    except subprocess.CalledProcessError as exc:
        detail = (exc.stderr or b"").decode(errors="replace").strip().splitlines()
        pytest.fail(f"could not start a throwaway PostgreSQL cluster: {detail[-1] if detail else exc}")
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(_as_user([pg_ctl, "-D", data, "-m", "immediate", "-w", "stop"], user), capture_output=True,
                       check=False)
        shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture()
def pg_url(pg_server):
    """A fresh, empty database on the server for one test; dropped afterwards."""
    import psycopg

    name = f"planlink_test_{uuid.uuid4().hex[:12]}"
    admin = pg_server.replace("postgresql+psycopg://", "postgresql://")
    deadline = time.time() + 30
    while True:
        try:
            conn = psycopg.connect(admin, autocommit=True)
            break
        except psycopg.OperationalError:
            if time.time() > deadline:
                raise
            time.sleep(0.5)
    with conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = admin.rsplit("/", 1)[0]
    yield f"{base}/{name}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
