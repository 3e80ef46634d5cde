// Pieces sent without reloading the page: each form[data-upload] is posted by XMLHttpRequest
// (for its upload progress); the server answers as it does without JavaScript (a redirect to
// the page, or the page with the refusal) and the page's <main> is replaced by the answer's.
// Files dropped on the [data-dropzone] are sent together. Without JavaScript the forms post.
(function () {
  "use strict";
  function send(form) {
    var status = document.getElementById("upload-progress");
    var bar = status && status.querySelector("progress");
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action || window.location.href);
    xhr.upload.addEventListener("progress", function (event) {
      if (bar && event.lengthComputable) { bar.value = Math.round(100 * event.loaded / event.total); }
    });
    xhr.addEventListener("load", function () {
      var answer = new DOMParser().parseFromString(xhr.responseText, "text/html");
      var fresh = answer.querySelector("main");
      if (!fresh) { window.location.reload(); return; }
      document.querySelector("main").innerHTML = fresh.innerHTML;
      var told = document.querySelector("main .error-summary, main .notices");
      if (told) { told.setAttribute("tabindex", "-1"); told.focus(); }
    });
    xhr.addEventListener("error", function () { form.submit(); });
    if (status) { status.hidden = false; bar.value = 0; }
    xhr.send(new FormData(form));
  }
  document.addEventListener("submit", function (event) {
    var form = event.target.closest("form[data-upload]");
    if (!form || !window.FormData || !window.DOMParser) { return; }
    event.preventDefault();
    send(form);
  });
  function zone(event) { return event.target.closest && event.target.closest("[data-dropzone]"); }
  ["dragenter", "dragover"].forEach(function (name) {
    document.addEventListener(name, function (event) {
      var target = zone(event);
      if (target) { event.preventDefault(); target.classList.add("dropping"); }
    });
  });
  document.addEventListener("dragleave", function (event) {
    var target = zone(event);
    if (target) { target.classList.remove("dropping"); }
  });
  document.addEventListener("drop", function (event) {
    var target = zone(event);
    if (!target) { return; }
    event.preventDefault();
    var input = target.querySelector("input[type=file]");
    input.files = event.dataTransfer.files;
    send(input.form);
  });
})();
