// Charts of the Performance pages (Apache ECharts, served from static/vendor) and
// sortable tables. Plain DOM; every chart is clickable through to the complaint list.
var PerformanceCharts = (function () {
  var lang = "EN";

  function init(id) {
    var el = document.getElementById(id);
    if (!el || !window.echarts) return null;
    var chart = echarts.init(el, null, {locale: lang, renderer: "svg"});
    window.addEventListener("resize", function () { chart.resize(); });
    return chart;
  }

  function listUrl(base, args, scope) {
    var query = [];
    [args, scope || {}].forEach(function (source) {
      Object.keys(source).forEach(function (key) {
        if (source[key] !== null && source[key] !== undefined && source[key] !== "")
          query.push(encodeURIComponent(key) + "=" + encodeURIComponent(source[key]));
      });
    });
    return base + "?" + query.join("&");
  }

  return {
    listUrl: listUrl,
    locale: function (code) { lang = /^zh/i.test(code || "") ? "ZH" : "EN"; },

    // received / resolved / overdue per day; click(seriesKey, day)
    trend: function (id, data, click) {
      var chart = init(id);
      if (!chart) return;
      var keys = ["received", "resolved", "overdue"];
      chart.setOption({
        tooltip: {trigger: "axis"},
        legend: {top: 0, data: keys.map(function (k) { return data.names[k]; })},
        grid: {left: 40, right: 20, top: 40, bottom: 30},
        xAxis: {type: "category", data: data.days},
        yAxis: {type: "value", minInterval: 1},
        series: keys.map(function (k) {
          return {name: data.names[k], type: "line", data: data[k], smooth: false,
                  symbolSize: 6, itemStyle: k === "overdue" ? {color: "#c9302c"} : undefined};
        })
      });
      chart.on("click", function (p) { click(keys[p.seriesIndex], data.days[p.dataIndex]); });
    },

    // SLA met % per stage, this period and the previous one; click(stageIndex)
    sla: function (id, data, click) {
      var chart = init(id);
      if (!chart) return;
      chart.setOption({
        tooltip: {trigger: "axis", valueFormatter: function (v) { return v === null ? "—" : v + " %"; }},
        legend: {top: 0, data: data.series},
        grid: {left: 45, right: 10, top: 40, bottom: 30},
        xAxis: {type: "category", data: data.stages},
        yAxis: {type: "value", max: 100, axisLabel: {formatter: "{value} %"}},
        series: [
          {name: data.series[0], type: "bar", data: data.current, label: {show: true, position: "top", formatter: "{c} %"}},
          {name: data.series[1], type: "bar", data: data.previous, itemStyle: {color: "#bbb"}}
        ]
      });
      chart.on("click", function (p) { click(p.dataIndex); });
    },

    // stacked bars: rows (e.g. teams) × series (e.g. root causes); click(row, seriesKey)
    stacked: function (id, data, click) {
      var chart = init(id);
      if (!chart) return;
      chart.setOption({
        tooltip: {trigger: "axis", axisPointer: {type: "shadow"}},
        legend: {type: "scroll", top: 0},
        grid: {left: 150, right: 20, bottom: 30, top: 40},
        xAxis: {type: "value", minInterval: 1},
        yAxis: {type: "category", data: data.rows, inverse: true},
        series: data.series.map(function (s) {
          return {name: s.label, type: "bar", stack: "all", data: s.values};
        })
      });
      chart.on("click", function (p) { click(data.keys[p.dataIndex], data.series[p.seriesIndex].key); });
    },

    // the stage funnel: counts per stage
    funnel: function (id, data) {
      var chart = init(id);
      if (!chart) return;
      chart.setOption({
        tooltip: {trigger: "item"},
        series: [{type: "funnel", sort: "none", left: "10%", width: "80%", minSize: "20%",
                  label: {show: true, position: "inside", formatter: "{b}: {c}"},
                  data: data.map(function (s) { return {name: s.label, value: s.count}; })}]
      });
    }
  };
})();

// Click a header of a .sortable table to sort by that column (numbers as numbers).
document.addEventListener("click", function (event) {
  var th = event.target.closest("table.sortable th");
  if (!th) return;
  var table = th.closest("table"), index = Array.prototype.indexOf.call(th.parentNode.children, th);
  var body = table.tBodies[0], rows = Array.prototype.slice.call(body.rows);
  var ascending = th.getAttribute("data-order") !== "asc";
  Array.prototype.forEach.call(th.parentNode.children, function (h) { h.removeAttribute("data-order"); });
  th.setAttribute("data-order", ascending ? "asc" : "desc");
  function value(row) {
    var cell = row.cells[index], raw = cell.getAttribute("data-value");
    if (raw === null) raw = cell.textContent.trim();
    var number = parseFloat(raw);
    return raw === "" ? null : (isNaN(number) ? raw.toLowerCase() : number);
  }
  rows.sort(function (a, b) {
    var x = value(a), y = value(b);
    if (x === y) return 0;
    if (x === null) return 1;
    if (y === null) return -1;
    return (x < y ? -1 : 1) * (ascending ? 1 : -1);
  });
  rows.forEach(function (row) { body.appendChild(row); });
});
