/* cfcity charts in the browser: small functions over Apache ECharts (served by the app from
 * npm's node_modules as {% static 'vendor/echarts/echarts.min.js' %}, loaded before this file).
 *
 * A page embeds its data with Django's json_script and marks where a chart goes:
 *
 *   {{ trend|json_script:"trend-42" }}
 *   <div data-chart="trend" data-chart-data="trend-42"></div>
 *   <script src="{% static 'vendor/echarts/echarts.min.js' %}" defer></script>
 *   <script src="{% static 'cfcity/charts.js' %}" defer></script>
 *
 * and cfcityCharts.autoInit() (run by itself once the page has loaded) draws every
 * [data-chart] element. The data are those of cfcity.monitoring.charts (the Word charts):
 *
 *   trend:      {title, unit, target: number|null, points: [[label, value], …],
 *                expected: [[label, value], …]|null}   (expected: baseline → target at deadline)
 *   status-bar: {title, rows: [[group name, {achieved: n, on_track: n, …}], …]}
 *
 * Charts are drawn as SVG, so they print crisply; they follow the window's size and are
 * redrawn for the printed page (beforeprint / afterprint).
 */
(function (global) {
  "use strict";

  var STATUSES = [
    { key: "achieved", label: "已达标", color: "#2e7d32" },
    { key: "on_track", label: "进展正常", color: "#66bb6a" },
    { key: "at_risk", label: "存在风险", color: "#f9a825" },
    { key: "off_track", label: "严重滞后", color: "#c62828" },
    { key: "no_data", label: "暂无数据", color: "#9e9e9e" },
    { key: "not_due", label: "未到评估期", color: "#90caf9" }
  ];
  var VALUE_COLOR = "#1565c0";
  var TARGET_COLOR = "#c62828";
  var EXPECTED_COLOR = "#757575";
  var FONT = '"PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "WenQuanYi Zen Hei", sans-serif';
  var charts = [];

  function fmt(value) {
    if (value === null || value === undefined || isNaN(value)) return "—";
    var v = Number(value);
    return Math.abs(v) < 1e4 ? String(parseFloat(v.toPrecision(4)))
      : Math.round(v).toLocaleString("zh-CN");
  }

  function withUnit(value, unit) {
    var text = fmt(value);
    return unit && text !== "—" ? text + " " + unit : text;
  }

  function naturalKey(label) {
    return (label.match(/\d+/g) || []).map(Number);
  }

  function compareLabels(a, b) {
    var ka = naturalKey(a), kb = naturalKey(b);
    for (var i = 0; i < Math.min(ka.length, kb.length); i++) {
      if (ka[i] !== kb[i]) return ka[i] - kb[i];
    }
    if (ka.length !== kb.length) return ka.length - kb.length;
    return a < b ? -1 : a > b ? 1 : 0;
  }

  /* Every label once: in numeric order when all carry numbers (years, quarters), otherwise
     in order of first appearance (as the Word charts do). */
  function categories() {
    var seen = {}, labels = [];
    for (var s = 0; s < arguments.length; s++) {
      (arguments[s] || []).forEach(function (p) {
        var label = String(p[0]);
        if (!Object.prototype.hasOwnProperty.call(seen, label)) {
          seen[label] = true;
          labels.push(label);
        }
      });
    }
    if (labels.length && labels.every(function (l) { return /\d/.test(l); })) {
      labels.sort(compareLabels);
    }
    return labels;
  }

  function along(labels, points) {
    var byLabel = {};
    (points || []).forEach(function (p) { byLabel[String(p[0])] = p[1]; });
    return labels.map(function (l) {
      return Object.prototype.hasOwnProperty.call(byLabel, l) ? byLabel[l] : null;
    });
  }

  /* Tooltips drawn inside the chart, not as HTML: ECharts' HTML tooltips carry style="…"
     attributes, which the Content-Security-Policy (style-src 'self') refuses. */
  var TOOLTIP_MODE = "richText";

  function init(el, defaultHeight) {
    if (!global.echarts) {
      throw new Error("cfcityCharts: ECharts is not loaded (vendor/echarts/echarts.min.js)");
    }
    var old = global.echarts.getInstanceByDom(el);
    if (old) {
      old.dispose();
      charts = charts.filter(function (c) { return c !== old; });
    }
    if (!el.style.height && el.clientHeight < 50) el.style.height = defaultHeight + "px";
    var chart = global.echarts.init(el, null, { renderer: "svg", locale: "ZH" });
    charts.push(chart);
    return chart;
  }

  function title(text) {
    return { text: text || "", left: 0, top: 0,
             textStyle: { fontSize: 15, fontWeight: "bold", fontFamily: FONT } };
  }

  function emptyGraphic(show) {
    return show ? [{ type: "text", left: "center", top: "middle",
                     style: { text: "暂无数据", fontSize: 16, fill: "#9e9e9e", fontFamily: FONT } }]
      : [];
  }

  /* A target's values over time, the target value (dashed) and the expected path. */
  function trend(el, data) {
    data = data || {};
    var unit = data.unit || "";
    var points = data.points || [];
    var expected = data.expected || [];
    var hasTarget = data.target !== null && data.target !== undefined;
    var labels = categories(points, expected);
    var series = [];
    var legend = [];
    if (expected.length) {
      legend.push("预期进度");
      series.push({ name: "预期进度", type: "line", data: along(labels, expected),
                    connectNulls: true, symbol: "circle", symbolSize: 5,
                    lineStyle: { type: "dotted", width: 2, color: EXPECTED_COLOR },
                    itemStyle: { color: EXPECTED_COLOR } });
    }
    legend.push("实际值");
    series.push({ name: "实际值", type: "line", data: along(labels, points), connectNulls: true,
                  symbol: "circle", symbolSize: 8, z: 3,
                  lineStyle: { width: 3, color: VALUE_COLOR }, itemStyle: { color: VALUE_COLOR },
                  label: { show: true, position: "top", color: VALUE_COLOR,
                           formatter: function (p) { return fmt(p.value); } } });
    if (hasTarget) {
      var name = "目标值 " + withUnit(data.target, unit);
      legend.push(name);
      // a series of its own (not a markLine) so that the value axis always reaches it
      series.push({ name: name, type: "line", symbol: "none", silent: true,
                    data: labels.map(function () { return data.target; }),
                    lineStyle: { type: "dashed", width: 2, color: TARGET_COLOR },
                    itemStyle: { color: TARGET_COLOR } });
    }
    var chart = init(el, 320);
    chart.setOption({
      textStyle: { fontFamily: FONT },
      title: title(data.title),
      legend: { data: legend, bottom: 0, show: points.length > 0 || expected.length > 0 || hasTarget,
                textStyle: { fontFamily: FONT } },
      grid: { left: 8, right: 24, top: data.title ? 56 : 32, bottom: 36, outerBoundsMode: "same", outerBoundsContain: "all" },
      tooltip: { trigger: "axis", renderMode: TOOLTIP_MODE,
                 valueFormatter: function (v) { return withUnit(v, unit); } },
      xAxis: { type: "category", data: labels, boundaryGap: true,
               axisLabel: { fontFamily: FONT } },
      yAxis: { type: "value", scale: true, name: unit ? "单位：" + unit : "",
               nameTextStyle: { align: "left", fontFamily: FONT },
               axisLabel: { formatter: fmt } },
      graphic: emptyGraphic(!points.length),
      series: series
    });
    return chart;
  }

  /* Status counts per group (domains, actions, departments, towns), stacked, first on top. */
  function statusBar(el, data) {
    data = data || {};
    var rows = data.rows || [];
    var names = rows.map(function (r) { return String(r[0]); });
    var series = STATUSES.map(function (s) {
      return {
        name: s.label, type: "bar", stack: "status", barMaxWidth: 28,
        itemStyle: { color: s.color, borderColor: "#fff", borderWidth: 0.5 },
        emphasis: { focus: "series" },
        label: { show: true, fontFamily: FONT,
                 color: s.key === "achieved" || s.key === "off_track" ? "#fff" : "#000",
                 formatter: function (p) { return p.value ? String(p.value) : ""; } },
        data: rows.map(function (r) { return (r[1] || {})[s.key] || 0; })
      };
    });
    var chart = init(el, 110 + 36 * Math.max(rows.length, 1));
    chart.setOption({
      textStyle: { fontFamily: FONT },
      title: title(data.title),
      color: STATUSES.map(function (s) { return s.color; }),
      legend: { bottom: 0, itemWidth: 14, textStyle: { fontFamily: FONT } },
      grid: { left: 8, right: 24, top: data.title ? 40 : 12, bottom: 40, outerBoundsMode: "same", outerBoundsContain: "all" },
      tooltip: { trigger: "axis", renderMode: TOOLTIP_MODE, axisPointer: { type: "shadow" },
                 valueFormatter: function (v) { return v + " 个目标"; } },
      xAxis: { type: "value", minInterval: 1, name: "目标数", nameLocation: "end" },
      yAxis: { type: "category", data: names, inverse: true,
               axisLabel: { fontFamily: FONT } },
      graphic: emptyGraphic(!rows.length),
      series: series
    });
    return chart;
  }

  var DRAW = { "trend": trend, "status-bar": statusBar, "statusBar": statusBar };

  /* Draw every [data-chart] element under root (default: the document); its data come from
     the JSON element named by data-chart-data (or, failing that, the next json_script). */
  function autoInit(root) {
    var drawn = [];
    (root || document).querySelectorAll("[data-chart]").forEach(function (el) {
      var draw = DRAW[el.getAttribute("data-chart")];
      if (!draw) {
        if (global.console) console.error("cfcityCharts: unknown chart type", el);
        return;
      }
      var id = el.getAttribute("data-chart-data");
      var source = id ? document.getElementById(id) : null;
      if (!source) {
        if (global.console) console.error("cfcityCharts: no data for chart", el);
        return;
      }
      drawn.push(draw(el, JSON.parse(source.textContent)));
    });
    return drawn;
  }

  function resizeAll() {
    charts.forEach(function (c) {
      if (!c.isDisposed()) c.resize({ animation: { duration: 0 } });
    });
  }

  var pending = false;
  global.addEventListener("resize", function () {
    if (pending) return;
    pending = true;
    global.requestAnimationFrame(function () { pending = false; resizeAll(); });
  });
  // the printed page is narrower than the window: redraw for it, and back afterwards
  global.addEventListener("beforeprint", resizeAll);
  global.addEventListener("afterprint", resizeAll);
  if (global.matchMedia) {
    var print = global.matchMedia("print");
    if (print.addEventListener) print.addEventListener("change", resizeAll);
  }

  global.cfcityCharts = {
    trend: trend,
    statusBar: statusBar,
    autoInit: autoInit,
    resizeAll: resizeAll,
    STATUSES: STATUSES,
    fmt: fmt
  };

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { autoInit(); });
  } else {
    autoInit();
  }
})(window);
