/** A measured rate: how many operations completed per second, and their latency. */
export interface Rate {
  ops: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
}

/**
 * Runs `op` `total` times with `concurrency` in flight and measures the rate. `op(i)` gets the
 * operation's index (so pre-made inputs such as signed tokens can be used once each).
 */
export async function measure(total: number, concurrency: number, op: (i: number) => Promise<void>): Promise<Rate> {
  const latencies = new Float64Array(total);
  let next = 0;
  const started = performance.now();
  const worker = async (): Promise<void> => {
    for (;;) {
      const i = next++;
      if (i >= total) return;
      const t0 = performance.now();
      await op(i);
      latencies[i] = performance.now() - t0;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    ops: total,
    seconds,
    perSecond: total / seconds,
    p50Ms: sorted[Math.floor(total * 0.5)] ?? 0,
    p99Ms: sorted[Math.floor(total * 0.99)] ?? 0,
  };
}

/** One line of a side-by-side comparison. */
export interface Row {
  scenario: string;
  subject: string;
  rate: Rate;
  /** Name of the row this one is compared with (same scenario), if any. */
  baseline?: string;
  /** The ratio as printed, when the suite computed it itself (e.g. from medians of a metric). */
  ratio?: string;
  /** How much the figure varied over the rounds (`min–max (±x %)`), for round-based suites. */
  spread?: string;
  extra?: string;
}

/** Prints rows grouped by scenario, with each row's rate as a ratio to its baseline. */
export function printRows(title: string, rows: Row[]): void {
  console.log(`\n## ${title}\n`);
  const withSpread = rows.some((r) => r.spread !== undefined);
  const header = [
    'scenario',
    'subject',
    'ops/s',
    'p50 ms',
    'p99 ms',
    ...(withSpread ? ['spread ms'] : []),
    'ratio',
    'note',
  ];
  const lines = rows.map((r) => {
    const base = r.baseline ? rows.find((b) => b.scenario === r.scenario && b.subject === r.baseline) : undefined;
    const ratio =
      r.ratio ?? (base ? `${(r.rate.perSecond / base.rate.perSecond).toFixed(2)}x ${r.baseline}` : '(baseline)');
    return [
      r.scenario,
      r.subject,
      Number.isNaN(r.rate.perSecond) ? '' : r.rate.perSecond.toFixed(0),
      Number.isNaN(r.rate.p50Ms) ? '' : r.rate.p50Ms.toFixed(2),
      Number.isNaN(r.rate.p99Ms) ? '' : r.rate.p99Ms.toFixed(2),
      ...(withSpread ? [r.spread ?? ''] : []),
      ratio,
      r.extra ?? '',
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)));
  const fmt = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  console.log(fmt(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const l of lines) console.log(fmt(l));
}
