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

// Copy and print buttons: shown only where this script runs, as without it they could
// do nothing. Each page still offers the link, the code or the print hint without them.
(function () {
  "use strict";

  var canCopy = navigator.clipboard && window.isSecureContext;

  var say = function (near, text) {
    var status = near.parentNode.querySelector(".copy-status");
    if (status) {
      status.textContent = text;
    }
  };

  // The badge's embed code: the button copies the text box beside it.
  document.querySelectorAll("[data-copy-from]").forEach(function (button) {
    var source = document.getElementById(button.dataset.copyFrom);
    if (!source) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      if (!canCopy) {
        source.select(); // the visitor can then copy it themselves
        say(button, "Selected: press Ctrl+C, or Cmd+C on a Mac, to copy");
        return;
      }
      navigator.clipboard.writeText(source.value).then(function () {
        say(button, button.dataset.copied);
      });
    });
  });

  // The share list's link to the page: a click copies the address instead of reloading.
  document.querySelectorAll("a[data-copy]").forEach(function (link) {
    if (!canCopy) {
      return;
    }
    link.querySelector(".copy-label").textContent = link.dataset.copyLabel;
    var status = document.createElement("span");
    status.className = "copy-status";
    status.setAttribute("role", "status");
    link.parentNode.appendChild(status);
    link.addEventListener("click", function (event) {
      event.preventDefault();
      navigator.clipboard.writeText(link.dataset.copy).then(function () {
        status.textContent = link.dataset.copied;
      });
    });
  });

  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      window.print();
    });
  });
})();

// The phone's menu (a details element) closes with Escape, as a menu does, and gives
// focus back to its button.
(function () {
  "use strict";

  var menu = document.querySelector("details.site-menu");
  if (!menu) {
    return;
  }
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && menu.open) {
      menu.open = false;
      menu.querySelector("summary").focus();
    }
  });
})();
