// Progressive enhancement only: every page works without this script.
(function () {
  "use strict";

  // Move focus to the error summary, so screen reader and keyboard users start there.
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
  }

  // Show the organisation's own name in the pledge wording as it is typed.
  var wording = document.querySelector("#pledge-wording p");
  var name = document.getElementById("id_name");
  if (wording && name) {
    var placeholder = document.getElementById("pledge-wording").dataset.placeholder;
    var template = wording.textContent;
    var current = name.value.trim();
    if (current) {
      template = template.replace(current, placeholder);
    }
    var update = function () {
      wording.textContent = template.replace(placeholder, name.value.trim() || placeholder);
    };
    name.addEventListener("input", update);
  }
})();
