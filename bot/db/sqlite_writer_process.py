"""The transcript writer process for SQLite: stores batches of transcript rows in one file.

Started by `bot/db/bulk_insert.py` with this file's path (standard library only, so it starts
in milliseconds and needs nothing installed). Arguments: the database file, the INSERT statement
(one parameter: the batch as a JSON array), the statement that fails where SQLite lacks JSON
functions, and the busy timeout in milliseconds.

Protocol, over the pipes: first this process writes `ready json` or `ready nojson VERSION`.
Then, for each batch it reads (four bytes of big-endian length, then the UTF-8 JSON text), it
runs the statement, in autocommit (the statement is its own transaction), and answers with one
line: `ok` once committed, or `integrity …`, `operational …` or `error TYPE: …`. It exits when
its input closes, so it never outlives Parley, and it ignores Ctrl+C and SIGTERM: at shutdown
Parley still sends what it has buffered, then closes the pipe.
"""

from __future__ import annotations

import signal
import sqlite3
import sys
from typing import BinaryIO


def _read_exactly(stream: BinaryIO, size: int) -> bytes | None:
    data = stream.read(size)
    return data if data is not None and len(data) == size else None


def serve(path: str, sql: str, probe: str, busy_timeout_ms: int) -> int:
    connection = sqlite3.connect(path, timeout=busy_timeout_ms / 1000, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    connection.execute("PRAGMA foreign_keys=ON")
    inbox, outbox = sys.stdin.buffer, sys.stdout.buffer
    try:
        connection.execute(probe)
    except sqlite3.OperationalError:
        outbox.write(f"ready nojson {sqlite3.sqlite_version}\n".encode())
        outbox.flush()
        return 0
    outbox.write(b"ready json\n")
    outbox.flush()
    while True:
        header = _read_exactly(inbox, 4)
        if header is None:
            connection.close()
            return 0  # Parley closed the pipe: everything it sent is committed
        body = _read_exactly(inbox, int.from_bytes(header, "big"))
        if body is None:
            connection.close()
            return 1
        try:
            connection.execute(sql, (body.decode("utf-8"),))
            reply = "ok"
        except sqlite3.IntegrityError as exc:
            reply = f"integrity {exc}"
        except sqlite3.OperationalError as exc:
            reply = f"operational {exc}"
        except Exception as exc:  # reported to Parley, which logs it
            reply = f"error {type(exc).__name__}: {exc}"
        outbox.write((reply.replace("\n", " ") + "\n").encode())
        outbox.flush()


def main(argv: list[str]) -> int:
    for name in ("SIGINT", "SIGTERM"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_IGN)
    path, sql, probe, busy_timeout_ms = argv[1:5]
    return serve(path, sql, probe, int(busy_timeout_ms))


if __name__ == "__main__":
    sys.exit(main(sys.argv))
