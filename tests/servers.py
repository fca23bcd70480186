"""Real servers for the tests and benchmarks: gunicorn (and nginx in front), a plain HTTP browser,
and the parents' survey by its quickest route.

Shared by `tests/web/test_two_hosts.py` and the benchmarks in `bench/` (which put the project
folder on `sys.path`), so that every one starts, waits for and stops a server the same way.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
#: Connection failures seen while a server is starting or down.
DOWN = (OSError, http.client.HTTPException)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing is listening on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(port: int, path: str, timeout: float = 120) -> int:
    """The status of GET `path` on 127.0.0.1:`port` (the body is read and dropped)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def wait_until_answers(
    port: int, process: subprocess.Popen, path: str = "/", seconds: float = 120, log: Path | None = None
) -> float:
    """Seconds until GET `path` answers 200; raises (with the end of `log`) if the process stops
    or time runs out."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if process.poll() is not None:
            error = log.read_text(errors="replace")[-3000:] if log and log.exists() else ""
            raise RuntimeError(f"the server stopped while starting: {error}")
        with contextlib.suppress(*DOWN):
            if fetch(port, path, timeout=10) == 200:
                return time.monotonic() - started
        time.sleep(0.1)
    raise RuntimeError(f"the server did not answer {path} within {seconds:g} s")


def stop(process: subprocess.Popen, seconds: float = 30) -> None:
    """SIGTERM, then SIGKILL if it has not stopped within `seconds`."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@dataclass
class Server:
    process: subprocess.Popen
    port: int


def gunicorn_command(
    port: int,
    workers: int = 1,
    threads: int = 1,
    app_spec: str = "wsgi:app",
    chdir: Path = ROOT,
    options: tuple[str, ...] = (),
) -> list[str]:
    """gunicorn as in production: threaded workers when `threads` > 1; `options` are added as they are."""
    command = [str(VENV_BIN / "gunicorn"), "--workers", str(workers), "--bind", f"127.0.0.1:{port}"]
    if threads > 1:
        command += ["--worker-class", "gthread", "--threads", str(threads)]
    return [*command, "--timeout", "120", "--chdir", str(chdir), *options, app_spec]


@contextlib.contextmanager
def gunicorn(
    env: Mapping[str, str],
    *,
    workers: int = 1,
    threads: int = 1,
    app_spec: str = "wsgi:app",
    chdir: Path = ROOT,
    ready_path: str = "/",
    seconds: float = 300,
) -> Iterator[Server]:
    """The portal under gunicorn on a free port, once `ready_path` answers; stopped afterwards."""
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="gunicorn-") as folder:
        log = Path(folder) / "stderr.log"
        with log.open("wb") as errors:
            process = subprocess.Popen(
                gunicorn_command(port, workers, threads, app_spec, chdir),
                cwd=ROOT,
                env={**os.environ, **env},
                stdout=subprocess.DEVNULL,
                stderr=errors,
            )
            try:
                wait_until_answers(port, process, ready_path, seconds, log)
                yield Server(process, port)
            finally:
                stop(process)


def child_pids(parent: int) -> list[int]:
    """The processes whose parent is `parent` (a gunicorn master's workers)."""
    children = []
    for status in Path("/proc").glob("[0-9]*/status"):
        with contextlib.suppress(OSError, ValueError, KeyError):
            fields = dict(line.split(":", 1) for line in status.read_text().splitlines() if ":" in line)
            if int(fields["PPid"]) == parent:
                children.append(int(status.parent.name))
    return sorted(children)


def resident_mb(pid: int) -> float:
    """A process's resident memory in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


# nginx ---------------------------------------------------------------------------------------

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
#: The portal's proxy settings, included by the production site and by the tests' nginx.
PROXY_SNIPPET = ROOT / "deploy" / "nginx" / "portal-proxy.conf"


@contextlib.contextmanager
def nginx(workdir: Path, servers: Mapping[str, list[int]]) -> Iterator[dict[str, int]]:
    """Debian's nginx on loopback ports, one per entry of `servers` (name -> upstream ports).

    Each front port proxies to its upstream ports (round robin) with `deploy/nginx/portal-proxy.conf`,
    the settings production uses, and names the upstream that answered in `X-Upstream`.
    Yields name -> front port.
    """
    if NGINX is None:
        raise RuntimeError("nginx is not installed")
    for folder in ("logs", "temp"):
        (workdir / folder).mkdir(parents=True, exist_ok=True)
    fronts = {name: free_port() for name in servers}
    blocks = []
    for name, ports in servers.items():
        upstream = "".join(f"    server 127.0.0.1:{port};\n" for port in ports)
        blocks.append(
            f"  upstream {name} {{\n{upstream}  }}\n"
            f"  server {{\n    listen 127.0.0.1:{fronts[name]};\n    server_name 127.0.0.1;\n"
            f"    location / {{\n      proxy_pass http://{name};\n      include {PROXY_SNIPPET};\n"
            "      add_header X-Upstream $upstream_addr always;\n    }\n  }\n"
        )
    temp = workdir / "temp"
    config = workdir / "nginx.conf"
    main = [
        "user root;" if os.geteuid() == 0 else "",  # workers that can use the test's own folders
        "daemon off;",
        "worker_processes 1;",
        f"pid {workdir / 'nginx.pid'};",
        f"error_log {workdir / 'logs/error.log'} warn;",
        "events { worker_connections 256; }",
        "http {",
        "  access_log off;",
        *(f"  {kind}_temp_path {temp / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")),
    ]
    config.write_text("\n".join(main) + "\n" + "".join(blocks) + "}\n")
    command = [NGINX, "-p", str(workdir), "-e", str(workdir / "logs/error.log"), "-c", str(config)]
    log = workdir / "logs" / "error.log"
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for port in fronts.values():
            wait_until_answers(port, process, "/", seconds=60, log=log)
        yield fronts
    finally:
        stop(process)


# A browser ----------------------------------------------------------------------------------


class Browser:
    """One person's browser: a cookie jar and plain HTTP/1.1 requests."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.cookies: dict[str, str] = {}
        self.csrf = ""
        self.headers: dict[str, str] = {}

    #: One connection per client thread, kept alive between requests where the server allows it.
    _local = threading.local()

    def _connection(self) -> http.client.HTTPConnection:
        connection = getattr(self._local, "connection", None)
        if connection is None or (connection.host, connection.port) != (self.host, self.port):
            self.close_connection()
            connection = self._local.connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
        return connection

    @classmethod
    def close_connection(cls) -> None:
        """Close this thread's kept-alive connection, if it has one."""
        connection = getattr(cls._local, "connection", None)
        if connection is not None:
            connection.close()
            cls._local.connection = None

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, str, str]:
        """(status, Location, body text); cookies are kept, `self.headers` has the response's headers."""
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = self._connection()
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
        except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
            connection.close()  # the server closed a kept-alive connection: one retry on a new one
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        if response.will_close:
            connection.close()
        self.headers = {name.lower(): value for name, value in response.getheaders()}
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key] = rest.split(";", 1)[0]
        return response.status, response.getheader("Location") or "", text

    def post(self, path: str, form: str) -> tuple[int, str, str]:
        body = f"csrf_token={self.csrf}" + (f"&{form}" if form else "")
        return self.request("POST", path, body)


# The parents' survey ------------------------------------------------------------------------

SURVEY = "ehcp-finalisation"
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
REFERENCE_RE = re.compile(r'class="council-reference">([A-Z0-9]+)<')
#: The parents' survey by its quickest route (the plan not seen yet, so "About the plan" is
#: skipped), page by page: (page id, form body).
QUICK_ROUTE = [
    ("listened", "listened=yes"),
    ("involved", "involved=yes"),
    ("advice", "education_reflected=yes&health_reflected=partly&care_reflected=not-involved"),
    ("seen_plan", "seen_plan=no"),
    ("timing", "within_20_weeks=dont-know"),
    ("satisfied", "satisfied=4"),
    ("went_well", "went_well=The+caseworker+kept+us+up+to+date."),
    ("improvement", "do_better="),
]
