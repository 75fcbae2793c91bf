// The check run page's progress bar: polls the run's progress (JSON) every
// second while it runs; no library, no remote script.
(function () {
  "use strict";
  var panel = document.querySelector("[data-run-progress]");
  if (!panel || panel.getAttribute("data-running") !== "1") {
    return;
  }
  var url = panel.getAttribute("data-run-progress");
  function field(name) {
    return panel.querySelector('[data-field="' + name + '"]');
  }
  function show(data) {
    field("status").textContent = data.status_label;
    field("done").textContent = data.done;
    field("total").textContent = data.total;
    field("bar").value = data.percent;
    field("bar").textContent = data.percent + "%";
    field("percent").textContent = data.percent + "%";
  }
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.json();
      })
      .then(function (data) {
        show(data);
        if (data.finished) {
          window.location.reload();
        } else {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () {
        window.setTimeout(poll, 5000);
      });
  }
  window.setTimeout(poll, 1000);
})();
