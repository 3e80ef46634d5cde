// A second click on a filing button while the first request runs sends nothing: the server
// refuses double filings anyway (permits.filing), this only spares the applicant a confusing page.
document.addEventListener("submit", function (event) {
  var button = event.target.querySelector("button[data-once]");
  if (!button) { return; }
  if (button.dataset.sent) { event.preventDefault(); return; }
  button.dataset.sent = "1";
  button.setAttribute("aria-disabled", "true");
});
