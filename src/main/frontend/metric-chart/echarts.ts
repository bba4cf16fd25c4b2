/*
 * The parts of Apache ECharts that <metric-chart> uses, in a module of their own: metric-chart.ts imports it
 * dynamically, so the library (about 140 KB compressed) becomes a separate chunk that only the run page loads,
 * while every screen's own scripts load at start (see docs/architecture.md).
 */
import * as echarts from 'echarts/core';
import { LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { SVGRenderer } from 'echarts/renderers';

echarts.use([LineChart, GridComponent, LegendComponent, TooltipComponent, SVGRenderer]);

export { echarts };
