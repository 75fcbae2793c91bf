/* Comfort for the cadre list and the unit tree. Every state lives in the
   URL and every action works without this script: it only saves clicks. */
(function () {
  "use strict";

  document.documentElement.classList.add("js");

  // Changing the page size reloads the list at once.
  document.querySelectorAll("select.js-autosubmit").forEach(function (select) {
    select.addEventListener("change", function () {
      var form = select.form;
      if (form) {
        form.requestSubmit ? form.requestSubmit() : form.submit();
      }
    });
  });

  // Column chooser: tick all, or go back to the default set.
  document.querySelectorAll("[data-columns]").forEach(function (button) {
    button.addEventListener("click", function () {
      var all = button.getAttribute("data-columns") === "all";
      var chooser = button.closest(".column-chooser");
      if (!chooser) {
        return;
      }
      chooser.querySelectorAll('input[name="cols"]:not([disabled])').forEach(function (box) {
        box.checked = all || box.getAttribute("data-default") === "1";
      });
    });
  });

  // "/" jumps to the search box, as in most list pages.
  var search = document.getElementById("id_q");
  if (search) {
    document.addEventListener("keydown", function (event) {
      var target = event.target;
      var typing = target && (target.tagName === "INPUT" || target.tagName === "SELECT" || target.tagName === "TEXTAREA");
      if (event.key === "/" && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
        event.preventDefault();
        search.focus();
        search.select();
      }
    });
  }

  // Unit tree: open or close every branch.
  document.querySelectorAll("[data-tree]").forEach(function (button) {
    button.addEventListener("click", function () {
      var open = button.getAttribute("data-tree") === "open";
      document.querySelectorAll(".unit-tree details").forEach(function (details) {
        details.open = open;
      });
    });
  });
})();
