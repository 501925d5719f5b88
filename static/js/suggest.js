// "Already answered?" while typing a suggestion. The form works without this:
// it only fetches the server-rendered list of matching published answers.
(function () {
  "use strict";
  var input = document.getElementById("id_question");
  var box = document.getElementById("already-answered");
  if (!input || !box || !window.fetch) {
    return;
  }
  var timer = null;
  var last = input.value.trim();

  function lookUp() {
    var query = input.value.trim();
    if (query === last) {
      return;
    }
    last = query;
    if (query.length < 10) {
      box.innerHTML = "";
      return;
    }
    fetch(box.dataset.url + "?q=" + encodeURIComponent(query), {
      headers: { Accept: "text/html" },
      credentials: "same-origin",
    })
      .then(function (response) {
        return response.ok ? response.text() : "";
      })
      .then(function (html) {
        // The fragment is rendered and escaped by Django; ignore stale replies.
        if (input.value.trim() === query) {
          box.innerHTML = html;
        }
      })
      .catch(function () {});
  }

  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(lookUp, 300);
  });
})();
