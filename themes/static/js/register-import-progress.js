// The register import's progress bar: poll the job's status until it finishes, then reload.
// A static file rather than an inline script, so the Content-Security-Policy needs no exception.
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var box = document.getElementById("register-job-progress");
  if (!box) { return; }
  var url = box.getAttribute("data-status-url");
  var bar = document.getElementById("register-job-bar");
  var done = document.getElementById("register-job-done");
  var total = document.getElementById("register-job-total");
  var status = document.getElementById("register-job-status");
  function poll() {
    fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json", "X-Requested-With": "XMLHttpRequest"}})
      .then(function (response) { return response.json(); })
      .then(function (data) {
        bar.value = data.percent;
        bar.textContent = data.percent + "%";
        done.textContent = data.done;
        total.textContent = data.total;
        status.textContent = data.status_label;
        if (data.finished) {
          window.location.reload();
        } else {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 500);
});
