// Lineup's player: hls.js on a <video>, with audio, subtitle and quality
// menus, thumbnail previews while scrubbing, resume, keyboard control and a
// progress report every 10 seconds. Streams are encrypted (HLS AES-128):
// hls.js fetches the key from the viewer's key URI; the player keeps its
// playlist token fresh, renews its stream lease, and says in the page why
// the service stopped it (moved country, signed out, too many streams, the
// window ended) instead of stalling.
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
  // The current playlist token and stream lease (POST /api/v1/playback).
  var token = "", lease = 0, stopped_by_service = false, timers = [];

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

  // fresh puts the current token into a token path (/stream/… or
  // /keys/…), so that URLs hls.js learnt from an older playlist keep
  // working after a refresh. Shared /media URLs carry no token.
  function fresh(url) {
    return token ? url.replace(/(\/(?:stream|keys)\/)[^\/]+\//, "$1" + token + "/") : url;
  }

  // detailOf reads the refusal's problem+json detail from a failed load.
  function detailOf(d) {
    try {
      var x = d.networkDetails, body = x && (x.response !== undefined ? x.response : x.responseText);
      if (body instanceof ArrayBuffer) body = new TextDecoder().decode(body);
      var p = JSON.parse(body);
      return p.detail || null;
    } catch (e) { return null; }
  }

  // refuse stops playback for good and says why (text), in the page.
  function refuse(text) {
    if (stopped_by_service) return;
    stopped_by_service = true;
    timers.forEach(function (t) { clearInterval(t); clearTimeout(t); });
    if (hls) { hls.destroy(); hls = null; }
    video.pause();
    status.classList.add("refused");
    status.setAttribute("role", "alert");
    say(text);
  }

  // problemText turns a refused fetch's problem+json into its detail.
  function problemText(r) {
    return r.json().then(function (p) { return p.detail || "playback refused"; }, function () { return "playback refused (" + r.status + ")"; });
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
    thumb.style.backgroundImage = "url(" + fresh(c.url) + ")";
    thumb.style.backgroundPosition = (-c.x) + "px " + (-c.y) + "px";
    thumb.style.left = Math.max(0, px - c.w / 2) + "px";
  }

  function fillSubtitles() {
    // "Off" stays first; the tracks follow in the master playlist's order.
    while (subSel.options.length > 1) subSel.remove(1);
    hls.subtitleTracks.forEach(function (t, i) { option(subSel, i, t.name || t.lang || msg("subtitles", i + 1)); });
  }

  // keep asks for a fresh token before the current one expires, and renews
  // the stream lease every heartbeat; a refusal stops playback with its
  // reason.
  function keep(grant) {
    timers.push(setTimeout(function refresh() {
      post(root.dataset.playbackUrl, { title: titleID, lease: lease }).then(function (r) {
        if (r.status === 403) return problemText(r).then(function (why) { refuse(msg("stopped", why)); });
        if (!r.ok) { timers.push(setTimeout(refresh, 5000)); return; }
        return r.json().then(function (g) {
          token = g.token; lease = g.lease;
          timers.push(setTimeout(refresh, g.refresh_after * 1000));
          // The title plays another asset now (a new encode, or `lineup
          // media protect` encrypted the clear one): switch to it where
          // the viewer is, rather than put its token into the old
          // asset's URLs.
          if (assetOf(g.stream_url) !== assetID) {
            load(g.stream_url, video.currentTime, !video.paused);
            loadThumbs(g);
          }
        });
      }).catch(function () { timers.push(setTimeout(refresh, 5000)); });
    }, grant.refresh_after * 1000));
    timers.push(setInterval(function () {
      post(grant.heartbeat_url, { title: titleID, lease: lease }).then(function (r) {
        if (r.status === 403) return problemText(r).then(function (why) { refuse(msg("stopped", why)); });
      }).catch(function () {});
    }, grant.heartbeat_seconds * 1000));
    window.addEventListener("pagehide", function () { post(grant.stop_url, { title: titleID, lease: lease }, true).catch(function () {}); });
  }

  // load plays the asset whose master playlist is src from position
  // (seconds, -1 for the start), replacing what played before: the menus
  // are filled again from its playlists.
  function load(src, position, autoplay) {
    assetID = assetOf(src);
    if (hls) { hls.destroy(); hls = null; }
    if (!window.Hls || !Hls.isSupported()) {
      if (video.canPlayType("application/vnd.apple.mpegurl")) {
        video.src = src;
        if (position > 0) video.addEventListener("loadedmetadata", function () { video.currentTime = position; }, { once: true });
      }
      else { say(msg("nohls")); return; }
    } else {
      // Every load (playlists, keys, segments) goes through fresh().
      var Base = Hls.DefaultConfig.loader;
      class TokenLoader extends Base {
        load(context, config, callbacks) { context.url = fresh(context.url); super.load(context, config, callbacks); }
      }
      hls = new Hls({ startPosition: position, capLevelToPlayerSize: false, loader: TokenLoader });
      hls.on(Hls.Events.MANIFEST_PARSED, function () {
        while (qualSel.options.length > 1) qualSel.remove(1);
        hls.levels.forEach(function (l, i) { option(qualSel, i, l.height + "p"); });
        audioSel.textContent = "";
        hls.audioTracks.forEach(function (t, i) { option(audioSel, i, t.name || t.lang || msg("track", i + 1)); });
        audioSel.value = String(hls.audioTrack);
        fillSubtitles();
        if (autoplay) video.play().catch(function () { say(msg("press")); });
      });
      hls.on(Hls.Events.SUBTITLE_TRACKS_UPDATED, fillSubtitles);
      hls.on(Hls.Events.AUDIO_TRACKS_UPDATED, function () {
        if (audioSel.options.length === hls.audioTracks.length) return;
        audioSel.textContent = "";
        hls.audioTracks.forEach(function (t, i) { option(audioSel, i, t.name || t.lang || msg("track", i + 1)); });
      });
      hls.on(Hls.Events.ERROR, function (_, d) {
        // A key or playlist the service refused (403) ends playback with
        // the service's own reason, fatal or not.
        if (d.response && d.response.code === 403) {
          var why = detailOf(d);
          refuse(why ? msg("stopped", why) : msg("expired"));
          return;
        }
        if (d.fatal) say(msg("stopped", d.details));
      });
      hls.loadSource(src);
      hls.attachMedia(video);
    }
  }

  function assetOf(url) { return Number(url.split("/")[3]); }

  function start(grant) {
    token = grant.token || "";
    lease = grant.lease || 0;
    keep(grant);
    load(grant.stream_url, grant.resume_position || -1, true);
    if (grant.resume_position > 0) say(msg("resuming", clock(grant.resume_position)));
    loadThumbs(grant);
  }

  function loadThumbs(grant) {
    fetch(fresh(grant.thumbnails_url), { credentials: "same-origin" }).then(function (r) { return r.ok ? r.text() : ""; })
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
