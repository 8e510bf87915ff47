/* JiaYi workspace: charts from JSON blocks, SLA countdowns. No inline scripts (CSP). */
(function () {
  "use strict";

  function drawCharts(root) {
    if (typeof echarts === "undefined") { return; }
    root.querySelectorAll("[data-chart]:not([data-chart-ready])").forEach(function (el) {
      // The option is JSON in an attribute: htmx drops <script> elements from swapped content.
      var option = JSON.parse(el.getAttribute("data-option"));
      var chart = echarts.getInstanceByDom(el) || echarts.init(el, null, { renderer: "svg" });
      chart.setOption(option, true);
      el.setAttribute("data-chart-ready", "1");
    });
  }

  function text(minutes) {
    var late = minutes < 0, m = Math.abs(minutes), body;
    if (m < 60) { body = m + " 分钟"; }
    else if (m < 1440) { body = Math.floor(m / 60) + " 小时 " + (m % 60) + " 分"; }
    else { body = Math.floor(m / 1440) + " 天 " + Math.floor((m % 1440) / 60) + " 小时"; }
    return late ? "已超时 " + body : "剩 " + body;
  }

  function tick() {
    var now = Date.now();
    document.querySelectorAll("[data-deadline]").forEach(function (el) {
      var minutes = Math.floor((Number(el.getAttribute("data-deadline")) - now) / 60000);
      el.textContent = text(minutes);
      el.classList.toggle("late", minutes < 0);
    });
  }

  document.addEventListener("DOMContentLoaded", function () { drawCharts(document); tick(); });
  // After an outerHTML swap the event's target is the element that was replaced: look at the whole page.
  document.addEventListener("htmx:afterSettle", function () { drawCharts(document); tick(); });
  window.addEventListener("resize", function () {
    document.querySelectorAll("[data-chart-ready]").forEach(function (el) {
      var chart = echarts.getInstanceByDom(el);
      if (chart) { chart.resize(); }
    });
  });
  setInterval(tick, 30000);
}());
