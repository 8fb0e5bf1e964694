// Child impact assessment: mark a score outside 0…max while typing (the server checks again)
// and show the weighted total of what has been typed so far.
(function () {
  "use strict";
  function refresh() {
    var inputs = document.querySelectorAll("input.ia-score");
    var out = document.getElementById("ia-live-total");
    var sum = 0, weights = 0;
    inputs.forEach(function (el) {
      var max = parseInt(el.dataset.max, 10);
      var text = el.value.trim();
      var ok = text === "" || (/^\d{1,3}$/.test(text) && parseInt(text, 10) <= max);
      el.classList.toggle("bad", !ok);
      el.setAttribute("aria-invalid", ok ? "false" : "true");
      var row = el.closest("tr");
      var weight = row ? parseInt(row.querySelector("td.num").textContent, 10) : 0;
      if (ok && text !== "" && max > 0 && weight > 0) {
        sum += weight * parseInt(text, 10) / max;
        weights += weight;
      }
    });
    if (out) {
      out.textContent = weights ? "已填部分的加权得分：" + (sum / weights * 100).toFixed(1) + "（百分制）" : "";
    }
  }
  document.addEventListener("input", function (e) {
    if (e.target.matches && e.target.matches("input.ia-score")) { refresh(); }
  });
  document.addEventListener("DOMContentLoaded", refresh);
})();
