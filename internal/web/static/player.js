// Lineup's player: hls.js on a <video>, with audio, subtitle and quality
// menus, thumbnail previews while scrubbing, resume, keyboard control and a
// progress report every 10 seconds.
(function () {
  "use strict";
  var root = document.getElementById("player");
  if (!root) return;
  var video = document.getElementById("video");
  var titleID = Number(root.dataset.title);
  var csrf = root.dataset.csrf;
  var status = document.getElementById("status");
  var audioSel = document.getElementById("audio");
  var subSel = document.getElementById("subtitles");
  var qualSel = document.getElementById("quality");
  var seek = document.getElementById("seek");
  var thumb = document.getElementById("thumb");
  var playBtn = document.getElementById("play");
  var timeEl = document.getElementById("time");
  var hls = null, assetID = 0, thumbs = [];

  function say(msg) { status.textContent = msg; }
  // msg is one of the page's translated messages (data-msg-* on #player),
  // with its %s or %d filled in: sentences are translated whole.
  function msg(key, arg) {
    var m = root.dataset["msg" + key.charAt(0).toUpperCase() + key.slice(1)] || key;
    return arg === undefined ? m : m.replace(/%[sd]/, String(arg));
  }
  function clock(s) {
    s = Math.max(0, Math.floor(s || 0));
    var h = Math.floor(s / 3600), m = Math.floor(s / 60) % 60, sec = s % 60;
    var mm = h ? String(m).padStart(2, "0") : String(m);
    return (h ? h + ":" : "") + mm + ":" + String(sec).padStart(2, "0");
  }
  function post(url, body, keepalive) {
    return fetch(url, {
      method: "POST", credentials: "same-origin", keepalive: !!keepalive,
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify(body)
    });
  }

  function option(sel, value, label) {
    var o = document.createElement("option");
    o.value = String(value);
    o.textContent = label;
    sel.appendChild(o);
  }

  function parseThumbs(text, base) {
    // WebVTT cues whose text is "sprite.jpg#xywh=x,y,w,h".
    var out = [], blocks = text.split(/\r?\n\r?\n/);
    function secs(t) {
      var p = t.trim().split(":").map(Number);
      return p.length === 3 ? p[0] * 3600 + p[1] * 60 + p[2] : p[0] * 60 + p[1];
    }
    blocks.forEach(function (b) {
      var lines = b.split(/\r?\n/), i = lines.findIndex(function (l) { return l.indexOf("-->") >= 0; });
      if (i < 0 || !lines[i + 1]) return;
      var se = lines[i].split("-->"), ref = lines[i + 1].trim(), hash = ref.split("#xywh=");
      if (hash.length !== 2) return;
      var xywh = hash[1].split(",").map(Number);
      out.push({ start: secs(se[0]), end: secs(se[1]), url: new URL(hash[0], base).href, x: xywh[0], y: xywh[1], w: xywh[2], h: xywh[3] });
    });
    return out;
  }

  function showThumb(t, px) {
    var c = thumbs.find(function (c) { return t >= c.start && t < c.end; });
    if (!c) { thumb.style.display = "none"; return; }
    thumb.style.display = "block";
    thumb.style.width = c.w + "px";
    thumb.style.height = c.h + "px";
    thumb.style.backgroundImage = "url(" + c.url + ")";
    thumb.style.backgroundPosition = (-c.x) + "px " + (-c.y) + "px";
    thumb.style.left = Math.max(0, px - c.w / 2) + "px";
  }

  function fillSubtitles() {
    // "Off" stays first; the tracks follow in the master playlist's order.
    while (subSel.options.length > 1) subSel.remove(1);
    hls.subtitleTracks.forEach(function (t, i) { option(subSel, i, t.name || t.lang || msg("subtitles", i + 1)); });
  }

  function start(grant) {
    var src = grant.stream_url;
    assetID = Number(src.split("/")[3]);
    if (!window.Hls || !Hls.isSupported()) {
      if (video.canPlayType("application/vnd.apple.mpegurl")) { video.src = src; }
      else { say(msg("nohls")); return; }
    } else {
      hls = new Hls({ startPosition: grant.resume_position || -1, capLevelToPlayerSize: false });
      hls.on(Hls.Events.MANIFEST_PARSED, function () {
        hls.levels.forEach(function (l, i) { option(qualSel, i, l.height + "p"); });
        audioSel.textContent = "";
        hls.audioTracks.forEach(function (t, i) { option(audioSel, i, t.name || t.lang || msg("track", i + 1)); });
        audioSel.value = String(hls.audioTrack);
        fillSubtitles();
        video.play().catch(function () { say(msg("press")); });
      });
      hls.on(Hls.Events.SUBTITLE_TRACKS_UPDATED, fillSubtitles);
      hls.on(Hls.Events.AUDIO_TRACKS_UPDATED, function () {
        if (audioSel.options.length === hls.audioTracks.length) return;
        audioSel.textContent = "";
        hls.audioTracks.forEach(function (t, i) { option(audioSel, i, t.name || t.lang || msg("track", i + 1)); });
      });
      hls.on(Hls.Events.ERROR, function (_, d) {
        if (d.fatal) say(d.response && d.response.code === 403 ? msg("expired") : msg("stopped", d.details));
      });
      hls.loadSource(src);
      hls.attachMedia(video);
    }
    if (grant.resume_position > 0) say(msg("resuming", clock(grant.resume_position)));
    fetch(grant.thumbnails_url, { credentials: "same-origin" }).then(function (r) { return r.ok ? r.text() : ""; })
      .then(function (t) { if (t) thumbs = parseThumbs(t, new URL(grant.thumbnails_url, location.href)); }).catch(function () {});
  }

  audioSel.addEventListener("change", function () { if (hls) hls.audioTrack = Number(audioSel.value); });
  subSel.addEventListener("change", function () {
    if (hls) { hls.subtitleTrack = Number(subSel.value); hls.subtitleDisplay = Number(subSel.value) >= 0; }
  });
  qualSel.addEventListener("change", function () { if (hls) hls.currentLevel = Number(qualSel.value); });
  playBtn.addEventListener("click", function () { video.paused ? video.play() : video.pause(); });
  document.getElementById("fullscreen").addEventListener("click", function () {
    if (document.fullscreenElement) document.exitFullscreen(); else root.requestFullscreen();
  });
  video.addEventListener("play", function () { playBtn.textContent = "❚❚ " + msg("pause"); });
  video.addEventListener("pause", function () { playBtn.textContent = "▶ " + msg("play"); report("stop"); });
  video.addEventListener("loadedmetadata", function () { seek.max = String(Math.floor(video.duration || 0)); });
  video.addEventListener("timeupdate", function () {
    if (document.activeElement !== seek) seek.value = String(Math.floor(video.currentTime));
    timeEl.textContent = clock(video.currentTime) + " / " + clock(video.duration);
  });
  seek.addEventListener("input", function () { video.currentTime = Number(seek.value); });
  seek.addEventListener("mousemove", function (e) {
    var r = seek.getBoundingClientRect(), f = (e.clientX - r.left) / r.width;
    showThumb(f * (video.duration || 0), e.clientX - r.left);
  });
  seek.addEventListener("mouseleave", function () { thumb.style.display = "none"; });

  document.addEventListener("keydown", function (e) {
    if (e.target.tagName === "SELECT" || e.target.tagName === "INPUT" && e.target !== seek) return;
    switch (e.key) {
      case " ": case "k": e.preventDefault(); video.paused ? video.play() : video.pause(); break;
      case "ArrowLeft": e.preventDefault(); video.currentTime = Math.max(0, video.currentTime - 10); break;
      case "ArrowRight": e.preventDefault(); video.currentTime = Math.min(video.duration || 0, video.currentTime + 10); break;
      case "ArrowUp": e.preventDefault(); video.volume = Math.min(1, video.volume + 0.1); break;
      case "ArrowDown": e.preventDefault(); video.volume = Math.max(0, video.volume - 0.1); break;
      case "m": video.muted = !video.muted; break;
      case "f": document.fullscreenElement ? document.exitFullscreen() : root.requestFullscreen(); break;
      case "c":
        var next = Number(subSel.value) + 1;
        if (next >= subSel.options.length - 1) next = -1;
        subSel.value = String(next); subSel.dispatchEvent(new Event("change")); break;
    }
  });

  var last = -1, stopped = false;
  function report(event, keepalive) {
    if (!assetID || !isFinite(video.duration) || video.currentTime === last && event === "heartbeat") return;
    // After a stop (pause), the first heartbeat of a resume counts from
    // itself: say "start" so the viewing time is measured again.
    if (event === "heartbeat" && stopped) { event = "start"; }
    stopped = event === "stop";
    last = video.currentTime;
    post(root.dataset.progressUrl, { title: titleID, asset: assetID, position: video.currentTime, duration: video.duration, event: event }, keepalive)
      .catch(function () {});
  }
  setInterval(function () { if (!video.paused) report("heartbeat"); }, 10000);
  window.addEventListener("pagehide", function () { report("stop", true); });

  post(root.dataset.playbackUrl, { title: titleID }).then(function (r) {
    return r.json().then(function (body) {
      if (!r.ok) throw new Error(body.detail || "playback refused");
      return body;
    });
  }).then(start).catch(function (e) { say(e.message); });
})();
