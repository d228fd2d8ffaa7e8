/* Draws each dashboard chart from its json_script element (the CSP allows no inline
   script). The table beside each chart holds the same numbers, so without JavaScript
   or Chart.js nothing is lost. */
(function () {
  "use strict";
  var PALETTE = ["#2f6f4f", "#d08a1f", "#7a8b99", "#3b6ea8", "#b3472d", "#6b5aa6"];

  function draw(canvas) {
    var source = document.getElementById(canvas.getAttribute("data-chart"));
    if (!source || typeof window.Chart === "undefined") { return; }
    var spec = JSON.parse(source.textContent);
    var round = spec.type === "doughnut";
    var datasets = spec.datasets.map(function (set, i) {
      var colour = PALETTE[i % PALETTE.length];
      return {
        label: set.label,
        data: set.data,
        backgroundColor: round ? PALETTE.slice(0, set.data.length) : colour,
        borderColor: round ? "#ffffff" : colour,
        spanGaps: true,
        tension: 0.2
      };
    });
    var horizontal = spec.type === "bar" && spec.labels.length > 8;
    new window.Chart(canvas, {
      type: spec.type,
      data: { labels: spec.labels, datasets: datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        indexAxis: horizontal ? "y" : "x",
        plugins: { legend: { display: round || datasets.length > 1 } },
        scales: round ? {} : { x: { beginAtZero: true }, y: { beginAtZero: true } }
      }
    });
    canvas.parentElement.setAttribute("data-drawn", "true");
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("canvas[data-chart]").forEach(draw);
  });
})();
