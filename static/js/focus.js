// Focus moves to what the page came to say: the error summary after a refused form, the
// questionnaire's result (elements marked data-autofocus, with tabindex="-1").
// A table wider than the screen scrolls in its box: the box is made a focusable, named
// region so that the keyboard can scroll it too (WCAG 2.1.1). A link to a closed <details>
// opens it.
document.addEventListener("DOMContentLoaded", function () {
  var target = document.querySelector("[data-autofocus]");
  if (target) { target.focus(); }
  document.querySelectorAll(".table-scroll").forEach(function (box) {
    if (box.scrollWidth <= box.clientWidth || box.hasAttribute("tabindex")) { return; }
    var caption = box.querySelector("caption");
    box.setAttribute("tabindex", "0");
    box.setAttribute("role", "region");
    box.setAttribute("aria-label", caption ? caption.textContent.trim() : "Tableau");
  });
  function openTarget() {
    var found = window.location.hash && document.getElementById(window.location.hash.slice(1));
    if (found && found.tagName === "DETAILS") { found.open = true; }
  }
  window.addEventListener("hashchange", openTarget);
  openTarget();
});
