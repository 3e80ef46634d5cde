// The import's progress bar (cadastre/import_run.html): polls the run's state each second
// while its job runs, then reloads the page to show the summary. Without JavaScript the page
// offers a link to refresh it.
(function () {
  "use strict";
  var box = document.getElementById("import-state");
  if (!box || box.dataset.running !== "1") return;
  var bar = document.getElementById("import-progress");
  var status = document.getElementById("import-status");
  function poll() {
    fetch(box.dataset.stateUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (state) {
        if (!state.running) { window.location.reload(); return; }
        if (bar) { bar.value = state.progress; bar.textContent = state.progress + " %"; }
        status.querySelector("strong").textContent = state.label + " (" + state.progress + " %)";
        window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 1000);
})();
