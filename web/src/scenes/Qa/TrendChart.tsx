import { LineChart, BarChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';

// only the parts this chart draws (the lazy 质检报表 page brings them; never the first load)
echarts.use([LineChart, BarChart, GridComponent, TooltipComponent, LegendComponent, CanvasRenderer]);

export interface TrendPoint {
  day: string;
  inspections: number;
  /** null: no inspection that day (a gap in the line). */
  averageScore: number | null;
}

interface Props {
  points: TrendPoint[];
  /** Series names, in the console's language. */
  names: { average: string; count: string };
  /** What the chart shows, for screen readers (the canvas itself says nothing). */
  label: string;
}

/**
 * The daily trend of 质检报表: the average final score as a line (left axis, 0–100) and the
 * number of inspections as bars (right axis). The theme's blue (#0958d9) and a dark grey, both
 * above 4.5:1 on white.
 */
export function TrendChart({ points, names, label }: Props) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);

  useEffect(() => {
    if (!el.current) return;
    const c = echarts.init(el.current, undefined, { renderer: 'canvas' });
    chart.current = c;
    const resize = () => c.resize();
    const observer = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(resize);
    observer?.observe(el.current);
    return () => {
      observer?.disconnect();
      c.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption(
      {
        animation: false,
        color: ['#0958d9', '#8c9bb0'],
        tooltip: { trigger: 'axis' },
        legend: { data: [names.average, names.count], top: 0 },
        grid: { left: 40, right: 40, top: 36, bottom: 28 },
        xAxis: { type: 'category', data: points.map((p) => p.day.slice(5)) },
        yAxis: [
          { type: 'value', min: 0, max: 100, name: '', splitLine: { lineStyle: { color: '#e8ebf0' } } },
          { type: 'value', minInterval: 1, splitLine: { show: false } },
        ],
        series: [
          { name: names.average, type: 'line', yAxisIndex: 0, data: points.map((p) => (p.averageScore === null ? '-' : Math.round(p.averageScore * 10) / 10)), symbolSize: 6, connectNulls: true, z: 3 },
          { name: names.count, type: 'bar', yAxisIndex: 1, data: points.map((p) => p.inspections), barMaxWidth: 18, itemStyle: { opacity: 0.55 } },
        ],
      },
      true,
    );
  }, [points, names.average, names.count]);

  return <div ref={el} className="qar-chart" role="img" aria-label={label} data-testid="qa-reports-chart" />;
}
