// children's voice: how many characters are left (the form works without it)
(function () {
  "use strict";
  var box = document.querySelector(".kid-form textarea");
  var out = document.getElementById("voice-count");
  if (!box || !out) { return; }
  var max = parseInt(box.getAttribute("maxlength"), 10) || 500;
  function show() {
    var left = max - box.value.length;
    out.textContent = left >= 0 ? "还可以写 " + left + " 个字" : "多了 " + (-left) + " 个字";
  }
  box.addEventListener("input", show);
  show();
})();

// staff: erasing a message cannot be undone — ask once more
(function () {
  "use strict";
  document.querySelectorAll("form.voice-erase").forEach(function (f) {
    f.addEventListener("submit", function (e) {
      if (!window.confirm("彻底删除后无法恢复，确定删除这条留言吗？")) { e.preventDefault(); }
    });
  });
})();
