// Progress of a background job (import validation/commit, large export):
// poll the job's status URL and reload the page when the job is done, so
// the page shows the server-rendered result. Also keeps a submit button
// marked data-once from being clicked twice.
(function () {
  "use strict";
  var box = document.getElementById("import-status");
  if (box && box.dataset.running === "1") {
    var url = box.dataset.statusUrl;
    var bar = box.querySelector("[data-role=bar]");
    var text = box.querySelector("[data-role=progress-text]");
    var status = box.querySelector("[data-role=status]");
    var poll = function () {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) {
          if (!data) { window.setTimeout(poll, 3000); return; }
          if (bar) {
            bar.style.width = data.percent + "%";
            bar.parentNode.setAttribute("aria-valuenow", data.percent);
          }
          if (status) { status.textContent = data.status_display; }
          if (text && data.rows_total) {
            text.textContent = "已处理 " + data.rows_done + " / " + data.rows_total + "（" + data.percent + "%）";
          }
          if (data.final) { window.location.reload(); } else { window.setTimeout(poll, 1000); }
        })
        .catch(function () { window.setTimeout(poll, 3000); });
    };
    window.setTimeout(poll, 500);
  }
  document.querySelectorAll("form button[data-once]").forEach(function (button) {
    button.form.addEventListener("submit", function () {
      window.setTimeout(function () { button.disabled = true; button.textContent = "正在提交…"; }, 0);
    });
  });
})();
