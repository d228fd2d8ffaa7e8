// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  function toggleBackToTop() {
    var link = document.querySelector(".back-to-top");
    if (link) link.classList.toggle("visible", window.scrollY > 400);
  }
  window.addEventListener("scroll", toggleBackToTop, { passive: true });
  document.addEventListener("DOMContentLoaded", function () {
    toggleBackToTop();
    // Filter selects submit their form on change, so a phone user needs one tap less.
    document.querySelectorAll("form[data-autosubmit] select").forEach(function (select) {
      select.addEventListener("change", function () { select.form.submit(); });
    });
    // "Back to top" also moves keyboard focus there, not just the scroll position.
    var backToTop = document.querySelector(".back-to-top");
    if (backToTop) {
      backToTop.addEventListener("click", function () {
        var top = document.getElementById("top");
        if (top) top.focus({ preventScroll: true });
      });
    }
    // Confirm destructive actions.
    document.querySelectorAll("[data-confirm]").forEach(function (el) {
      el.addEventListener("click", function (event) {
        if (!window.confirm(el.getAttribute("data-confirm"))) event.preventDefault();
      });
    });
  });
})();
