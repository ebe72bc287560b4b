/* Draws every chart of a page from its JSON (json_script), under a strict CSP: no inline
 * script. A point whose customdata is a URL opens that page when clicked. */
(function () {
  "use strict";

  function draw(element) {
    var source = document.getElementById(element.dataset.chart);
    if (!source || typeof Plotly === "undefined") { return; }
    var figure = JSON.parse(source.textContent);
    var config = { responsive: true, displaylogo: false, displayModeBar: false };
    Plotly.newPlot(element, figure.data || [], figure.layout || {}, config).then(function () {
      element.classList.add("chart-ready");
    });
    element.on("plotly_click", function (event) {
      var point = event && event.points && event.points[0];
      var url = point && point.customdata;
      if (Array.isArray(url)) { url = url[0]; }
      if (typeof url === "string" && url.charAt(0) === "/") { window.location.assign(url); }
    });
  }

  function drawAll() {
    document.querySelectorAll("[data-chart]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
