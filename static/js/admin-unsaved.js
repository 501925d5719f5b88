// Warn before leaving an answer's change form with unsaved changes.
// Loaded by ArticleAdmin.Media as a file (the CSP allows no inline script),
// in the page's head: it waits for the form.
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  const form = document.querySelector("#article_form");
  if (!form) return;
  let changed = false;
  let submitting = false;
  form.addEventListener("input", function () { changed = true; });
  form.addEventListener("change", function () { changed = true; });
  form.addEventListener("submit", function () { submitting = true; });
  window.addEventListener("beforeunload", function (event) {
    if (changed && !submitting) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
});
