// Line charts as PNG files, headless: a Vega-Lite spec compiled to Vega, rendered to SVG by Vega's
// own renderer (no browser, no canvas), rasterised by resvg (prebuilt binary, no install script).
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import * as vegaLite from 'vega-lite';

export interface LineSeries {
  name: string;
  points: ReadonlyArray<{ x: number; y: number }>;
}

export interface LineChartOptions {
  title: string;
  xTitle: string;
  yTitle: string;
  width?: number;
  height?: number;
  /** Fixed y range, e.g. [0, 1] for shares. */
  yDomain?: [number, number];
  subtitle?: string;
}

export function lineChartSpec(series: readonly LineSeries[], options: LineChartOptions): vegaLite.TopLevelSpec {
  const values = series.flatMap((s) => s.points.map((p) => ({ series: s.name, x: p.x, y: p.y })));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: options.title, ...(options.subtitle ? { subtitle: options.subtitle } : {}) },
    width: options.width ?? 720,
    height: options.height ?? 360,
    background: 'white',
    padding: 12,
    data: { values },
    mark: { type: 'line', point: true, strokeWidth: 2 },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: options.xTitle, scale: { zero: true } },
      y: { field: 'y', type: 'quantitative', title: options.yTitle, ...(options.yDomain ? { scale: { domain: options.yDomain } } : {}) },
      color: { field: 'series', type: 'nominal', title: null, sort: series.map((s) => s.name), legend: { orient: 'bottom', columns: series.length > 6 ? 2 : 3, labelLimit: 420 } },
    },
    config: { font: 'DejaVu Sans' },
  };
}

export async function renderLineChartSvg(series: readonly LineSeries[], options: LineChartOptions): Promise<string> {
  const compiled = vegaLite.compile(lineChartSpec(series, options)).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Render and write a PNG (2× scale for legibility); creates the directory. */
export async function writeLineChartPng(file: string, series: readonly LineSeries[], options: LineChartOptions): Promise<void> {
  const svg = await renderLineChartSvg(series, options);
  const png = new Resvg(svg, { font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' }, fitTo: { mode: 'zoom', value: 2 } }).render().asPng();
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, png);
}
