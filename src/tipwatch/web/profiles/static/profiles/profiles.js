/* Draws every <canvas data-stacked="ID"> as stacked bars from the JSON in <script id="ID">
   ({labels, datasets: [{label, data}]}); the companion of static/tipwatch/charts.js.
   No inline script: the Content-Security-Policy allows scripts from 'self' only. */
(function () {
  "use strict";
  var PALETTE = ["#2f6f9f", "#d9822b", "#3a9d5d", "#b8415a", "#7d5ba6", "#c9a227", "#1f9aa6",
                 "#8c564b", "#e377c2", "#17becf"];
  var OTHER = "#9aa3ad";
  function draw(canvas) {
    var source = document.getElementById(canvas.dataset.stacked);
    if (!source || typeof Chart === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    var datasets = data.datasets.map(function (d, i) {
      return { label: d.label, data: d.data,
               backgroundColor: d.label === "other" ? OTHER : PALETTE[i % PALETTE.length] };
    });
    new Chart(canvas, {
      type: "bar",
      data: { labels: data.labels, datasets: datasets },
      options: {
        animation: false,
        maintainAspectRatio: false,
        plugins: { legend: { display: true, position: "bottom" } },
        scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } }
      }
    });
  }
  function init() { document.querySelectorAll("canvas[data-stacked]").forEach(draw); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
