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
    // Confirm destructive actions.
    document.querySelectorAll("[data-confirm]").forEach(function (el) {
      el.addEventListener("click", function (event) {
        if (!window.confirm(el.getAttribute("data-confirm"))) event.preventDefault();
      });
    });
  });
})();
