/* The report request form (monitoring/reports/plan.html): the quarter only for a bulletin, and
   only the formats the chosen kind has (from the json_script "formats-by-kind"). */
(function () {
  "use strict";
  var kind = document.getElementById("id_kind"), format = document.getElementById("id_format");
  var quarter = document.getElementById("quarter-field");
  var data = document.getElementById("formats-by-kind");
  if (!kind || !format || !quarter || !data) { return; }
  var allowed = JSON.parse(data.textContent);
  function sync() {
    var ok = allowed[kind.value] || [];
    quarter.hidden = kind.value !== "bulletin";
    Array.prototype.forEach.call(format.options, function (o) { o.disabled = ok.indexOf(o.value) < 0; });
    if (format.selectedOptions[0] && format.selectedOptions[0].disabled) { format.value = ok[0]; }
  }
  kind.addEventListener("change", sync);
  sync();
})();
