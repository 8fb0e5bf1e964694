/* Small behaviours of every page, declared in the markup with data- attributes (the
   Content-Security-Policy allows no inline script or on…= handler):
   data-autosubmit on a <select>: submit its form on change;
   data-confirm="…" on a <form>: ask before submitting;
   data-print on a button: print the page;
   details.navgroup in the header: one open at a time, closed by a click elsewhere or Escape. */
(function () {
  "use strict";
  document.addEventListener("change", function (e) {
    var el = e.target;
    if (el.matches && el.matches("select[data-autosubmit]") && el.form) { el.form.submit(); }
  });
  document.addEventListener("submit", function (e) {
    var form = e.target, question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) { e.preventDefault(); }
  });
  document.addEventListener("click", function (e) {
    var el = e.target.closest && e.target.closest("[data-print]");
    if (el) { window.print(); }
    document.querySelectorAll("details.navgroup[open]").forEach(function (d) {
      if (!d.contains(e.target)) { d.removeAttribute("open"); }
    });
  });
  document.addEventListener("keydown", function (e) {
    if (e.key !== "Escape") { return; }
    document.querySelectorAll("details.navgroup[open]").forEach(function (d) {
      d.removeAttribute("open");
      var s = d.querySelector("summary");
      if (s && d.contains(document.activeElement)) { s.focus(); }
    });
  });
})();
