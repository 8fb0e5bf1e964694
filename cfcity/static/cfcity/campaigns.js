// campaigns: confirm a withdrawal (files are deleted) before the form is sent
document.addEventListener("submit", function (event) {
  var button = event.submitter || event.target.querySelector("[data-confirm]");
  var text = button && button.getAttribute("data-confirm");
  if (text && !window.confirm(text)) { event.preventDefault(); }
});
