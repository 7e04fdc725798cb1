// Results as you type: asks /api/v1/search after a short pause and redraws
// the cards; the form still works without JavaScript.
(function () {
  "use strict";
  var input = document.getElementById("q"), results = document.getElementById("results");
  if (!input || !results) return;
  var timer = 0, seq = 0;
  function hue(id) { return (id * 47) % 360; }
  function draw(hits, q) {
    results.textContent = "";
    if (!hits.length) {
      if (q) { var p = document.createElement("p"); p.className = "muted"; p.textContent = (results.dataset.msgNothing || "Nothing matches “%s”.").replace("%s", q); results.appendChild(p); }
      return;
    }
    var ol = document.createElement("ol");
    hits.forEach(function (h) {
      var li = document.createElement("li"); li.className = "card";
      var a = document.createElement("a"); a.href = "/titles/" + h.title_id;
      var poster = document.createElement("div"); poster.className = "poster"; poster.style.setProperty("--hue", hue(h.title_id));
      var span = document.createElement("span"); span.textContent = h.title;
      poster.appendChild(span); a.appendChild(poster); li.appendChild(a);
      if (!h.available && h.starts_at) {
        var m = document.createElement("p"); m.className = "meta when";
        m.textContent = (results.dataset.msgFrom || "From %s").replace("%s", new Date(h.starts_at).toLocaleDateString(document.documentElement.lang || undefined, { day: "numeric", month: "long" }));
        li.appendChild(m);
      }
      ol.appendChild(li);
    });
    results.appendChild(ol);
  }
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var q = input.value.trim(), mine = ++seq;
      history.replaceState(null, "", q ? "/search?q=" + encodeURIComponent(q) : "/search");
      if (!q) { draw([], ""); return; }
      fetch("/api/v1/search?q=" + encodeURIComponent(q), { credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (body) { if (mine === seq) draw(body.hits || [], q); })
        .catch(function () {});
    }, 150);
  });
})();
