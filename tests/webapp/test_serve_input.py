"""`mfa-conformance serve` with a bad argument: one line naming it, exit 2 (a
wrong option value) or 4 (an input file that cannot be used), nothing started:
no port opened, no database file created."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ..browser.served import REPO, clean_environment


def _serve(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "mfa_conformance.cli", "serve", *args], cwd=REPO,
                          capture_output=True, text=True, timeout=60, env={**clean_environment(), **(env or {})})


def _refused(done: subprocess.CompletedProcess[str], code: int, *named: str) -> str:
    lines = done.stderr.splitlines()
    assert done.returncode == code, done.stdout + done.stderr
    assert len(lines) == 1 and lines[0].startswith("mfa-conformance serve: "), done.stderr
    assert "Traceback" not in done.stdout + done.stderr and done.stdout == ""
    for text in named:
        assert text in lines[0], lines[0]
    return lines[0]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "state.sqlite3"


@pytest.mark.parametrize("args, named", [
    (["--port", "-1"], ["--port", "-1", "0 to 65535"]),
    (["--port", "70000"], ["--port", "70000", "0 to 65535"]),
    (["--port", "65536"], ["--port", "65536", "0 to 65535"]),
    (["--threads", "0"], ["--threads", "0", "1 to 256"]),
    (["--threads", "100000"], ["--threads", "100000"]),
    (["--host", "no.such.host.invalid"], ["--host no.such.host.invalid", "resolve"]),
    (["--host", "0.0.0.0", "--test-hooks"], ["--test-hooks", "0.0.0.0", "not a loopback address"]),
    (["--host", "::", "--test-hooks"], ["--test-hooks", "--host ::", "not a loopback address"]),
])
def test_a_bad_option_value_is_one_line_and_exit_2(db, args, named):
    _refused(_serve("--db", str(db), "--port", "0", *args), 2, *named)
    assert not db.exists()


def test_a_db_in_a_folder_that_does_not_exist(tmp_path):
    db = tmp_path / "missing" / "state.sqlite3"
    _refused(_serve("--port", "0", "--db", str(db)), 2, f"--db {db}", "does not exist")
    assert not db.parent.exists()


def test_a_db_whose_folder_is_a_file(tmp_path):
    (tmp_path / "plain").write_text("")
    _refused(_serve("--port", "0", "--db", str(tmp_path / "plain" / "state.sqlite3")), 2, "is not a folder")


def test_a_db_in_a_folder_that_is_not_writable(tmp_path):
    if os.geteuid() == 0:
        folder = Path("/sys")  # root writes anywhere a mode allows; sysfs refuses new files even to root
    else:
        folder = tmp_path / "read-only"
        folder.mkdir()
        folder.chmod(0o555)
    db = folder / "state.sqlite3"
    _refused(_serve("--port", "0", "--db", str(db)), 2, f"--db {db}", "not writable")
    assert not db.exists()


def test_a_db_that_is_not_a_database_is_a_bad_input_file(tmp_path):
    db = tmp_path / "notes.sqlite3"
    db.write_text("not a database, " * 100)
    db.chmod(0o644)
    _refused(_serve("--port", "0", "--db", str(db)), 4, f"--db {db}")
    assert db.read_text() == "not a database, " * 100 and db.stat().st_mode & 0o777 == 0o644  # left as it was
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.sqlite3"]


def _foreign(path: Path, version: int) -> Path:
    import sqlite3

    with sqlite3.connect(path) as other:
        other.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY, item TEXT)")
        other.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
        other.execute("INSERT INTO orders (item) VALUES ('stethoscope')")
        other.execute(f"PRAGMA user_version={version}")
    other.close()
    path.chmod(0o644)
    return path


@pytest.mark.parametrize("version", [0, 1, 2])
def test_another_applications_database_is_refused_and_left_untouched(tmp_path, version):
    db = _foreign(tmp_path / "orders.sqlite3", version)
    before = (db.read_bytes(), db.stat().st_mtime_ns, db.stat().st_mode)
    line = _refused(_serve("--port", "0", "--db", str(db)), 4, f"--db {db}", "another application's", "'customers'")
    assert "'orders'" in line
    assert (db.read_bytes(), db.stat().st_mtime_ns, db.stat().st_mode) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["orders.sqlite3"]  # no -wal, no -shm


def test_a_database_of_a_later_schema_is_refused(tmp_path):
    import sqlite3

    db = tmp_path / "state.sqlite3"
    with sqlite3.connect(db) as later:
        later.execute("CREATE TABLE users (username TEXT PRIMARY KEY, data TEXT NOT NULL)")
        later.execute("PRAGMA user_version=9")
    later.close()
    _refused(_serve("--port", "0", "--db", str(db)), 4, f"--db {db}", "schema version 9")


def test_a_database_the_server_made_is_used_again(tmp_path):
    from ..browser.served import ServedApp

    db = tmp_path / "state.sqlite3"
    with ServedApp(db):
        pass
    with ServedApp(db) as again:  # version 2, its own tables only
        assert again.url
    empty = tmp_path / "empty.sqlite3"
    empty.write_bytes(b"")  # an empty file is a new database
    with ServedApp(empty) as fresh:
        assert fresh.url


def test_a_labels_file_that_is_not_utf8(db, tmp_path):
    labels = tmp_path / "labels.toml"
    labels.write_bytes(b'[labels]\nsave = "Speichern \xfc"\n')
    _refused(_serve("--port", "0", "--db", str(db), "--labels", str(labels)), 4, f"--labels {labels}", "not UTF-8")
    assert not db.exists()


def test_a_labels_file_that_is_missing(db, tmp_path):
    _refused(_serve("--port", "0", "--db", str(db), "--labels", str(tmp_path / "none.toml")), 4, "none.toml")


@pytest.mark.parametrize("content, named", [
    (b'[[practice]]\nname = "R"\n[[practice.user]]\nusername = "dana"\n', 'practice \'R\', user 1 (\'dana\')'),
    (b"\xff\xfe[[practice]]", "not UTF-8"),
    (b"[[practice]\nname = 'R'", "not valid TOML"),
])
def test_an_accounts_file_that_cannot_be_used_is_exit_4(db, tmp_path, content, named):
    accounts = tmp_path / "accounts.toml"
    accounts.write_bytes(content)
    _refused(_serve("--port", "0", "--db", str(db), "--accounts", str(accounts)), 4, f"--accounts {accounts}", named)
    assert not db.exists()


def test_a_port_in_use_is_one_line(db):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        _refused(_serve("--db", str(db), "--port", str(port)), 2, f"127.0.0.1:{port}")
    assert not db.exists()
