"""A WSGI application served for real: waitress on a free loopback port."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from typing import Any

from waitress import create_server

# Enough for a client and the browser's parallel asset requests.
THREADS = 4


@contextlib.contextmanager
def serve(app: Any, name: str = "crm-server") -> Iterator[str]:
    """Serve ``app`` from a thread for the ``with`` block; yields its base URL.

    Port 0 lets the system pick a free port, so runs never collide. The
    server's loop ends once its listening socket and every connection are
    closed: clients close theirs before the block ends, or the join below
    gives up after a few seconds.
    """
    server = create_server(app, host="127.0.0.1", port=0, threads=THREADS)
    thread = threading.Thread(target=server.run, name=name, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        server.close()
        thread.join(timeout=5)
        server.task_dispatcher.shutdown()
