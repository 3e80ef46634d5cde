// Focus moves to what the page came to say: the error summary after a refused form, the
// questionnaire's result (elements marked data-autofocus, with tabindex="-1").
document.addEventListener("DOMContentLoaded", function () {
  var target = document.querySelector("[data-autofocus]");
  if (target) { target.focus(); }
});
