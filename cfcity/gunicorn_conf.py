"""gunicorn settings for a production web instance (docs/deployment.md):

    gunicorn cfcity.wsgi:application -c python:cfcity.gunicorn_conf --bind 127.0.0.1:8001

Workers: CFCITY_WEB_WORKERS (default 2 × cores + 1). Metrics of all workers of the instance
are merged through PROMETHEUS_MULTIPROC_DIR, emptied when the instance starts. Access lines
come from cfcity's own middleware (JSON with the request id), so gunicorn writes none unless
CFCITY_GUNICORN_ACCESS_LOG=1."""
import multiprocessing
import os
import shutil

logger_class = "cfcity.gunicorn_logging.ScrubbedLogger"
workers = int(os.environ.get("CFCITY_WEB_WORKERS") or multiprocessing.cpu_count() * 2 + 1)
timeout = int(os.environ.get("CFCITY_WEB_TIMEOUT") or 120)  # a Word export of a province takes a while
graceful_timeout = 30
forwarded_allow_ips = os.environ.get("CFCITY_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
errorlog = "-"
accesslog = "-" if os.environ.get("CFCITY_GUNICORN_ACCESS_LOG") in ("1", "true") else None
control_socket_disable = True


def on_starting(server):
    path = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if path:  # the counts of a previous run of this instance would be added to ours
        shutil.rmtree(path, ignore_errors=True)
        os.makedirs(path, exist_ok=True)


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess
        multiprocess.mark_process_dead(worker.pid)
