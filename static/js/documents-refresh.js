// The receipt is sealed by the signing job a moment after filing: while the page says so
// (section[data-pending]), the section is read again from the server every few seconds and
// replaced, until the signed document is listed. Without JavaScript, the page's link reloads.
(function () {
  "use strict";
  var tries = 0;
  function poll() {
    var section = document.getElementById("documents-section");
    if (!section || !section.hasAttribute("data-pending") || tries++ > 60) { return; }
    fetch(window.location.href, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : ""; })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("documents-section");
        if (fresh) { section.innerHTML = fresh.innerHTML; }
        if (fresh && !fresh.hasAttribute("data-pending")) { section.removeAttribute("data-pending"); return; }
        window.setTimeout(poll, 3000);
      });
  }
  document.addEventListener("DOMContentLoaded", function () { window.setTimeout(poll, 2000); });
})();
