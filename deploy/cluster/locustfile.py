"""The load of deploy/local-cluster.sh: a county's working day, compressed.

- Reporter (填报员, through the API with a token): opens its unit's reports for the quarterly
  periods one after another, saves a progress narrative and values, now and then submits.
  Each locust reporter is a different reporter account, so its reports are written by it
  alone and in sequence: the last save it was told succeeded is what the database must hold.
- Coordinator (协调员, the web pages with a session and CSRF): opens the review queue, opens a
  report, accepts or returns it with a comment unique to the attempt, and counts it done only
  when the page it is sent back to says so (“已采纳，数据已锁定。” / “已退回填报单位。”).
- Leader (领导, the web pages with a session): opens the dashboards — plan, domain, action,
  task. A redirect to the login page would mean the session was not seen by the instance
  that answered (there is no affinity in nginx): it counts as an error.

Every write is logged before it is sent (attempts.jsonl) and, once the answer says it was
written, again (acks.jsonl); every request goes to requests.jsonl with its time, status and
latency. deploy/cluster/fixture.py check and run.py read them afterwards.

Environment: CLUSTER_SETUP (setup.json from fixture.py prepare), CLUSTER_OUT (directory for
the logs), CLUSTER_LEADERS (how many leaders), CLUSTER_WAIT ("min,max" think time, seconds).
"""
from __future__ import annotations

import itertools
import json
import os
import random
import re
import time
import uuid

from locust import HttpUser, between, events, task

SETUP = json.loads(open(os.environ["CLUSTER_SETUP"], encoding="utf-8").read())
OUT = os.environ["CLUSTER_OUT"]
WAIT = tuple(float(x) for x in os.environ.get("CLUSTER_WAIT", "0.5,2").split(","))
LEADERS = int(os.environ.get("CLUSTER_LEADERS", "2"))

_files = {name: open(os.path.join(OUT, f"{name}.jsonl"), "a", encoding="utf-8", buffering=1)
          for name in ("attempts", "acks", "requests")}
_reporter_ids = itertools.count()
RUN = uuid.uuid4().hex[:6]


def why(r) -> str:
    """What went wrong, for the failure log: the status, or the exception when there was none
    (a connection cut in the middle of the answer)."""
    if r.status_code:
        text = (r.text or "").strip()
        return f"status {r.status_code}" + ("" if text.startswith("<") else f": {text[:100]}")
    return f"no answer: {type(r.error).__name__} {str(r.error)[:100]}"


def log(name: str, row: dict) -> None:
    _files[name].write(json.dumps(row, ensure_ascii=False) + "\n")


@events.request.add_listener
def _record(request_type, name, response_time, response_length, response=None, exception=None,
            start_time=None, **kwargs):
    status = getattr(response, "status_code", 0) or 0
    log("requests", {"t": round(start_time or time.time(), 3), "name": name, "method": request_type,
                     "status": status, "ms": round(response_time, 1), "ok": exception is None,
                     "error": (str(exception)[:160] if exception else None)})


CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
REPORT_LINK = re.compile(r'href="/reports/(\d+)/(\d+)/(\d+)/"')


class WebUser(HttpUser):
    abstract = True
    wait_time = between(*WAIT)
    account: dict = {}

    def on_start(self):
        self.logged_in = False
        self.login()

    def login(self):
        page = self.client.get("/accounts/login/", name="web: login page")
        token = CSRF.search(page.text or "")
        if not token:
            return
        with self.client.post("/accounts/login/", name="web: login", allow_redirects=False, catch_response=True,
                              data={"username": self.account["username"], "password": self.account["password"],
                                    "csrfmiddlewaretoken": token.group(1), "next": "/"}) as r:
            if r.status_code == 302 and "/accounts/login" not in r.headers.get("Location", ""):
                self.logged_in = True
                r.success()
            else:
                r.failure(f"login refused ({r.status_code})")

    def page(self, path: str, name: str):
        """GET a page that needs the session: anything but a 200 is an error (a redirect to
        the login page means the instance that answered did not know the session)."""
        with self.client.get(path, name=name, allow_redirects=False, catch_response=True) as r:
            if r.status_code == 200:
                r.success()
                return r
            if r.status_code == 302 and "/accounts/login" in r.headers.get("Location", ""):
                r.failure("session not recognised (redirected to login)")
                self.logged_in = False
            else:
                r.failure(why(r))
        return None


class Reporter(HttpUser):
    weight = 10
    wait_time = between(*WAIT)

    def on_start(self):
        n = next(_reporter_ids)
        self.account = SETUP["reporters"][n % len(SETUP["reporters"])]
        self.headers = {"Authorization": f"Bearer {self.account['token']}"}
        self.items = list(self.account["items"])
        random.shuffle(self.items)
        self.cycle = itertools.cycle(self.items)
        self.seq = 0

    @task
    def report(self):
        item = next(self.cycle)
        with self.client.post("/api/reports", name="api: open report", headers=self.headers, catch_response=True,
                              json={k: item[k] for k in ("period_id", "task_id", "unit_id")}) as r:
            if r.status_code not in (200, 201):
                r.failure(why(r))
                return
            report = r.json()
        if report["status"] not in ("draft", "returned"):
            # sent or accepted: a reporter looks at it and moves on
            with self.client.get(f"/api/reports/{report['id']}", name="api: read report", headers=self.headers,
                                 catch_response=True) as r:
                if r.status_code != 200:
                    r.failure(why(r))
            return
        self.seq += 1
        text = f"负载测试进展 {self.account['username']} {RUN}-{self.seq}"
        body = {"version": report["version"], "narrative": text, "stage": "in_progress",
                "values": {str(t["id"]): t["value"] for t in item["targets"]},
                "outlier_reasons": {str(t["id"]): "负载测试数据" for t in item["targets"]}}
        log("attempts", {"kind": "save", "report": report["id"], "narrative": text, "t": time.time()})
        with self.client.put(f"/api/reports/{report['id']}", name="api: save report", headers=self.headers,
                             json=body, catch_response=True) as r:
            if r.status_code != 200:
                r.failure(why(r))
                return
            saved = r.json()
            log("acks", {"kind": "save", "report": report["id"], "narrative": text, "version": saved["version"],
                         "t": time.time()})
        if random.random() < 0.3:
            log("attempts", {"kind": "submit", "report": report["id"], "t": time.time()})
            with self.client.post(f"/api/reports/{report['id']}/submit", name="api: submit report",
                                  headers=self.headers, catch_response=True) as r:
                if r.status_code != 200:
                    r.failure(why(r))
                    return
                log("acks", {"kind": "submit", "report": report["id"], "status": r.json()["status"],
                             "t": time.time()})


class Coordinator(WebUser):
    fixed_count = 1
    account = SETUP["coordinator"]
    periods = set(SETUP["periods"])

    @task
    def review(self):
        if not self.logged_in:
            self.login()
            return
        queue = self.page("/review/", "web: review queue")
        if queue is None:
            return
        links = [tuple(map(int, m)) for m in REPORT_LINK.findall(queue.text)]
        ours = [link for link in links if link[0] in self.periods]
        if not ours:
            return
        period, task_id, unit = random.choice(ours)
        path = f"/reports/{period}/{task_id}/{unit}/"
        form = self.page(path, "web: report page")
        if form is None:
            return
        token = CSRF.search(form.text)
        if not token:
            return
        action = "accept" if random.random() < 0.6 else "return"
        comment = f"负载测试审核 {RUN}-{uuid.uuid4().hex[:10]}" + ("" if action == "accept" else "：请补充佐证材料")
        kind = {"accept": "accepted", "return": "returned"}[action]
        log("attempts", {"kind": kind, "period": period, "task": task_id, "unit": unit, "comment": comment,
                         "t": time.time()})
        with self.client.post(path, name=f"web: {action}", allow_redirects=False, catch_response=True,
                              data={"csrfmiddlewaretoken": token.group(1), "action": action,
                                    "comment": comment}) as r:
            if r.status_code != 302:
                r.failure(why(r))
                return
        # done only when the page says so (a refusal also redirects, with its reason)
        after = self.page(path, "web: report page after review")
        done = {"accept": "已采纳，数据已锁定。", "return": "已退回填报单位。"}[action]
        if after is not None and done in after.text:
            log("acks", {"kind": kind, "period": period, "task": task_id, "unit": unit, "comment": comment,
                         "t": time.time()})


class Leader(WebUser):
    fixed_count = LEADERS
    account = SETUP["leader"]
    plan = SETUP["plan_id"]
    dash = SETUP["dashboard"]

    @task(3)
    def overview(self):
        self.logged_in or self.login()
        self.page(f"/dashboard/{self.plan}/", "web: dashboard overview")

    @task(2)
    def domain(self):
        self.logged_in or self.login()
        self.page(f"/dashboard/{self.plan}/domains/{random.choice(self.dash['domains'])}/", "web: dashboard domain")

    @task(2)
    def action(self):
        self.logged_in or self.login()
        self.page(f"/dashboard/{self.plan}/actions/{random.choice(self.dash['actions'])}/", "web: dashboard action")

    @task(3)
    def task_page(self):
        self.logged_in or self.login()
        self.page(f"/dashboard/{self.plan}/tasks/{random.choice(self.dash['tasks'])}/", "web: dashboard task")
