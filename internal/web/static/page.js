// Every page: the menu button that opens the sections on a phone, and the
// back and forward buttons of the rows of cards. Without JavaScript the menu
// stays open and the rows scroll by touch or trackpad.
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  function ready(fn) {
    if (document.readyState !== "loading") fn(); else document.addEventListener("DOMContentLoaded", fn);
  }
  ready(function () {
    var button = document.querySelector(".menu-button"), nav = document.getElementById("main-nav");
    if (button && nav) {
      button.addEventListener("click", function () {
        var open = nav.classList.toggle("open");
        button.setAttribute("aria-expanded", String(open));
      });
    }
    var msg = document.body.dataset;
    document.querySelectorAll(".row > ol").forEach(function (list) {
      var back = document.createElement("button"), fwd = document.createElement("button");
      back.type = fwd.type = "button";
      back.className = "row-scroll back secondary"; fwd.className = "row-scroll forward secondary";
      back.textContent = "‹"; fwd.textContent = "›";
      back.setAttribute("aria-label", msg.msgBack || "Scroll back");
      fwd.setAttribute("aria-label", msg.msgForward || "Scroll forward");
      function step(dir) { list.scrollBy({ left: dir * list.clientWidth * 0.8, behavior: "smooth" }); }
      function update() {
        back.disabled = list.scrollLeft <= 2;
        fwd.disabled = list.scrollLeft + list.clientWidth >= list.scrollWidth - 2;
      }
      back.addEventListener("click", function () { step(-1); });
      fwd.addEventListener("click", function () { step(1); });
      list.addEventListener("scroll", update, { passive: true });
      window.addEventListener("resize", update);
      var wrap = document.createElement("div");
      wrap.className = "row-scroller";
      list.parentNode.insertBefore(wrap, list);
      wrap.appendChild(back); wrap.appendChild(list); wrap.appendChild(fwd);
      update();
    });
  });
})();
