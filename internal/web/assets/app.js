// orgrail dashboard: draws the charts from their data-chart attribute
// with the vendored uPlot. Loaded from the dashboard's own origin (the
// CSP allows no inline script); the static report inlines this file.
(function () {
  "use strict";
  var palette = ["#1f5fbf", "#c0392b", "#1e7e34", "#8e44ad", "#e67e22"];

  function draw(el) {
    var spec;
    try { spec = JSON.parse(el.getAttribute("data-chart")); } catch (e) { return; }
    if (!spec || !spec.x || spec.x.length === 0 || typeof uPlot === "undefined") { return; }
    var series = [{}];
    spec.names.forEach(function (name, i) {
      var s = { label: name, stroke: palette[i % palette.length], width: 2 };
      if (spec.bars) {
        s.fill = palette[i % palette.length] + "55";
        s.paths = uPlot.paths.bars({ size: [0.6, 40] });
      }
      series.push(s);
    });
    var opts = {
      title: spec.title,
      width: Math.max(320, el.clientWidth - 20),
      height: 280,
      series: series,
      axes: [{}, { label: spec.ylabel || "" }],
      scales: spec.ylabel === "%" ? { y: { range: [0, 100] } } : {}
    };
    if (spec.x.length === 1) {
      // One point: show a day either side instead of uPlot's guess.
      opts.scales.x = { time: true, range: [spec.x[0] - 86400, spec.x[0] + 86400] };
    }
    new uPlot(opts, [spec.x].concat(spec.y), el);
    el.setAttribute("data-rendered", "1");
  }

  function init() {
    var charts = document.querySelectorAll("[data-chart]");
    for (var i = 0; i < charts.length; i++) { draw(charts[i]); }
    document.documentElement.setAttribute("data-ready", "1");
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
