// Runs in the report page: draws every chart from the embedded JSON with
// Chart.js (inlined before this script). Animation is off so a chart is
// complete as soon as the page has loaded (screenshots, printing).
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var palette = ['#0060df', '#e66000', '#12bc00', '#8000d7', '#d70022', '#008ea4', '#a47f00', '#4a4a4f'];
  // points whose window is not full yet (dataset.partial), and the lines into them
  var partialColour = '#b1b1b3';
  var tickText = {
    pct: function (v) {
      return (v * 100).toFixed(0) + '%';
    },
    ratio: function (v) {
      return Number(v).toFixed(2);
    },
    ms: function (v) {
      return Number(v).toLocaleString('en-US') + ' ms';
    },
  };
  var charts = {};

  function axisTicks(format) {
    var f = tickText[format];
    return f
      ? {
          callback: function (v) {
            return f(v);
          },
        }
      : {};
  }

  data.charts.forEach(function (spec) {
    var canvas = document.getElementById('chart-' + spec.id);
    if (!canvas || spec.labels.length === 0) return;
    var valueAxis = spec.horizontal ? 'x' : 'y';
    var first = spec.datasets[0];
    var right = spec.datasets.filter(function (d) {
      return d.axis === 'y2';
    })[0];
    var scales = {};
    scales[valueAxis] = { beginAtZero: true, ticks: axisTicks(first.format) };
    if (right) scales.y2 = { position: 'right', beginAtZero: true, grid: { drawOnChartArea: false }, ticks: axisTicks(right.format) };
    charts[spec.id] = new Chart(canvas, {
      type: spec.type,
      data: {
        labels: spec.labels,
        datasets: spec.datasets.map(function (d, i) {
          var colour = palette[i % palette.length];
          var partial = d.partial || [];
          var pointColour = d.data.map(function (_, j) {
            return partial[j] ? partialColour : colour;
          });
          return {
            label: d.label,
            data: d.data,
            type: d.type,
            yAxisID: d.axis === 'y2' ? 'y2' : undefined,
            borderColor: colour,
            backgroundColor: colour + (spec.type === 'bar' && d.type !== 'line' ? 'cc' : '33'),
            pointRadius: 3,
            pointBorderColor: pointColour,
            pointBackgroundColor: d.data.map(function (_, j) {
              return partial[j] ? '#ffffff' : colour + '33';
            }),
            segment: {
              borderColor: function (ctx) {
                return partial[ctx.p1DataIndex] ? partialColour : undefined;
              },
              borderDash: function (ctx) {
                return partial[ctx.p1DataIndex] ? [6, 4] : undefined;
              },
            },
            spanGaps: false,
          };
        }),
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        indexAxis: spec.horizontal ? 'y' : 'x',
        interaction: { mode: 'index', intersect: false },
        scales: scales,
        plugins: {
          legend: { display: spec.datasets.length > 1 },
          tooltip: {
            callbacks: {
              label: function (ctx) {
                return ctx.dataset.label + ': ' + spec.datasets[ctx.datasetIndex].text[ctx.dataIndex];
              },
              footer: function (items) {
                return spec.footers && items.length ? spec.footers[items[0].dataIndex] : '';
              },
            },
          },
        },
      },
    });
  });
  // for scripted checks of the page (the browser test reads it)
  window.fxaCharts = charts;
})();
