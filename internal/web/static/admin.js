// Admin pages: upload progress for ingest, and live encode progress on the
// jobs page (polling each running asset every second).
(function () {
  "use strict";
  var form = document.getElementById("ingest");
  if (form) {
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var fd = new FormData(form), body = new FormData();
      var title = fd.get("title");
      if (fd.get("audio") && fd.get("audio").size && fd.get("audio_lang")) body.append("audio:" + fd.get("audio_lang"), fd.get("audio"));
      if (fd.get("subtitle") && fd.get("subtitle").size && fd.get("subtitle_lang")) body.append("subtitle:" + fd.get("subtitle_lang"), fd.get("subtitle"));
      body.append("video", fd.get("video"));
      var box = document.getElementById("upload-progress"), bar = box.querySelector("i"), fig = document.getElementById("upload-figure");
      box.hidden = false;
      var xhr = new XMLHttpRequest();
      xhr.open("POST", "/api/v1/titles/" + encodeURIComponent(title) + "/assets");
      xhr.setRequestHeader("X-CSRF-Token", fd.get("csrf"));
      xhr.upload.onprogress = function (ev) {
        if (!ev.lengthComputable) return;
        var pct = Math.round(100 * ev.loaded / ev.total);
        bar.style.width = pct + "%"; fig.textContent = pct + "%";
      };
      xhr.onload = function () {
        if (xhr.status === 202) { location.href = "/admin/jobs"; return; }
        var msg = form.dataset.msgRefused;
        try { msg = JSON.parse(xhr.responseText).detail || msg; } catch (_) {}
        fig.textContent = msg;
      };
      xhr.onerror = function () { fig.textContent = form.dataset.msgBroke; };
      xhr.send(body);
    });
  }
  var jobs = document.getElementById("jobs");
  if (jobs) {
    var done = { ready: 1, failed: 1, cancelled: 1 };
    // The page names each state in its language.
    var names = {};
    try { names = JSON.parse(jobs.dataset.states || "{}"); } catch (_) {}
    setInterval(function () {
      jobs.querySelectorAll("tr[data-asset]").forEach(function (row) {
        if (done[row.dataset.state]) return;
        fetch("/api/v1/assets/" + row.dataset.asset, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (a) {
          row.dataset.state = a.state;
          row.querySelector(".state").textContent = names[a.state] || a.state;
          var pct = Math.round(a.progress || 0);
          row.querySelector(".bar i").style.width = pct + "%";
          row.querySelector(".bar").setAttribute("aria-valuenow", pct);
          row.querySelector(".figure").textContent = pct + "%";
          row.querySelector(".speed").textContent = a.speed ? a.speed.toFixed(1) + "×" : "";
        }).catch(function () {});
      });
    }, 1000);
  }
})();
