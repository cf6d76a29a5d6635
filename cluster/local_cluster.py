"""A real Airflow CeleryExecutor cluster on this machine, configured by docker-compose.yml.

PostgreSQL (Airflow's metadata database and Celery's result backend) and Redis (Celery's
broker) come from the machine's Debian packages (``make cluster-deps`` installs them);
Airflow's API server, scheduler, DAG processor, triggerer and the Celery workers come from
the project's environment (the ``cluster`` extra). Every part is a process of this machine
listening on 127.0.0.1 on a free port, with all its data under one temporary folder.

The Airflow settings are not written here: each part gets the environment and the command
its service has in ``docker-compose.yml`` (:func:`service_environment`), with the compose
hosts (``postgres``, ``redis``, ``airflow-apiserver``) replaced by their local addresses and
the containers' paths (the image's ``/opt/opspulse``, the ``opspulse-data`` volume) by this
machine's, so the two cannot drift. Only what a container gets from its own network stays
local: the API server binds 127.0.0.1 on a free port, and each worker has its own name.

    make cluster        start it on a demo company and keep it running (Ctrl-C stops it)
    make test-cluster   the tests that run the nightly DAG on it (tests/cluster/)

Everything started is stopped, by process group, on any exit: an exception, Ctrl-C, SIGTERM.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

from opspulse.quickstart import free_port
from opspulse.runner import DAG_ID

REPO_ROOT = Path(__file__).resolve().parents[1]
COMPOSE_FILE = REPO_ROOT / "docker-compose.yml"
IMAGE_ROOT = "/opt/opspulse"
"""The Dockerfile's WORKDIR: where the image holds this repository."""
WORKERS = 2
FINISHED = {"success", "failed"}


class ClusterError(RuntimeError):
    """A part of the cluster is missing or did not start; the message says what to do."""


# -- docker-compose.yml, read once ------------------------------------------------------


def compose(path: Path = COMPOSE_FILE) -> dict:
    return yaml.safe_load(path.read_text())


_VARIABLE = re.compile(r"\$\{(?P<name>\w+)(?:(?P<op>:\?|:-|\?|-)(?P<arg>[^}]*))?\}")


def interpolate(text: str, values: Mapping[str, str]) -> str:
    """Compose's ``${NAME}``, ``${NAME:-default}`` and ``${NAME:?message}``, from ``values``;
    a required variable that is not there raises :class:`ClusterError` naming it."""

    def one(match: re.Match) -> str:
        name, op, arg = match["name"], match["op"], match["arg"] or ""
        value = values.get(name)
        if op == ":-" and not value or op == "-" and value is None:
            return arg
        if value is None or op == ":?" and not value:
            raise ClusterError(f"docker-compose.yml needs {name} ({arg or 'no default'})")
        return value

    return _VARIABLE.sub(one, text)


def _localise(value: str, addresses: Mapping[str, str], paths: Mapping[str, Path]) -> str:
    """A URL naming a compose service points at its local address; a container path at its
    local folder."""
    parts = urllib.parse.urlsplit(value)
    if parts.scheme and parts.hostname in addresses:
        userinfo = parts.netloc.rpartition("@")[0]
        netloc = (
            f"{userinfo}@{addresses[parts.hostname]}" if userinfo else addresses[parts.hostname]
        )
        return urllib.parse.urlunsplit(parts._replace(netloc=netloc))
    for inside, outside in paths.items():
        if value == inside or value.startswith(inside + "/"):
            return str(outside) + value[len(inside) :]
    return value


def service_environment(
    service: str,
    values: Mapping[str, str],
    addresses: Mapping[str, str],
    volumes: Mapping[str, Path],
    spec: dict | None = None,
) -> dict[str, str]:
    """The environment ``docker-compose.yml`` gives ``service``, for a process of this
    machine: variables from ``values``, compose hosts from ``addresses`` (service name to
    ``host:port``), each mounted volume from ``volumes`` (volume name to folder) and the
    image's own files from this repository."""
    spec = spec or compose()
    body = spec["services"][service]
    paths: dict[str, Path] = {IMAGE_ROOT: REPO_ROOT}
    for mount in body.get("volumes", []):
        name, _, inside = str(mount).partition(":")
        if name not in volumes:
            raise ClusterError(f"{service} mounts the volume {name!r}: give it a folder")
        paths[inside.split(":")[0]] = volumes[name]
    return {
        key: _localise(interpolate(str(raw), values), addresses, paths)
        for key, raw in (body.get("environment") or {}).items()
    }


def service_command(service: str, spec: dict | None = None) -> list[str]:
    spec = spec or compose()
    command = spec["services"][service]["command"]
    return command.split() if isinstance(command, str) else list(command)


def airflow_services(spec: dict | None = None) -> list[str]:
    """The long-running Airflow services of the compose file, the API server first (the
    others call it)."""
    spec = spec or compose()
    names = [
        name
        for name, body in spec["services"].items()
        if name.startswith("airflow-") and body.get("restart") != "no"
    ]
    return sorted(names, key=lambda name: name != "airflow-apiserver")


def replicas(service: str, spec: dict | None = None) -> int:
    spec = spec or compose()
    return int(spec["services"][service].get("deploy", {}).get("replicas", 1))


# -- the machine's parts ------------------------------------------------------------------


def postgres_bindir() -> Path:
    """Where ``initdb`` and ``postgres`` are: ``OPSPULSE_PG_BINDIR``, ``PATH``, or Debian's
    ``/usr/lib/postgresql/<version>/bin`` (newest)."""
    if os.environ.get("OPSPULSE_PG_BINDIR"):
        return Path(os.environ["OPSPULSE_PG_BINDIR"])
    on_path = shutil.which("initdb")
    if on_path:
        return Path(on_path).parent
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0,
    )
    if not found:
        raise ClusterError("PostgreSQL is not installed: run `make cluster-deps`")
    return found[-1].parent


def redis_server() -> str:
    found = shutil.which("redis-server")
    if not found:
        raise ClusterError("Redis is not installed: run `make cluster-deps`")
    return found


def missing_parts() -> list[str]:
    """What this machine lacks to start a cluster (empty: nothing)."""
    missing = []
    for check in (postgres_bindir, redis_server):
        try:
            check()
        except ClusterError as exc:
            missing.append(str(exc))
    return missing


def _wait(what: str, ready: Callable[[], bool], timeout: float, proc=None, log=None) -> None:
    give_up = time.monotonic() + timeout
    while time.monotonic() < give_up:
        if proc is not None and proc.poll() is not None:
            raise ClusterError(f"{what} exited with code {proc.returncode}{_tail(log)}")
        with contextlib.suppress(Exception):
            if ready():
                return
        time.sleep(0.5)
    raise ClusterError(f"{what} was not ready after {timeout:.0f} s{_tail(log)}")


def _tail(log: Path | None, chars: int = 3000) -> str:
    if log is None or not log.exists():
        return ""
    return f"; its log ({log}) ends:\n{log.read_text(errors='replace')[-chars:]}"


def wait_for_api(url: str, process: Process, timeout: float = 240) -> None:
    """Until the API server at ``url`` answers its health check (or its process exits)."""

    def healthy() -> bool:
        with urllib.request.urlopen(f"{url}/api/v2/monitor/health", timeout=10) as response:
            return response.status == 200

    _wait(f"the API server at {url}", healthy, timeout, process.proc, process.log)


@dataclass
class Process:
    """A started server in its own process group, its output in ``log``."""

    name: str
    proc: subprocess.Popen
    log: Path
    stop_signal: int = signal.SIGTERM

    @classmethod
    def start(cls, name: str, argv: list[str], env: Mapping[str, str], log: Path, **popen):
        log.parent.mkdir(parents=True, exist_ok=True)
        with log.open("w") as out:
            proc = subprocess.Popen(
                argv,
                env=dict(env),
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,  # its own process group: stopped whole
                **popen,
            )
        return cls(name, proc, log)

    def signal(self) -> None:
        """Ask the group to stop (SIGTERM; SIGINT, fast shutdown, for PostgreSQL)."""
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, self.stop_signal)

    def wait(self, timeout: float = 30) -> None:
        """Wait for it to stop, SIGKILL after ``timeout``; then kill what is left of its
        group (a task's supervisor, an API worker)."""
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.proc.pid, signal.SIGKILL)

    def stop(self, timeout: float = 30) -> None:
        self.signal()
        self.wait(timeout)


# -- the cluster ---------------------------------------------------------------------------


@dataclass
class LocalCluster:
    """``with LocalCluster(home) as cluster:`` starts PostgreSQL and Redis, sets the home up
    with ``opspulse init`` (what a company runs) and starts every Airflow service of the
    compose file; leaving the block stops all of it. ``scheduled=False`` keeps the
    scheduler from creating the runs of the DAG's schedule (tests trigger the days they
    want)."""

    home: Path
    smtp_port: int
    init_options: list[str] = field(default_factory=list)
    """Options of ``opspulse init`` (the company's name, timezone, ...)."""
    scheduled: bool = True
    progress: Callable[[str], None] = lambda message: None
    root: Path = field(init=False)
    env: dict[str, str] = field(init=False, default_factory=dict)
    api_url: str = field(init=False, default="")
    processes: list[Process] = field(init=False, default_factory=list)
    timings: dict[str, float] = field(init=False, default_factory=dict)

    def __enter__(self) -> LocalCluster:
        self.root = Path(tempfile.mkdtemp(prefix="opspulse-cluster-"))
        self.logs = self.root / "logs"
        self.logs.mkdir()
        previous = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGHUP)}
        self._previous_handlers = previous

        def stop(signum, frame):
            raise SystemExit(128 + signum)

        if _main_thread():
            for s in previous:
                signal.signal(s, stop)
        try:
            self._start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    # the parts, in order

    def _start(self) -> None:
        spec = compose()
        t0 = time.monotonic()
        pg_port, redis_port, api_port = free_port(), free_port(), free_port()
        password = secrets.token_hex(16)
        self._start_postgres(pg_port, password)
        self._start_redis(redis_port)
        self.timings["postgres and redis"] = time.monotonic() - t0
        from opspulse.airflow_env import smtp_connection_uri

        values = {
            "POSTGRES_PASSWORD": password,
            "AIRFLOW_JWT_SECRET": secrets.token_urlsafe(32),
            "AIRFLOW_FERNET_KEY": _fernet_key(),
            "AIRFLOW_CONN_OPSPULSE_SMTP": smtp_connection_uri(port=self.smtp_port),
        }
        addresses = {
            "postgres": f"127.0.0.1:{pg_port}",
            "redis": f"127.0.0.1:{redis_port}",
            "airflow-apiserver": f"127.0.0.1:{api_port}",
        }
        volumes = {"opspulse-data": self.home}
        base = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW", "OPSPULSE_"))}
        local = self._local(api_port)
        self.service_env = {
            name: base | service_environment(name, values, addresses, volumes, spec) | local
            for name in [*airflow_services(spec), "airflow-init"]
        }
        self.env = self.service_env["airflow-init"]
        self.api_url = f"http://127.0.0.1:{api_port}"

        t0 = time.monotonic()
        self.progress("setting up the home with `opspulse init` (Airflow's database on PostgreSQL)")
        command = service_command("airflow-init", spec)
        init = [sys.executable, "-m", "opspulse.cli", *command[1:], *self.init_options]
        done = subprocess.run(init, env=self.env, capture_output=True, text=True, timeout=600)
        (self.logs / "opspulse-init.log").write_text(done.stdout + done.stderr)
        if done.returncode:
            raise ClusterError(f"opspulse init failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
        self.timings["opspulse init"] = time.monotonic() - t0

        t0 = time.monotonic()
        from opspulse.airflow_env import airflow_executable

        for name in airflow_services(spec):
            command = service_command(name, spec)
            count = replicas(name, spec)
            for n in range(1, count + 1):
                env = dict(self.service_env[name])
                argv = [airflow_executable(), *command[1:]]
                label = name.removeprefix("airflow-")
                if "worker" in command:
                    label = f"worker-{n}"
                    env["OPSPULSE_WORKER_NAME"] = label
                    env["AIRFLOW__CORE__HOSTNAME_CALLABLE"] = "cluster.worker_name"
                    env["PYTHONPATH"] = os.pathsep.join(
                        p for p in (str(REPO_ROOT), env.get("PYTHONPATH")) if p
                    )
                    # one machine, one logs folder: the API server reads the task logs
                    # from it, as from a volume every worker mounts
                    argv += ["--celery-hostname", f"{label}@%h", "--skip-serve-logs"]
                self._spawn(label, argv, env)
                if name == "airflow-apiserver":
                    wait_for_api(self.api_url, self.processes[-1])
        for proc in self.processes:
            if proc.name.startswith("worker-"):
                _wait(
                    proc.name,
                    lambda p=proc: " ready." in p.log.read_text(errors="replace"),
                    180,
                    proc.proc,
                    proc.log,
                )
        self.timings["airflow services"] = time.monotonic() - t0

    def _local(self, api_port: int) -> dict[str, str]:
        """What a container gets from its own network and the machine's size: the API server
        on 127.0.0.1 and a free port, one API worker process (2 cores), the scheduler
        creating scheduled runs or not."""
        env = {
            "AIRFLOW__API__HOST": "127.0.0.1",
            "AIRFLOW__API__PORT": str(api_port),
            "AIRFLOW__API__WORKERS": "1",
            "AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT": str(free_port()),
            "AIRFLOW__SCHEDULER__USE_JOB_SCHEDULE": str(self.scheduled),
            "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "10",
        }
        return env

    def _spawn(self, name: str, argv: list[str], env: Mapping[str, str], **popen) -> Process:
        process = Process.start(name, argv, env, self.logs / f"{name}.log", **popen)
        self.processes.append(process)
        self.progress(f"started {name} (pid {process.proc.pid}, log {process.log})")
        return process

    def _start_postgres(self, port: int, password: str) -> None:
        bindir = postgres_bindir()
        data = self.root / "postgres"
        data.mkdir()
        user = _unprivileged_user()
        from opspulse.private_files import private_file

        pwfile = private_file(self.root / "pgpass")  # 0600 from the start
        pwfile.write_text(password + "\n")
        if user is not None:  # PostgreSQL refuses to run as root
            os.chmod(self.root, 0o755)
            shutil.chown(data, user)
            shutil.chown(pwfile, user)
        as_user = {"user": user} if user is not None else {}
        done = subprocess.run(
            [
                str(bindir / "initdb"),
                "-D",
                str(data),
                "-U",
                "airflow",
                "--auth=scram-sha-256",
                f"--pwfile={pwfile}",
                "--encoding=UTF8",
                "--no-sync",
            ],
            capture_output=True,
            text=True,
            **as_user,
        )
        pwfile.unlink()
        if done.returncode:
            raise ClusterError(f"initdb failed: {done.stdout[-1500:]}{done.stderr[-1500:]}")
        process = self._spawn(
            "postgres",
            [
                str(bindir / "postgres"),
                "-D",
                str(data),
                "-p",
                str(port),
                "-c",
                "listen_addresses=127.0.0.1",
                "-c",
                "unix_socket_directories=",
                "-c",
                "fsync=off",
                "-c",
                "max_connections=200",
            ],
            {"PATH": os.environ.get("PATH", ""), "LC_ALL": "C.UTF-8"},
            **as_user,
        )
        process.stop_signal = signal.SIGINT  # PostgreSQL's fast shutdown

        import psycopg2

        def connect(dbname: str):
            return psycopg2.connect(
                host="127.0.0.1", port=port, user="airflow", password=password, dbname=dbname
            )

        _wait(
            "PostgreSQL", lambda: connect("postgres").close() is None, 60, process.proc, process.log
        )
        con = connect("postgres")
        con.autocommit = True
        with con.cursor() as cur:
            cur.execute("create database airflow")
        con.close()

    def _start_redis(self, port: int) -> None:
        data = self.root / "redis"
        data.mkdir()
        process = self._spawn(
            "redis",
            [
                redis_server(),
                "--bind",
                "127.0.0.1",
                "--port",
                str(port),
                "--dir",
                str(data),
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            {"PATH": os.environ.get("PATH", "")},
        )
        import redis

        _wait(
            "Redis",
            lambda: redis.Redis(host="127.0.0.1", port=port).ping(),
            30,
            process.proc,
            process.log,
        )

    def stop(self) -> None:
        """Stop everything started, newest first: SIGTERM (SIGINT for PostgreSQL) to each
        process group, SIGKILL after 30 s."""
        for process in reversed(self.processes):
            process.signal()
        for process in reversed(self.processes):
            process.wait()
        if _main_thread():
            for s, handler in getattr(self, "_previous_handlers", {}).items():
                signal.signal(s, handler)
        if (
            getattr(self, "root", None)
            and self.root.exists()
            and not os.environ.get("OPSPULSE_KEEP_CLUSTER")
        ):
            shutil.rmtree(self.root, ignore_errors=True)

    def query(self, sql: str) -> list[tuple]:
        """Rows of a read-only query on Airflow's metadata database."""
        import sqlalchemy

        engine = sqlalchemy.create_engine(self.env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"])
        try:
            with engine.connect() as con:
                return [tuple(row) for row in con.execute(sqlalchemy.text(sql))]
        finally:
            engine.dispose()

    def alive(self) -> list[str]:
        return [p.name for p in self.processes if p.proc.poll() is None]

    def logs_tail(self, chars: int = 2000) -> str:
        return "\n".join(f"--- {p.name}\n{_tail(p.log, chars)}" for p in self.processes)

    # Airflow's REST API, authenticated as a user of the API server's auth manager

    @property
    def passwords_file(self) -> Path:
        """Where the API server's auth manager keeps the generated login (Airflow's
        default, under ``AIRFLOW_HOME``, which compose puts on the shared volume)."""
        return Path(self.env["AIRFLOW_HOME"]) / "simple_auth_manager_passwords.json.generated"

    def api(self) -> AirflowApi:
        return AirflowApi.login(self.api_url, self.passwords_file)


def _main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()


def _unprivileged_user() -> str | None:
    """As root, the user PostgreSQL runs as (Debian's ``postgres``, else ``nobody``)."""
    if os.geteuid() != 0:
        return None
    import pwd

    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            pwd.getpwnam(name)
            return name
    raise ClusterError("running as root, and no `postgres` user to run PostgreSQL as")


def _fernet_key() -> str:
    from cryptography.fernet import Fernet

    return Fernet.generate_key().decode()


@dataclass
class AirflowApi:
    """The few calls of Airflow's REST API (``/api/v2``) a nightly needs, with a bearer token
    from ``/auth/token``."""

    url: str
    token: str

    @classmethod
    def login(cls, url: str, passwords_file: Path, user: str = "admin") -> AirflowApi:
        _wait("the auth manager's passwords file", passwords_file.exists, 60)
        password = json.loads(passwords_file.read_text())[user]
        body = json.dumps({"username": user, "password": password}).encode()
        request = urllib.request.Request(
            f"{url}/auth/token", data=body, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return cls(url, json.loads(response.read())["access_token"])

    def call(self, method: str, path: str, body: dict | None = None, anonymous: bool = False):
        request = urllib.request.Request(
            f"{self.url}/api/v2{path}",
            method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
        )
        if not anonymous:
            request.add_header("Authorization", f"Bearer {self.token}")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return json.loads(response.read() or b"null")
        except urllib.error.HTTPError as exc:
            raise ClusterError(
                f"{method} /api/v2{path}: HTTP {exc.code} {exc.read()[:500]!r}"
            ) from None

    def wait_for_dag(self, dag_id: str = DAG_ID, timeout: float = 240) -> None:
        _wait(
            f"the DAG {dag_id} to be parsed", lambda: self.call("GET", f"/dags/{dag_id}"), timeout
        )

    def trigger_day(self, day: date, timezone: str, dag_id: str = DAG_ID) -> str:
        """Unpause the DAG and trigger the run that reports on ``day``: its logical date is
        the next midnight in the company's timezone (its data interval is ``day``)."""
        self.call("PATCH", f"/dags/{dag_id}", {"is_paused": False})
        logical = datetime.combine(day + timedelta(days=1), clock(), ZoneInfo(timezone))
        run = self.call(
            "POST",
            f"/dags/{dag_id}/dagRuns",
            {"logical_date": logical.isoformat(), "conf": {}, "note": "triggered by the API"},
        )
        return run["dag_run_id"]

    def wait_for_run(self, run_id: str, dag_id: str = DAG_ID, timeout: float = 1200) -> dict:
        quoted = urllib.parse.quote(run_id, safe="")
        give_up = time.monotonic() + timeout
        while time.monotonic() < give_up:
            run = self.call("GET", f"/dags/{dag_id}/dagRuns/{quoted}")
            if run["state"] in FINISHED:
                return run
            time.sleep(2)
        raise ClusterError(f"the run {run_id} did not finish in {timeout:.0f} s")

    def task_instances(self, run_id: str, dag_id: str = DAG_ID) -> list[dict]:
        quoted = urllib.parse.quote(run_id, safe="")
        return self.call("GET", f"/dags/{dag_id}/dagRuns/{quoted}/taskInstances")["task_instances"]


@contextlib.contextmanager
def demo_cluster(
    home: Path,
    start: date,
    end: date,
    *,
    scale: float = 0.03,
    init_options: tuple[str, ...] = ("--name", "Cluster Coffee", "--timezone", "Asia/Tokyo"),
    scheduled: bool = True,
    progress: Callable[[str], None] = print,
) -> Iterator[tuple[LocalCluster, object]]:
    """A cluster on a home holding the demo company's files for ``start..end``, with the
    local SMTP sink on a free port (``(cluster, sink)``)."""
    from opspulse.demo import generate
    from opspulse.reports.sink import start_sink

    progress(f"generating the demo company {start}..{end} at scale {scale} in {home}")
    generate(start, end, home / "landing", scale=scale, seed=7)
    port = free_port()
    sink = start_sink(home / "outbox", "127.0.0.1", port)
    try:
        with LocalCluster(
            home, port, list(init_options), scheduled=scheduled, progress=progress
        ) as cluster:
            yield cluster, sink
    finally:
        sink.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--home", type=Path, help="the opspulse home (default: a new folder)")
    parser.add_argument("--days", type=int, default=7, help="demo days to generate")
    parser.add_argument("--scale", type=float, default=0.03)
    args = parser.parse_args(argv)
    home = args.home or Path(tempfile.mkdtemp(prefix="opspulse-cluster-home-")) / "home"
    end = date.today() - timedelta(days=1)
    start = end - timedelta(days=args.days - 1)
    say = lambda message: print(f"[cluster] {message}", flush=True)  # noqa: E731
    try:
        with demo_cluster(home, start, end, scale=args.scale, progress=say) as (cluster, _):
            say(
                f"Airflow UI and API: {cluster.api_url} (user admin, password in "
                f"{cluster.passwords_file})"
            )
            say(f"home {home}; emails land in {home / 'outbox'}; Ctrl-C stops everything")
            while all(p.proc.poll() is None for p in cluster.processes):
                time.sleep(1)
            gone = [p.name for p in cluster.processes if p.proc.poll() is not None]
            say(f"{', '.join(gone)} exited; stopping the cluster{cluster.logs_tail(800)}")
            return 1
    except KeyboardInterrupt:
        say("stopped")
        return 0
    except ClusterError as exc:
        print(f"cluster: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.path.insert(0, str(REPO_ROOT))
    sys.exit(main())
