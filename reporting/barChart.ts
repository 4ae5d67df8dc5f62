// Bar charts with confidence intervals as PNG files, rendered like lineChart.ts (Vega-Lite → Vega SVG
// → resvg): one bar per estimate, a whisker for its interval.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import * as vegaLite from 'vega-lite';

export interface Bar {
  label: string;
  value: number;
  lower?: number;
  upper?: number;
  /** Colour group, e.g. "baseline" vs "learned". */
  group?: string;
}

export interface BarChartOptions {
  title: string;
  subtitle?: string;
  yTitle: string;
  yDomain?: [number, number];
  width?: number;
  height?: number;
}

export function barChartSpec(bars: readonly Bar[], options: BarChartOptions): vegaLite.TopLevelSpec {
  const values = bars.map((b) => ({ label: b.label, value: b.value, lower: b.lower ?? b.value, upper: b.upper ?? b.value, group: b.group ?? '' }));
  const x = { field: 'label', type: 'nominal' as const, title: null, sort: bars.map((b) => b.label), axis: { labelAngle: -20, labelLimit: 220 } };
  const y = { type: 'quantitative' as const, title: options.yTitle, ...(options.yDomain ? { scale: { domain: options.yDomain } } : {}) };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: options.title, ...(options.subtitle ? { subtitle: options.subtitle } : {}) },
    width: options.width ?? 640,
    height: options.height ?? 340,
    background: 'white',
    padding: 12,
    data: { values },
    layer: [
      { mark: { type: 'bar' }, encoding: { x, y: { ...y, field: 'value' }, color: { field: 'group', type: 'nominal', title: null, legend: { orient: 'bottom' } } } },
      { mark: { type: 'rule', strokeWidth: 2 }, encoding: { x, y: { ...y, field: 'lower' }, y2: { field: 'upper' } } },
      { mark: { type: 'text', dy: -8, fontSize: 11 }, encoding: { x, y: { ...y, field: 'upper' }, text: { field: 'value', type: 'quantitative', format: '.3f' } } },
    ],
    config: { font: 'DejaVu Sans' },
  };
}

/** Render and write a PNG (2× scale for legibility); creates the directory. */
export async function writeBarChartPng(file: string, bars: readonly Bar[], options: BarChartOptions): Promise<void> {
  const compiled = vegaLite.compile(barChartSpec(bars, options)).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  let svg: string;
  try {
    svg = await view.toSVG();
  } finally {
    view.finalize();
  }
  const png = new Resvg(svg, { font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' }, fitTo: { mode: 'zoom', value: 2 } }).render().asPng();
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, png);
}
