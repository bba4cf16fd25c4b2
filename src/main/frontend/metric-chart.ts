/*
 * <metric-chart>: one live line chart of a run step's metric series, for the Java class
 * dev.llmops.studio.designer.MetricChart. Apache ECharts (modular imports, SVG renderer) draws it; the library
 * is loaded on first use from ./metric-chart/echarts, a chunk of its own.
 *
 * Property "chart" (JSON string, server -> chart):
 *   {"title": "Loss", "x": "step {x}", "series": [{"name": "train_loss", "points": 5000, "data": [[step, value], ...]}, ...]}
 * "points" is how many the step stored; "data" may be thinned to fewer (the header then says so). "x" names an x
 * value in the tooltip, {x} standing for the number ("step {x}" for training, "{x} s" for a live window).
 *
 * Every new value updates the existing ECharts instance with setOption (series matched by id), so pushes redraw
 * in place instead of re-creating the chart. Light DOM, so the theme's styles.css styles the header and frame.
 */
import type { LineSeriesOption } from 'echarts/charts';
import type { GridComponentOption, LegendComponentOption, TooltipComponentOption } from 'echarts/components';
import type { ComposeOption, ECharts } from 'echarts/core';

type Option = ComposeOption<LineSeriesOption | GridComponentOption | LegendComponentOption | TooltipComponentOption>;
type EChartsLib = typeof import('./metric-chart/echarts')['echarts'];

let lib: EChartsLib | null = null;
let loading: Promise<EChartsLib> | null = null;

function loadECharts(): Promise<EChartsLib> {
  loading ??= import('./metric-chart/echarts').then((module) => (lib = module.echarts));
  return loading;
}

interface SeriesData {
  name: string;
  points: number;
  data: [number, number][];
}

interface ChartData {
  title: string;
  x?: string;
  series: SeriesData[];
}

/** Tooltip entry as ECharts hands it to a formatter (only the parts used here). */
interface AxisParam {
  marker: string;
  seriesName: string;
  value: [number, number];
}

/** Few digits for the eye: 0.5312, 3.2e-4, 1.25e+6; integers as they are. */
function formatValue(value: number): string {
  if (!Number.isFinite(value)) {
    return String(value);
  }
  const magnitude = Math.abs(value);
  if (Number.isInteger(value) && magnitude < 1e6) {
    return String(value);
  }
  if (magnitude !== 0 && (magnitude < 1e-3 || magnitude >= 1e6)) {
    return value.toExponential(2).replace(/\.?0+e/, 'e'); // 5e-5 rather than 5.00e-5
  }
  return String(Number(value.toPrecision(4)));
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

class MetricChartElement extends HTMLElement {
  private data: ChartData | null = null;
  private chart: ECharts | null = null;
  private resizeObserver: ResizeObserver | null = null;
  private titleEl: HTMLElement | null = null;
  private hintEl: HTMLElement | null = null;
  private plotEl: HTMLElement | null = null;

  /** The series as JSON; see the file comment. */
  set chartData(json: string | null) {
    this.data = json ? (JSON.parse(json) as ChartData) : null;
    this.update();
  }

  connectedCallback() {
    // Flow may have set the property before this class was defined: re-apply it through the setter.
    const early = (this as unknown as Record<string, unknown>).chartData;
    if (Object.prototype.hasOwnProperty.call(this, 'chartData')) {
      delete (this as unknown as Record<string, unknown>).chartData;
      this.chartData = early as string | null;
    }
    if (!this.plotEl) {
      const head = document.createElement('div');
      head.className = 'metric-chart-head';
      this.titleEl = document.createElement('span');
      this.titleEl.className = 'metric-chart-title';
      this.hintEl = document.createElement('span');
      this.hintEl.className = 'metric-chart-hint';
      head.append(this.titleEl, this.hintEl);
      this.plotEl = document.createElement('div');
      this.plotEl.className = 'metric-chart-plot';
      this.append(head, this.plotEl);
    }
    // Also covers a hidden tab: the chart is created once the plot has a size, and follows it from then on.
    this.resizeObserver = new ResizeObserver(() => {
      if (this.chart) {
        this.chart.resize();
      } else {
        this.update();
      }
    });
    this.resizeObserver.observe(this.plotEl);
    this.update();
  }

  disconnectedCallback() {
    this.resizeObserver?.disconnect();
    this.resizeObserver = null;
    this.chart?.dispose();
    this.chart = null;
  }

  private update() {
    if (!this.plotEl || !this.isConnected) {
      return;
    }
    const data = this.data ?? { title: '', series: [] };
    this.titleEl!.textContent = data.title;
    // how many points the step stored, for tests and for anyone inspecting the page
    this.dataset.points = String(data.series.reduce((sum, s) => sum + s.points, 0));
    const thinned = data.series.filter((s) => s.data.length < s.points);
    this.hintEl!.textContent = thinned.length
      ? thinned
          .map((s) => `${s.name}: ${s.data.length.toLocaleString('en')} of ${s.points.toLocaleString('en')} points`)
          .join(' · ')
      : '';
    if (!this.chart) {
      if (this.plotEl.clientWidth === 0 || this.plotEl.clientHeight === 0) {
        return; // not laid out yet (hidden tab); the resize observer comes back
      }
      if (!lib) {
        loadECharts().then(() => this.update());
        return;
      }
      this.chart = lib.init(this.plotEl, null, { renderer: 'svg' });
      this.chart.setOption(this.baseOption());
    }
    // replaceMerge: series are matched by id and updated in place; series that are gone are removed
    this.chart.setOption({ series: this.seriesOption(data) } as Option, { replaceMerge: ['series'] });
  }

  private seriesOption(data: ChartData): LineSeriesOption[] {
    return data.series.map((s) => ({
      id: s.name,
      name: s.name,
      type: 'line',
      data: s.data,
      showSymbol: s.data.length <= 40,
      symbol: 'circle',
      symbolSize: 5,
      lineStyle: { width: 2 },
      emphasis: { focus: 'series' },
      // the server already thins long series; this keeps drawing cheap when a chart is only a few pixels wide
      sampling: 'lttb',
    }));
  }

  /** Axes, legend, tooltip and colours from the Lumo theme (resolved once, when the chart is created). */
  private baseOption(): Option {
    const css = getComputedStyle(this);
    const v = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
    const text = v('--lumo-body-text-color', 'hsla(214, 40%, 16%, 0.94)');
    const secondary = v('--lumo-secondary-text-color', 'hsla(214, 42%, 18%, 0.69)');
    const faint = v('--lumo-contrast-10pct', 'hsla(214, 57%, 24%, 0.1)');
    const axis = v('--lumo-contrast-30pct', 'hsla(214, 50%, 22%, 0.26)');
    const base = v('--lumo-base-color', '#fff');
    const font = v('--lumo-font-family', 'system-ui, sans-serif');
    const palette = [
      v('--lumo-primary-color', 'hsl(214, 90%, 45%)'),
      'hsl(28, 88%, 52%)',
      v('--lumo-success-color', 'hsl(145, 72%, 30%)'),
      'hsl(275, 55%, 55%)',
      v('--lumo-error-color', 'hsl(3, 85%, 48%)'),
      'hsl(185, 70%, 34%)',
    ];
    const lastValue = (name: string) => {
      const series = this.data?.series.find((s) => s.name === name);
      const last = series?.data[series.data.length - 1];
      return last ? formatValue(last[1]) : '';
    };
    return {
      animation: false,
      color: palette,
      textStyle: { fontFamily: font, color: text },
      grid: { left: 4, right: 12, top: 30, bottom: 4, containLabel: true },
      legend: {
        top: 0,
        left: 0,
        icon: 'roundRect',
        itemWidth: 12,
        itemHeight: 4,
        textStyle: { color: secondary, fontSize: 12 },
        // the latest value next to each name: what a watcher of a live run looks for first
        formatter: (name: string) => `${name}  ${lastValue(name)}`,
      },
      tooltip: {
        trigger: 'axis',
        backgroundColor: base,
        borderColor: faint,
        textStyle: { color: text, fontSize: 12, fontFamily: font },
        axisPointer: { type: 'line', lineStyle: { color: axis } },
        formatter: (params: unknown) => {
          const list = (Array.isArray(params) ? params : [params]) as AxisParam[];
          if (!list.length) {
            return '';
          }
          const xText = (x: number) => escapeHtml((this.data?.x ?? 'step {x}').replace('{x}', formatValue(x)));
          const step = list[0].value[0];
          const rows = list.map((p) => {
            const at = p.value[0] === step ? '' : ` <span style="color:${secondary}">(${xText(p.value[0])})</span>`;
            return `${p.marker}${escapeHtml(p.seriesName)} <b>${formatValue(p.value[1])}</b>${at}`;
          });
          return [`<span style="color:${secondary}">${xText(step)}</span>`, ...rows].join('<br>');
        },
      },
      xAxis: {
        type: 'value',
        min: 'dataMin',
        max: 'dataMax',
        axisLine: { lineStyle: { color: axis } },
        axisTick: { lineStyle: { color: axis } },
        axisLabel: { color: secondary, fontSize: 11, hideOverlap: true },
        splitLine: { show: false },
      },
      yAxis: {
        type: 'value',
        scale: true,
        axisLabel: { color: secondary, fontSize: 11, formatter: (value: number) => formatValue(value) },
        splitLine: { lineStyle: { color: faint } },
      },
      series: [],
    };
  }
}

if (!customElements.get('metric-chart')) {
  customElements.define('metric-chart', MetricChartElement);
}
