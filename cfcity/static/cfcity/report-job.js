/* A report job's page (monitoring/reports/job.html): poll data-poll for progress until done. */
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box || box.dataset.finished === "1") { return; }
  var bar = document.getElementById("job-progress"), status = document.getElementById("job-status");
  var percent = document.getElementById("job-percent"), message = document.getElementById("job-message");
  var error = document.getElementById("job-error"), link = document.getElementById("job-download");
  var stale = document.getElementById("job-stale"), hint = document.getElementById("job-hint");
  function show(d) {
    bar.value = d.progress; bar.textContent = d.progress + "%";
    status.textContent = d.status_label; status.className = "status-" + d.status;
    percent.textContent = d.progress + "%";
    message.textContent = d.message ? "· " + d.message : "";
    if (d.status === "failed") { error.textContent = d.error; error.hidden = false; }
    if (d.download_url) { link.href = d.download_url; link.hidden = false; }
    stale.hidden = !d.stale;
    if (d.finished) {
      var back = document.createElement("a");
      back.href = box.dataset.list; back.textContent = "返回报告列表";
      hint.replaceChildren(back);
    }
  }
  function poll() {
    fetch(box.dataset.poll, {credentials: "same-origin", headers: {"Accept": "application/json"}, cache: "no-store"})
      .then(function (r) {
        if (r.redirected) { location.reload(); return null; }  // logged out: the page shows the login
        return r.ok ? r.json() : null;
      })
      .then(function (d) {
        if (!d) { setTimeout(poll, 3000); return; }
        show(d);
        if (!d.finished && !d.stale) { setTimeout(poll, 1000); }
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  setTimeout(poll, 1000);
})();
