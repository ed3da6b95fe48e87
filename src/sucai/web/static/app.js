// 素材库: copy a paragraph, mark the outline entry being read, follow an import's progress.
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
      var table = para ? para.querySelector("table") : null;
      // A table is copied one line a row, cells separated by tabs (pastes as a table).
      var text = table ? Array.prototype.map.call(table.rows, function (row) {
        return Array.prototype.map.call(row.cells, function (cell) { return cell.textContent; }).join("\t");
      }).join("\n") : (para ? para.querySelector("p").textContent : "");
      copyText(text).then(function () {
        button.textContent = "已复制";
        button.classList.add("done");
        setTimeout(function () { button.textContent = "复制"; button.classList.remove("done"); }, 1500);
      }, function () { button.textContent = "复制失败"; });
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
          tr.appendChild(cell(f.status));
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
  setupToc();
  setupImport();
});
