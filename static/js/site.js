// Progressive enhancement only: every page works without this script.
(function () {
  "use strict";

  // Move focus to the error summary, so screen reader and keyboard users start there.
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
  }

  // Show the organisation's own name in the pledge wording as it is typed.
  var shown = document.getElementById("pledge-name");
  var name = document.getElementById("id_name");
  if (shown && name) {
    var update = function () {
      shown.textContent = name.value.trim() || shown.dataset.placeholder;
    };
    name.addEventListener("input", update);
    update();
  }
})();
