// The record form: officers rows, the 问/答 editor (add, remove, reorder) and draft autosave.
// Autosave answers {"ok": true, "saved_at": …} or, when refused, {"ok": false, "error": …} with its status.
(function () {
  "use strict";
  var form = document.getElementById("record-form");
  if (!form) { return; }
  var status = document.getElementById("autosave-status");
  var timer = null;

  function clearRow(row) {
    row.querySelectorAll("input, textarea").forEach(function (el) { el.value = ""; });
    return row;
  }

  var addOfficer = document.getElementById("add-officer");
  if (addOfficer) {
    addOfficer.addEventListener("click", function () {
      var rows = document.querySelectorAll("#officers .officer-row");
      var row = clearRow(rows[rows.length - 1].cloneNode(true));
      document.getElementById("officers").appendChild(row);
    });
  }

  var list = document.getElementById("qa-list");
  if (list) {
    document.getElementById("qa-add").addEventListener("click", function () {
      var pairs = list.querySelectorAll(".qa-pair");
      var pair = clearRow(pairs[pairs.length - 1].cloneNode(true));
      list.appendChild(pair);
      pair.querySelector("textarea").focus();
      count();
      schedule();
    });
    list.addEventListener("click", function (ev) {
      var pair = ev.target.closest(".qa-pair");
      if (!pair) { return; }
      if (ev.target.classList.contains("qa-remove")) {
        if (list.querySelectorAll(".qa-pair").length > 1) { pair.remove(); } else { clearRow(pair); }
      } else if (ev.target.classList.contains("qa-up") && pair.previousElementSibling) {
        list.insertBefore(pair, pair.previousElementSibling);
      } else if (ev.target.classList.contains("qa-down") && pair.nextElementSibling) {
        list.insertBefore(pair.nextElementSibling, pair);
      } else { return; }
      count();
      schedule();
    });
  }

  function save() {
    var data = new FormData(form);
    fetch(form.dataset.autosave, {
      method: "POST", body: data, credentials: "same-origin",
      headers: {"X-CSRFToken": data.get("csrf_token"), "Accept": "application/json", "X-Requested-With": "fetch"}
    }).then(function (r) { return r.json().then(function (j) { return [r.ok, j]; }); })
      .then(function (res) {
        status.textContent = res[0] ? "草稿已自动保存 " + res[1].saved_at : "自动保存失败：" + (res[1].error || "");
        status.className = res[0] ? "text-success" : "text-danger";
      }).catch(function () { status.textContent = "自动保存失败（网络）"; status.className = "text-danger"; });
  }

  function schedule() {
    clearTimeout(timer);
    status.textContent = "正在编辑…";
    timer = setTimeout(save, 1500);
  }

  // The counter counts what the officer wrote (body, 问/答, the party's statement), as the
  // server does; the header's fields have limits of their own. Code points, like Python's len.
  var counter = document.getElementById("record-count");
  function count() {
    if (!counter) { return; }
    var written = form.querySelectorAll("#body, #confirmation, #qa-list textarea");
    var n = Array.prototype.reduce.call(written, function (sum, el) { return sum + Array.from(el.value).length; }, 0);
    counter.querySelector(".count").textContent = n;
    counter.classList.toggle("text-danger", n > Number(counter.dataset.max));
  }

  // The scenario folds above the form on a phone and stays open on a wide screen.
  var scenario = document.getElementById("scenario");
  if (scenario && window.matchMedia("(min-width: 992px)").matches) { scenario.open = true; }

  form.addEventListener("input", function () { count(); schedule(); });
  count();
  form.addEventListener("submit", function (ev) {
    clearTimeout(timer);
    if (ev.submitter && ev.submitter.value === "submit" && !window.confirm("提交后不能再修改，确定提交吗？")) {
      ev.preventDefault();
    }
  });
})();
