// 素材库: copy a paragraph or the whole text, print, mark the outline entry being read, follow an import's progress.
"use strict";

function copyText(text) {
  // navigator.clipboard exists only on https or localhost; an intranet http page falls back.
  if (navigator.clipboard && window.isSecureContext) {
    return navigator.clipboard.writeText(text);
  }
  return new Promise(function (resolve, reject) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    var ok = document.execCommand("copy");
    document.body.removeChild(area);
    if (ok) { resolve(); } else { reject(new Error("copy failed")); }
  });
}

function setupCopy() {
  document.querySelectorAll("button.copy").forEach(function (button) {
    button.addEventListener("click", function () {
      var para = document.getElementById(button.dataset.copy);
      copyText(para ? paragraphText(para) : "").then(function () { flash(button, "已复制", "复制"); },
        function () { button.textContent = "复制失败"; });
    });
  });
}

function paragraphText(para) {
  var table = para.querySelector("table");
  // A table is copied one line a row, cells separated by tabs (pastes as a table).
  if (table) {
    return Array.prototype.map.call(table.rows, function (row) {
      return Array.prototype.map.call(row.cells, function (c) { return c.textContent; }).join("\t");
    }).join("\n");
  }
  var p = para.querySelector("p");
  return p ? p.textContent : "";
}

function flash(button, done, label) {
  button.textContent = done;
  button.classList.add("done");
  setTimeout(function () { button.textContent = label; button.classList.remove("done"); }, 1500);
}

function setupDocument() {
  // 一键复制全文: the title and every paragraph shown, one a line (issue 21).
  document.querySelectorAll("button.copy-all").forEach(function (button) {
    var label = button.textContent;
    button.addEventListener("click", function () {
      var lines = [document.querySelector(".doc-head h1").textContent];
      document.querySelectorAll(".text .para").forEach(function (para) {
        lines.push(paragraphText(para));
      });
      copyText(lines.join("\n")).then(function () { flash(button, "已复制全文", label); },
        function () { button.textContent = "复制失败"; });
    });
  });
  document.querySelectorAll("button.print").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
}

function setupConfirm() {
  // A form that deletes asks first (data-confirm holds the question).
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.dataset.confirm)) { event.preventDefault(); }
    });
  });
}

function setupToc() {
  var links = document.querySelectorAll(".toc a");
  links.forEach(function (link) {
    link.addEventListener("click", function () {
      links.forEach(function (l) { l.classList.remove("current"); });
      link.classList.add("current");
    });
  });
}

function cell(text) {
  var td = document.createElement("td");
  td.textContent = text;
  return td;
}

function setupImport() {
  var box = document.getElementById("job");
  if (!box) { return; }
  var names = { queued: "排队中", running: "导入中", done: "已完成", failed: "失败" };
  // As the catalogue says them (sucai/locale); the page, once done, explains each reason.
  var statuses = { imported: "已导入", duplicate: "重复", skipped: "跳过", refused: "拒绝（标有密级）", failed: "失败" };
  function poll() {
    fetch("/import/" + box.dataset.job + ".json", { headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        if (!data.ok) { return; }
        var job = data.job;
        document.getElementById("job-state").textContent = names[job.state] || job.state;
        document.getElementById("job-done").textContent = job.done;
        document.getElementById("job-total").textContent = job.total;
        var bar = document.getElementById("job-progress");
        bar.max = job.total || 1;
        bar.value = job.done;
        var body = document.getElementById("job-files");
        body.textContent = "";
        job.files.forEach(function (f) {
          var tr = document.createElement("tr");
          tr.appendChild(cell(f.path.split("/").pop()));
          tr.appendChild(cell(statuses[f.status] || f.status));
          tr.appendChild(cell(String(f.articles)));
          tr.appendChild(cell(f.message));
          body.appendChild(tr);
        });
        if (job.state === "done" || job.state === "failed") {
          window.location.reload();
        } else {
          setTimeout(poll, 1000);
        }
      }, function () { setTimeout(poll, 3000); });
  }
  if (box.dataset.state === "queued" || box.dataset.state === "running") { setTimeout(poll, 500); }
}

document.addEventListener("DOMContentLoaded", function () {
  setupCopy();
  setupDocument();
  setupConfirm();
  setupToc();
  setupImport();
});
