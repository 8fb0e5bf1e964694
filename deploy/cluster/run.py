"""deploy/local-cluster.sh: the production profile on this machine, under load, with failures.

Starts on 127.0.0.1 only, everything under a fresh var/cluster-<pid>/:
PostgreSQL (a fresh database on the server that answers, or a fresh cluster of its own),
Redis (its own redis-server), two gunicorn instances of cfcity, one Celery worker and nginx
balancing across the instances without affinity. Fills the database with `cfcity demo`,
then runs a locust load (deploy/cluster/locustfile.py: reporters through the API, the
coordinator reviewing and leaders on the dashboards through the web pages) during which one
web instance and later the worker are killed (SIGKILL of the whole process group) and
restarted; an annual report is started just before the worker dies and must be done after it
returns. Afterwards deploy/cluster/fixture.py checks that every write a client was told
succeeded is in the database. Figures (throughput, latency percentiles, errors per phase)
are printed and written to the run directory (and to benchmarks/results/ with --record).

Exit status 0 only when every check passed and no process of the run is left. On a failure
the run directory (logs, request logs, summary) is kept and named.

    .venv/bin/python deploy/cluster/run.py [--ci | --single] [--users N] [--seconds S] [--keep] [--record]
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from procs import Processes  # noqa: E402
from stats import summarise, render  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
VENV = ROOT / ".venv" / "bin"
HERE = Path(__file__).resolve().parent

PROFILES = {
    # users, seconds of load, leaders, think time, web workers per instance, visibility timeout
    "ci": dict(users=10, seconds=40, leaders=2, wait="0.3,1.5", workers=2, visibility=10, web_down=4, worker_down=4),
    "full": dict(users=40, seconds=150, leaders=6, wait="0.2,1.0", workers=2, visibility=12, web_down=8,
                 worker_down=6),
}


class Failed(Exception):
    """A check of the run failed: the message says which."""


class Stop(BaseException):
    """SIGINT/SIGTERM: end the run, cleaning up."""


def say(msg: str) -> None:
    print(f"[cluster {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http(url: str, timeout: float = 3, headers: dict | None = None) -> tuple[int, bytes]:
    req = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()
    except (urllib.error.URLError, OSError):
        return 0, b""


class Cluster:
    def __init__(self, args):
        self.args = args
        self.profile = dict(PROFILES["ci" if args.ci else "full"])
        for key in ("users", "seconds", "leaders", "workers"):
            if getattr(args, key, None):
                self.profile[key] = getattr(args, key)
        self.run_id = f"{os.getpid()}-{secrets.token_hex(3)}"
        self.dir = ROOT / "var" / f"cluster-{os.getpid()}"
        if self.dir.exists():
            shutil.rmtree(self.dir)
        self.logs = self.dir / "logs"
        self.logs.mkdir(parents=True)
        self.procs = Processes(self.run_id, self.dir, self.logs)
        self.events: list[dict] = []
        self.db_name = f"cfcity_cluster_{os.getpid()}"
        self.db_admin_url = None  # the maintenance connection the database was created on
        self.instances = ["web1"] if args.single else ["web1", "web2"]
        self.ports = {name: free_port() for name in (*self.instances, "redis", "nginx", "postgres")}
        self.runner = args.job_runner
        if self.runner == "auto":
            self.runner = "celery" if importlib.util.find_spec("cfcity.celery") else "thread"
        self.job: dict = {}

    # --- events -------------------------------------------------------------------------

    def event(self, what: str, at: float | None = None, **data) -> None:
        self.events.append({"t": at or time.time(), "event": what, **data})
        say(what + (f" {data}" if data else ""))

    # --- environment --------------------------------------------------------------------

    def base_env(self) -> dict[str, str]:
        keep = {k: v for k, v in os.environ.items() if not k.startswith("CFCITY_") and k != "PROMETHEUS_MULTIPROC_DIR"}
        return {**keep, "PYTHONUNBUFFERED": "1"}

    def make_env(self) -> None:
        key = subprocess.run([str(VENV / "cfcity"), "keys", "generate", "--id", "kcluster"], cwd=ROOT,
                             env={**self.base_env(), "CFCITY_DATA_DIR": str(self.dir / "keys-tmp")},
                             capture_output=True, text=True, timeout=120)
        if key.returncode != 0 or ":" not in key.stdout:
            raise Failed(f"cfcity keys generate failed: {key.stderr[-500:]}")
        shutil.rmtree(self.dir / "keys-tmp", ignore_errors=True)
        redis = f"redis://127.0.0.1:{self.ports['redis']}"
        data = self.dir / "data"
        nginx = f"http://127.0.0.1:{self.ports['nginx']}"
        self.env = {
            **self.base_env(),
            "CFCITY_PRODUCTION": "true",
            "CFCITY_DATABASE_URL": self.db_url,
            "CFCITY_CACHE_URL": f"{redis}/0",
            "CFCITY_BROKER_URL": f"{redis}/1",
            "CFCITY_BROKER_VISIBILITY_TIMEOUT": str(self.profile["visibility"]),
            "CFCITY_JOB_RUNNER": self.runner,
            "CFCITY_DATA_DIR": str(data),
            "CFCITY_MEDIA_DIR": str(data / "media"),
            "CFCITY_STATIC_ROOT": str(data / "static"),
            "CFCITY_SECRET_KEY": secrets.token_urlsafe(50),
            "CFCITY_ENCRYPTION_KEYS": key.stdout.strip().splitlines()[-1],
            "CFCITY_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "CFCITY_CSRF_TRUSTED_ORIGINS": nginx,
            "CFCITY_TRUSTED_PROXY_HOPS": "1",
            "CFCITY_METRICS_TOKEN": secrets.token_urlsafe(24),
            "CFCITY_LOG_FORMAT": "json",
            "CFCITY_LOG_LEVEL": "INFO",
        }
        (self.dir / "env").write_text("".join(f"{k}={v}\n" for k, v in sorted(self.env.items())
                                              if k.startswith("CFCITY_") and "KEY" not in k and "TOKEN" not in k))

    # --- services -----------------------------------------------------------------------

    def start_redis(self) -> None:
        (self.dir / "redis").mkdir()
        self.procs.start("redis", ["redis-server", "--port", str(self.ports["redis"]), "--bind", "127.0.0.1",
                                   "--save", "", "--appendonly", "no", "--dir", str(self.dir / "redis"),
                                   "--protected-mode", "yes"], self.base_env())
        self.wait_for(lambda: self._redis_ping(), "redis", 15)

    def _redis_ping(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.ports["redis"]), timeout=1) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def start_postgres(self) -> None:
        import psycopg
        from urllib.parse import urlsplit
        # the server of CFCITY_CLUSTER_POSTGRES_URL (CI passes its own URL): its maintenance database
        given = urlsplit(os.environ.get("CFCITY_CLUSTER_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"))
        url = given._replace(path="/postgres").geturl()
        if not self.args.own_postgres:
            try:
                psycopg.connect(url, connect_timeout=3).close()
                self.db_admin_url = url
            except psycopg.Error:
                say(f"no PostgreSQL answers at {url}: starting a cluster of our own")
        if self.db_admin_url is None:
            self.db_admin_url = self._own_postgres()
        with psycopg.connect(self.db_admin_url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{self.db_name}"')
        base = self.db_admin_url.rsplit("/", 1)[0]
        self.db_url = f"{base}/{self.db_name}"
        self.event("database", name=self.db_name, server=base.split("@")[-1])

    def _own_postgres(self) -> str:
        bins = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
        if not bins:
            raise Failed("no PostgreSQL answers and no initdb (apt-get install postgresql) to start one")
        bindir = bins[-1].parent
        pgdir = self.dir / "pg"
        pgdir.mkdir()
        prefix = []
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root
            shutil.chown(pgdir, "postgres", "postgres")
            os.chmod(self.dir, 0o755)
            prefix = ["runuser", "-u", "postgres", "--"]
        init = subprocess.run([*prefix, str(bindir / "initdb"), "-D", str(pgdir / "data"), "-U", "postgres",
                               "--auth=trust", "-E", "UTF8", "--no-sync"],
                              capture_output=True, text=True, env=self.base_env())
        if init.returncode != 0:
            raise Failed(f"initdb failed: {init.stderr[-500:]}")
        port = self.ports["postgres"]
        self.procs.start("postgres", [*prefix, str(bindir / "postgres"), "-D", str(pgdir / "data"), "-p", str(port),
                                      "-k", str(pgdir), "-c", "listen_addresses=127.0.0.1"], self.base_env())
        url = f"postgres://postgres@127.0.0.1:{port}/postgres"

        def up():
            import psycopg
            try:
                psycopg.connect(url, connect_timeout=1).close()
                return True
            except psycopg.Error:
                return False
        self.wait_for(up, "postgres", 30)
        return url

    def drop_database(self) -> None:
        if not self.db_admin_url or "postgres" in self.procs.children:
            return  # a cluster of our own ended with the run: its files go with the run directory
        import psycopg
        try:
            with psycopg.connect(self.db_admin_url, autocommit=True, connect_timeout=5) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')
        except psycopg.Error as e:
            say(f"could not drop database {self.db_name}: {e}")

    def step(self, name: str, argv: list[str], timeout: float = 300) -> str:
        """A set-up command, registered like every other child; its output in logs/<name>.log."""
        child = self.procs.start(name, argv, self.env, cwd=ROOT)
        try:
            rc = child.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            raise Failed(f"{name} took longer than {timeout} s") from None
        output = child.log.read_text(errors="replace")
        if rc != 0:
            raise Failed(f"{name} failed (exit {rc}):\n{output[-1500:]}")
        return output

    def setup_and_start(self) -> None:
        """migrate; then, side by side, `cfcity demo` and the services starting (two cores)."""
        t = time.time()
        # static files do not need the database: collected while it is migrated
        static = self.procs.start("collectstatic", [str(VENV / "cfcity"), "collectstatic", "--noinput", "-v0"],
                                  self.env, cwd=ROOT)
        self.step("migrate", [str(VENV / "cfcity"), "migrate", "--noinput", "-v0"])
        if static.popen.wait(300) != 0:
            raise Failed(f"collectstatic failed: {static.log.read_text()[-1500:]}")
        self.step("check", [str(VENV / "cfcity"), "check"])
        demo = self.procs.start("demo", [str(VENV / "cfcity"), "demo", "--seed", "1"], self.env, cwd=ROOT)
        self.start_services()
        if demo.popen.wait(600) != 0:
            raise Failed(f"cfcity demo failed: {demo.log.read_text(errors='replace')[-1500:]}")
        self.step("fixture-prepare", [str(VENV / "python"), str(HERE / "fixture.py"), "prepare",
                                      str(self.dir / "setup.json")])
        self.warm_up()
        self.event("data ready", seconds=round(time.time() - t, 1))

    def warm_up(self) -> None:
        """A few requests to every instance first: a fresh gunicorn worker loads the URLs,
        templates and the API on its first requests (seconds on a busy machine)."""
        for name in self.instances:
            for path in ("/accounts/login/", "/api/periods", "/dashboard/", "/healthz") * 3:
                http(f"http://127.0.0.1:{self.ports[name]}{path}", timeout=30)

    def web_argv(self, name: str) -> list[str]:
        argv = [str(VENV / "gunicorn"), "cfcity.wsgi:application", "--bind", f"127.0.0.1:{self.ports[name]}",
                "--workers", str(self.profile["workers"]), "--pid", str(self.dir / f"{name}.pid")]
        if importlib.util.find_spec("cfcity.gunicorn_conf"):
            argv[2:2] = ["-c", "python:cfcity.gunicorn_conf"]
        return argv

    def start_web(self, name: str) -> None:
        prom = self.dir / f"prometheus-{name}"
        shutil.rmtree(prom, ignore_errors=True)  # emptied at every start (prometheus_client multiprocess)
        prom.mkdir()
        self.procs.start(name, self.web_argv(name), {**self.env, "PROMETHEUS_MULTIPROC_DIR": str(prom)}, cwd=ROOT)

    def start_worker(self) -> None:
        self.procs.start("worker", [str(VENV / "celery"), "-A", "cfcity", "worker", "--loglevel", "INFO",
                                    "--concurrency", "1", "--without-gossip", "--without-mingle",
                                    "-n", f"cluster-{os.getpid()}@%h",
                                    "--pidfile", str(self.dir / "worker.pid")], self.env, cwd=ROOT)

    def worker_ready(self) -> bool:
        log = self.procs.children["worker"].log.read_text(errors="replace")
        return log.rstrip().count(" ready.") > self._worker_ready_seen

    def ready(self, port: int) -> bool:
        status, body = http(f"http://127.0.0.1:{port}/readyz")
        if status == 404:  # before the ops endpoints exist: any page the app renders
            status, body = http(f"http://127.0.0.1:{port}/accounts/login/")
        return status == 200

    def write_nginx(self) -> None:
        ndir = self.dir / "nginx"
        for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (ndir / "tmp" / sub).mkdir(parents=True, exist_ok=True)
        servers = "\n".join(f"        server 127.0.0.1:{self.ports[n]} max_fails=1 fail_timeout=5s;"
                            for n in self.instances)
        static = self.dir / "data" / "static"
        (ndir / "nginx.conf").write_text(f"""# generated by deploy/cluster/run.py for one run; loopback only
worker_processes 1;
pid {ndir}/nginx.pid;
error_log {self.logs}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    log_format cluster '$msec $status $request_time "$upstream_addr" "$upstream_status" '
                       '$request_method "$uri" $request_id';
    access_log {self.logs}/nginx-access.log cluster;
    client_body_temp_path {ndir}/tmp/body;
    proxy_temp_path {ndir}/tmp/proxy;
    fastcgi_temp_path {ndir}/tmp/fastcgi;
    uwsgi_temp_path {ndir}/tmp/uwsgi;
    scgi_temp_path {ndir}/tmp/scgi;
    client_max_body_size 30m;

    # round robin, no affinity: any instance answers any request of any session
    upstream cfcity {{
{servers}
        keepalive 16;
    }}
    server {{
        listen 127.0.0.1:{self.ports['nginx']};
        server_name 127.0.0.1 localhost;
        location /static/ {{
            alias {static}/;
            expires 1h;
        }}
        location / {{
            proxy_pass http://cfcity;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_set_header X-Request-ID $request_id;
            # a dead instance: try the other. nginx never passes a POST on once it has been
            # sent (non-idempotent), so a write is never made twice by the balancer.
            proxy_next_upstream error timeout;
            proxy_next_upstream_tries 2;
            proxy_connect_timeout 2s;
            proxy_read_timeout 120s;
        }}
    }}
}}
""")

    def start_nginx(self) -> None:
        self.write_nginx()
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        self.procs.start("nginx", [nginx, "-p", str(self.dir / "nginx"), "-c", str(self.dir / "nginx" / "nginx.conf"),
                                   "-e", str(self.logs / "nginx-error.log"), "-g", "daemon off;"], self.base_env())

    def wait_for(self, test, what: str, timeout: float, child: str | None = None) -> float:
        t = time.time()
        while time.time() - t < timeout:
            if test():
                return time.time() - t
            if child and not self.procs.children[child].alive():
                raise Failed(f"{what} exited at start: see {self.procs.children[child].log}")
            time.sleep(0.2)
        raise Failed(f"{what} not ready after {timeout} s")

    def start_services(self) -> None:
        for name in self.instances:
            self.start_web(name)
        if self.runner == "celery":
            self._worker_ready_seen = 0
            self.start_worker()
        self.start_nginx()
        for name in self.instances:
            self.wait_for(lambda n=name: self.ready(self.ports[n]), name, 120, name)
        self.wait_for(lambda: self.ready(self.ports["nginx"]), "nginx", 20, "nginx")
        if self.runner == "celery":
            self.wait_for(self.worker_ready, "celery worker", 120, "worker")
            self._worker_ready_seen = 1
        self.event("cluster ready", instances=self.instances, runner=self.runner, ports=self.ports)

    # --- the load and the failures -------------------------------------------------------

    def start_load(self) -> None:
        p = self.profile
        env = {**self.base_env(), "CLUSTER_SETUP": str(self.dir / "setup.json"), "CLUSTER_OUT": str(self.dir),
               "CLUSTER_LEADERS": str(p["leaders"]), "CLUSTER_WAIT": p["wait"]}
        self.procs.start("locust", [str(VENV / "locust"), "-f", str(HERE / "locustfile.py"), "--headless",
                                    "-u", str(p["users"]), "-r", str(max(2, p["users"] // 4)),
                                    "--run-time", f"{p['seconds']}s", "--stop-timeout", "5",
                                    "--host", f"http://127.0.0.1:{self.ports['nginx']}",
                                    "--csv", str(self.dir / "locust"), "--only-summary", "--loglevel", "WARNING",
                                    "--exit-code-on-error", "0"], env, cwd=ROOT)
        self.event("load started", users=p["users"], seconds=p["seconds"])

    def kill_and_restart_web(self) -> None:
        name = self.instances[-1]
        t = time.time()  # the phase starts with the signal, not when the group is gone
        self.procs.kill(name)
        self.event("web instance killed", at=t, instance=name)
        time.sleep(self.profile["web_down"])
        self.start_web(name)
        self.event("web instance restarting", instance=name)
        self.wait_for(lambda: self.ready(self.ports[name]), name, 60, name)
        self.event("web instance back", instance=name)

    def annual_report(self) -> None:
        """The coordinator starts the annual report through nginx and polls it (in a thread);
        the worker is killed as soon as the job runs and restarted a few seconds later."""
        import requests
        base = f"http://127.0.0.1:{self.ports['nginx']}"
        setup = json.loads((self.dir / "setup.json").read_text())
        s = requests.Session()
        page = s.get(f"{base}/accounts/login/", timeout=30)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        r = s.post(f"{base}/accounts/login/", allow_redirects=False, timeout=30,
                   data={**setup["coordinator"], "csrfmiddlewaretoken": token, "next": "/"})
        if r.status_code != 302:
            raise Failed(f"coordinator login for the annual report: {r.status_code}")
        plan_url = f"{base}/monitoring/reports/{setup['plan_id']}/"
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', s.get(plan_url, timeout=30).text).group(1)
        r = s.post(plan_url, allow_redirects=False, timeout=30,
                   data={"csrfmiddlewaretoken": token, "kind": "annual", "year": str(setup["annual_year"]),
                         "format": "docx"})
        m = re.search(r"/jobs/(\d+)/", r.headers.get("Location", ""))
        if r.status_code != 302 or not m:
            raise Failed(f"starting the annual report: {r.status_code} {r.text[:300]}")
        job_id = int(m.group(1))
        with open(self.dir / "acks.jsonl", "a") as acks:
            acks.write(json.dumps({"kind": "job", "job": job_id, "t": time.time()}) + "\n")
        self.job = {"id": job_id, "started": time.time(), "polls": 0, "poll_errors": 0, "states": []}
        self.event("annual report started", job=job_id)

        def poll():
            while not self.job.get("finished"):
                try:
                    r = s.get(f"{base}/monitoring/reports/jobs/{job_id}.json", timeout=10)
                    self.job["polls"] += 1
                    state = r.json() if r.status_code == 200 else None
                except (requests.RequestException, ValueError):
                    state = None
                if state is None:
                    self.job["poll_errors"] += 1
                else:
                    if not self.job["states"] or self.job["states"][-1][1] != state["status"]:
                        self.job["states"].append((round(time.time() - self.job["started"], 1), state["status"],
                                                   state.get("progress")))
                    if state["finished"]:
                        self.job.update(finished=time.time(), status=state["status"], error=state.get("error"),
                                        download_url=state.get("download_url"))
                        if state["status"] == "done":
                            d = s.get(base + state["download_url"], timeout=30)
                            self.job["download"] = [d.status_code, len(d.content)]
                        return
                time.sleep(1)
        threading.Thread(target=poll, daemon=True).start()

    def kill_and_restart_worker(self) -> None:
        # kill while the job is being made (or after 15 s queued: then it waits on the broker)
        t = time.time()
        while time.time() - t < 15 and not any(st[1] == "running" for st in self.job.get("states", [])):
            time.sleep(0.2)
        t = time.time()
        self.procs.kill("worker")
        self.event("worker killed", at=t, job_state=self.job.get("states", [])[-1:] or None)
        # down at least until the task's visibility timeout has passed: the new worker then finds
        # it at its first sweep of unacknowledged tasks, at start. (Sooner, kombu 5.7 looks again
        # only every unacked_restore_interval × unacked_restore_throttle = 100 s by default.)
        time.sleep(max(self.profile["worker_down"],
                       self.job["started"] + self.profile["visibility"] + 1 - time.time()))
        self.start_worker()
        self.event("worker restarting")
        self.wait_for(self.worker_ready, "celery worker", 60, "worker")
        self._worker_ready_seen += 1
        self.event("worker back")

    def run_load(self) -> None:
        p = self.profile
        self.start_load()
        t0 = time.time()
        locust = self.procs.children["locust"]
        plan = [(0.30, "web"), (0.55, "report")]
        if self.args.single or self.args.no_failover:
            plan = [(0.55, "report")] if not self.args.no_failover else []
        for fraction, what in plan:
            while time.time() - t0 < fraction * p["seconds"]:
                if not locust.alive():
                    raise Failed(f"locust ended early: see {locust.log}")
                time.sleep(0.2)
            if what == "web":
                self.kill_and_restart_web()
            else:
                self.annual_report()
                if self.runner == "celery" and not self.args.no_failover:
                    self.kill_and_restart_worker()
        try:
            locust.popen.wait(p["seconds"] + 60 - (time.time() - t0))
        except subprocess.TimeoutExpired:
            raise Failed("locust did not stop in time") from None
        self.event("load finished")
        if self.job:
            limit = time.time() + 180 + p["visibility"]
            while not self.job.get("finished") and time.time() < limit:
                time.sleep(0.5)
            if not self.job.get("finished"):
                raise Failed(f"annual report job {self.job['id']} not finished: {self.job.get('states')}")
            self.event("annual report finished", status=self.job["status"],
                       seconds=round(self.job["finished"] - self.job["started"], 1))
            if self.runner == "celery":
                # the task's message: taken by the worker that was killed, then again by the new one
                log = self.procs.children["worker"].log.read_text(errors="replace")
                self.job["task_deliveries"] = len(re.findall(r"make_report\[[0-9a-f-]+\] received", log))
                back = next((e["t"] for e in self.events if e["event"] == "worker back"), None)
                if back:
                    self.job["done_after_worker_back_s"] = round(self.job["finished"] - back, 1)

    # --- the whole run ---------------------------------------------------------------------

    def main(self) -> int:
        ok = False
        summary = None
        try:
            self.event("run directory", path=str(self.dir))
            self.start_redis()
            self.start_postgres()
            self.make_env()
            self.setup_and_start()
            self.run_load()
            check = subprocess.run([str(VENV / "python"), str(HERE / "fixture.py"), "check", str(self.dir)],
                                   cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=300)
            (self.logs / "fixture-check.log").write_text(check.stdout + check.stderr)
            checked = json.loads((self.dir / "check.json").read_text()) if (self.dir / "check.json").exists() else {}
            summary = summarise(self, checked)
            (self.dir / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=1))
            print(render(summary), flush=True)
            failures = summary["failures"]
            if check.returncode != 0 and not failures:
                failures.append(f"fixture check failed: {check.stdout[-800:]} {check.stderr[-800:]}")
            if failures:
                raise Failed("; ".join(failures))
            ok = True
        except Failed as e:
            say(f"FAILED: {e}")
        except Stop:
            say("interrupted")
        except Exception:
            import traceback
            traceback.print_exc()
        finally:
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            self.procs.stop_all()
            self.drop_database()
            left = self.procs.leftovers()
            if left:
                ok = False
                say("FAILED: processes of the run are still there:\n  " + "\n  ".join(left))
            else:
                say("every process of the run has ended")
            if ok and summary and self.args.record:
                out = ROOT / "benchmarks" / "results"
                out.mkdir(parents=True, exist_ok=True)
                name = f"cluster-{summary['mode']}-{time.strftime('%Y%m%d-%H%M%S')}.json"
                (out / name).write_text(json.dumps(summary, ensure_ascii=False, indent=1))
                say(f"recorded benchmarks/results/{name}")
            if ok and not self.args.keep:
                shutil.rmtree(self.dir, ignore_errors=True)
            else:
                say(f"logs kept in {self.dir}")
        say("PASSED" if ok else "FAILED")
        return 0 if ok else 1


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--ci", action="store_true", help="a small load for CI (about two minutes in all)")
    ap.add_argument("--single", action="store_true", help="one web instance (the comparison); no web failover")
    ap.add_argument("--no-failover", action="store_true", help="kill nothing (steady-state figures)")
    ap.add_argument("--users", type=int, help="locust users (reporters, the coordinator, leaders)")
    ap.add_argument("--leaders", type=int, help="how many of them are leaders on the dashboards")
    ap.add_argument("--seconds", type=int, help="seconds of load")
    ap.add_argument("--workers", type=int, help="gunicorn workers per web instance")
    ap.add_argument("--job-runner", choices=["auto", "celery", "thread"], default="auto",
                    help="auto: celery when cfcity.celery exists")
    ap.add_argument("--own-postgres", action="store_true", help="a fresh PostgreSQL cluster in the run directory")
    ap.add_argument("--keep", action="store_true", help="keep the run directory")
    ap.add_argument("--record", action="store_true", help="copy the summary to benchmarks/results/")
    args = ap.parse_args(argv)

    def stop(signum, frame):
        raise Stop()
    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    cluster = Cluster(args)
    cluster.mode = "ci" if args.ci else ("single" if args.single else "cluster")
    return cluster.main()


if __name__ == "__main__":
    sys.exit(main())
