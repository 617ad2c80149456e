import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useMemo, useRef } from 'react';
import type { UiLocale } from '../../i18n';
import { formatAxis, formatValue } from './format';
import type { Plot } from './plan';
import type { ReportsT } from './strings';

// only the parts these charts draw (the lazy 报表 page brings them, in the echarts chunk; never the first load)
echarts.use([LineChart, BarChart, GridComponent, TooltipComponent, LegendComponent, CanvasRenderer]);

/** Distinct on white, the theme's blue first. */
const PALETTE = ['#0958d9', '#d46b08', '#389e0d', '#9254de', '#cf1322', '#08979c', '#7c8796', '#ad8b00', '#c41d7f', '#1d39c4'];

interface Props {
  plot: Plot;
  /** The chart in words, for screen readers (the canvas itself says nothing). */
  label: string;
  t: ReportsT;
  locale: UiLocale;
  testId?: string;
  /** Called once the chart has drawn this plot (ECharts' `finished`). */
  onRendered?: () => void;
}

function optionOf(plot: Plot, t: ReportsT, locale: UiLocale): echarts.EChartsCoreOption {
  const valueAxis = (unit: (typeof plot.axes)[number], i: number) => ({
    type: 'value' as const,
    position: plot.horizontal ? undefined : i === 0 ? ('left' as const) : ('right' as const),
    offset: !plot.horizontal && i === 2 ? 64 : 0,
    min: 0,
    max: unit === 'ratio' ? (v: { max: number }) => Math.max(1, v.max) : undefined,
    minInterval: unit === 'count' ? 1 : undefined,
    splitLine: { show: i === 0, lineStyle: { color: '#e8ebf0' } },
    axisLabel: { formatter: (v: number) => formatAxis(v, unit, t), color: '#4a5565' },
  });
  const categoryAxis = {
    type: 'category' as const,
    data: plot.categories,
    inverse: plot.horizontal,
    axisLabel: { color: '#4a5565', hideOverlap: true, width: plot.horizontal ? 120 : undefined, overflow: plot.horizontal ? ('truncate' as const) : undefined },
  };
  const rightAxes = Math.max(0, plot.axes.length - 1);
  return {
    animation: false,
    color: PALETTE,
    tooltip: { trigger: 'axis', axisPointer: { type: plot.series.some((s) => s.type === 'bar') ? 'shadow' : 'line' }, confine: true },
    legend: { show: plot.series.length > 1, top: 0, type: 'scroll', textStyle: { color: '#1f2733' } },
    grid: {
      left: plot.horizontal ? 128 : 64,
      right: plot.horizontal ? 24 : rightAxes === 0 ? 16 : rightAxes === 1 ? 64 : 128,
      top: plot.series.length > 1 ? 36 : 16,
      bottom: 28,
    },
    xAxis: plot.horizontal ? valueAxis(plot.axes[0] ?? 'count', 0) : categoryAxis,
    yAxis: plot.horizontal ? categoryAxis : plot.axes.map(valueAxis),
    series: plot.series.map((s) => ({
      name: s.label,
      type: s.type,
      stack: s.stack,
      yAxisIndex: plot.horizontal ? 0 : s.axis,
      data: s.data.map((v) => (v === null ? '-' : v)),
      barMaxWidth: 22,
      symbolSize: 5,
      connectNulls: false,
      tooltip: { valueFormatter: (v: unknown) => formatValue(typeof v === 'number' ? v : null, s.unit, t, locale) },
    })),
  };
}

/**
 * One table's chart: ECharts on a canvas (tree-shaken echarts/core, as 质检报表's TrendChart),
 * named by `label`; the figures themselves stay reachable in the table beside it.
 */
export function ReportChart({ plot, label, t, locale, testId, onRendered }: Props) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const rendered = useRef(onRendered);
  useEffect(() => {
    rendered.current = onRendered;
  });
  const option = useMemo(() => optionOf(plot, t, locale), [plot, t, locale]);
  const height = plot.horizontal ? Math.max(160, plot.categories.length * 26 + 56) : 280;

  useEffect(() => {
    if (!el.current) return;
    const c = echarts.init(el.current, undefined, { renderer: 'canvas' });
    chart.current = c;
    const observer = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(() => c.resize());
    observer?.observe(el.current);
    return () => {
      observer?.disconnect();
      c.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    const c = chart.current;
    if (!c) return;
    let told = false;
    const done = () => {
      if (told) return;
      told = true;
      rendered.current?.();
    };
    c.on('finished', done);
    c.setOption(option, true);
    return () => void c.off('finished', done);
  }, [option]);

  return <div ref={el} className="rpt-chart" style={{ height }} role="img" aria-label={label} data-testid={testId} />;
}
