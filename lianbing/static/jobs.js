// A job's page: poll its status every second, move the progress bar, and reload the page once
// the job has finished (the server then shows the download or the reason and 重试).
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box || box.dataset.finished === "true") { return; }
  var bar = document.querySelector("#job-progress .progress-bar");
  var wrap = document.getElementById("job-progress");
  var statusText = document.getElementById("job-status");
  var stage = document.getElementById("job-stage");
  var count = document.getElementById("job-count");

  function show(state) {
    bar.style.width = state.percent + "%";
    bar.textContent = state.percent + "%";
    wrap.setAttribute("aria-valuenow", String(state.percent));
    statusText.textContent = state.status_label;
    stage.textContent = state.stage || "";
    count.textContent = state.total ? state.done + " / " + state.total : "";
  }

  function poll() {
    fetch(box.dataset.statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (state) {
        if (!state) { window.setTimeout(poll, 5000); return; }
        show(state);
        if (state.finished) { window.location.reload(); return; }
        window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }

  window.setTimeout(poll, 500);
})();
