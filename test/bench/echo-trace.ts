/**
 * Where the time of a local echo goes: a Chromium performance trace (CDP `Tracing`, the DevTools timeline
 * categories) and a sampled JS profile (CDP `Profiler`, 100 µs) of a few sends, cut into one window per
 * send, from the Enter keydown's dispatch to the end of the first frame committed after it, on the page's
 * main thread. Each window's time is split by kind (script, style, layout, paint, other) with self times,
 * layouts forced from script (a reflow inside a script call) are counted, and the JS self time is given
 * by function. `OMNI_BENCH_ECHO_TRACE=<sends>` runs it in `pnpm bench sending` (sending.ts).
 */
import type { CDPSession, Page } from 'playwright-core';

export interface TraceEvent {
  name: string;
  cat: string;
  ph: string;
  ts: number;
  dur?: number;
  pid: number;
  tid: number;
  args?: { data?: { type?: string; functionName?: string; url?: string }; name?: string };
}

export interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

export interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface EchoTrace {
  sends: number;
  /** Median window (keydown dispatch → first frame committed), ms. */
  windowMs: number;
  /** Median self time per kind in a window, ms. */
  kinds: Record<string, number>;
  /** Median self time per trace event name (the largest), ms. */
  events: Array<[name: string, ms: number]>;
  /** Layouts and style recalculations run inside a script call (forced), per window (median). */
  forcedLayouts: number;
  forcedLayoutMs: number;
  /** JS self time by function over all windows, divided by the sends (the largest), ms. */
  functions: Array<[name: string, ms: number]>;
  /** JS time by function including what it called, per send (the largest), ms. */
  inclusive: Array<[name: string, ms: number]>;
}

const SCRIPT = new Set([
  'EventDispatch',
  'FunctionCall',
  'RunMicrotasks',
  'TimerFire',
  'FireAnimationFrame',
  'EvaluateScript',
  'v8.compile',
  'v8.compileModule',
  'v8.evaluateModule',
  'V8.GCScavenger',
  'MajorGC',
  'MinorGC',
  'v8.run',
  'XHRReadyStateChange',
  'ResizeObserverLoop',
  'IntersectionObserverController::computeIntersections',
]);
const STYLE = new Set(['UpdateLayoutTree', 'RecalculateStyles', 'ParseAuthorStyleSheet', 'ScheduleStyleRecalculation']);
const LAYOUT = new Set(['Layout', 'UpdateLayerTree', 'HitTest']);
const PAINT = new Set(['PrePaint', 'Paint', 'Layerize', 'Commit', 'PaintImage', 'UpdateLayer', 'CompositeLayers', 'RasterTask']);

const kindOf = (name: string, cat = ''): string =>
  SCRIPT.has(name) || cat.split(',').includes('v8')
    ? 'script'
    : STYLE.has(name)
      ? 'style'
      : LAYOUT.has(name)
        ? 'layout'
        : PAINT.has(name)
          ? 'paint'
          : 'other';

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? Number.NaN : (sorted[Math.floor((sorted.length - 1) / 2)] ?? Number.NaN);
};
const ms = (us: number): number => Math.round(us / 100) / 10;

async function readStream(cdp: CDPSession, handle: string): Promise<string> {
  let text = '';
  for (;;) {
    const chunk = await cdp.send('IO.read', { handle });
    text += chunk.base64Encoded ? Buffer.from(chunk.data, 'base64').toString('utf8') : chunk.data;
    if (chunk.eof) break;
  }
  await cdp.send('IO.close', { handle });
  return text;
}

/** Runs `send` `sends` times (each a real Enter and its echo shown) while tracing and profiling the page. */
export async function traceEchoes(page: Page, sends: number, send: (i: number) => Promise<void>): Promise<EchoTrace> {
  const { events, profile } = await traced(page, async () => {
    for (let i = 0; i < sends; i += 1) await send(i);
  });
  return analyse(events, profile, 'keydown');
}

/** Traces and profiles the page while `during` runs; the windows are the main thread's tasks over 50 ms. */
export async function traceLongTasks<T>(page: Page, during: () => Promise<T>): Promise<{ result: T; trace: EchoTrace | undefined }> {
  let result: T | undefined;
  const { events, profile } = await traced(page, async () => {
    result = await during();
  });
  let trace: EchoTrace | undefined;
  try {
    trace = analyse(events, profile, 'long');
  } catch {
    trace = undefined;
  }
  return { result: result as T, trace };
}

/** The raw trace events and JS profile of the page while `during` runs. */
export async function traced<T>(page: Page, during: () => Promise<T>): Promise<{ result: T; events: TraceEvent[]; profile: Profile }> {
  let result: T;
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
  const done = new Promise<string>((resolve, reject) => {
    cdp.once('Tracing.tracingComplete', (event) => {
      if (event.stream) readStream(cdp, event.stream).then(resolve, reject);
      else reject(new Error('no trace stream'));
    });
  });
  await cdp.send('Tracing.start', {
    transferMode: 'ReturnAsStream',
    traceConfig: {
      includedCategories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'toplevel', 'v8', 'blink.user_timing'],
    },
  });
  await cdp.send('Profiler.start');
  try {
    result = await during();
  } finally {
    const { profile } = (await cdp.send('Profiler.stop')) as { profile: Profile };
    await cdp.send('Tracing.end');
    const raw = JSON.parse(await done) as TraceEvent[] | { traceEvents: TraceEvent[] };
    await cdp.detach();
    traces.set(page, { events: Array.isArray(raw) ? raw : raw.traceEvents, profile });
  }
  const taken = traces.get(page);
  traces.delete(page);
  if (!taken) throw new Error('no trace');
  return { result, ...taken };
}

const traces = new Map<Page, { events: TraceEvent[]; profile: Profile }>();

/** The page's main thread: the renderer thread named CrRendererMain that ran the most script. */
function mainThread(all: readonly TraceEvent[]): { pid: number; tid: number } | undefined {
  const names = all.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  let best: { pid: number; tid: number } | undefined;
  let most = -1;
  for (const thread of names) {
    const busy = all
      .filter((e) => e.pid === thread.pid && e.tid === thread.tid && e.name === 'FunctionCall')
      .reduce((sum, e) => sum + (e.dur ?? 0), 0);
    if (busy > most) {
      most = busy;
      best = { pid: thread.pid, tid: thread.tid };
    }
  }
  return best;
}

function analyse(all: readonly TraceEvent[], profile: Profile, mode: 'keydown' | 'long'): EchoTrace {
  const keydowns = all.filter((e) => e.name === 'EventDispatch' && e.args?.data?.type === 'keydown' && e.ph === 'X');
  const first = mode === 'keydown' ? keydowns[0] : mainThread(all);
  if (!first) throw new Error('echo trace: no keydown in the trace');
  const main = all.filter((e) => e.pid === first.pid && e.tid === first.tid && e.ph === 'X' && typeof e.dur === 'number');
  main.sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0));
  const commits = main.filter((e) => e.name === 'Commit' || e.name === 'Paint');
  const windows: Array<[number, number]> = [];
  if (mode === 'keydown') {
    for (const key of keydowns) {
      const frameEnd = commits.find((c) => c.ts > key.ts + (key.dur ?? 0));
      if (frameEnd) windows.push([key.ts, frameEnd.ts + (frameEnd.dur ?? 0)]);
    }
  } else {
    for (const task of main) {
      if ((task.name === 'ThreadControllerImpl::RunTask' || task.name === 'RunTask') && (task.dur ?? 0) > 50_000) {
        const last = windows[windows.length - 1];
        if (!last || task.ts >= last[1]) windows.push([task.ts, task.ts + (task.dur ?? 0)]);
      }
    }
  }
  const perKind: Record<string, number[]> = {};
  const perEvent = new Map<string, number[]>();
  const forcedCounts: number[] = [];
  const forcedTimes: number[] = [];
  for (const [index, [start, end]] of windows.entries()) {
    const inside = main.filter((e) => e.ts >= start && e.ts < end);
    const kinds: Record<string, number> = {};
    const names = new Map<string, number>();
    let forced = 0;
    let forcedUs = 0;
    // Self time: an event's duration less its direct children's (events are nested by time on one thread).
    const stack: Array<{ event: TraceEvent; end: number; children: number }> = [];
    const close = (entry: { event: TraceEvent; children: number }): void => {
      const self = (entry.event.dur ?? 0) - entry.children;
      const kind = kindOf(entry.event.name, entry.event.cat);
      kinds[kind] = (kinds[kind] ?? 0) + self;
      names.set(entry.event.name, (names.get(entry.event.name) ?? 0) + self);
    };
    for (const event of inside) {
      const eventEnd = event.ts + (event.dur ?? 0);
      while (stack.length > 0 && (stack[stack.length - 1]?.end ?? 0) <= event.ts) {
        const top = stack.pop();
        if (top) close(top);
      }
      const parent = stack[stack.length - 1];
      if (parent) parent.children += event.dur ?? 0;
      if (
        (event.name === 'Layout' || event.name === 'UpdateLayoutTree') &&
        stack.some((s) => SCRIPT.has(s.event.name) && s.event.name !== 'FireAnimationFrame')
      ) {
        forced += 1;
        forcedUs += event.dur ?? 0;
      }
      stack.push({ event, end: eventEnd, children: 0 });
    }
    while (stack.length > 0) {
      const top = stack.pop();
      if (top) close(top);
    }
    for (const [kind, us] of Object.entries(kinds)) (perKind[kind] ??= [])[index] = us;
    for (const [name, us] of names) {
      const list = perEvent.get(name) ?? [];
      list[index] = us;
      perEvent.set(name, list);
    }
    forcedCounts.push(forced);
    forcedTimes.push(forcedUs);
  }
  const filled = (values: number[]): number[] => Array.from({ length: windows.length }, (_, i) => values[i] ?? 0);
  const kinds = Object.fromEntries(Object.entries(perKind).map(([kind, values]) => [kind, ms(median(filled(values)))]));
  const eventsOut = [...perEvent]
    .map(([name, values]): [string, number] => [name, ms(median(filled(values)))])
    .filter(([, value]) => value > 0)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 12);

  // The JS profile: samples inside the windows, by function (self time).
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parents = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
  const nameOf = (frame: ProfileNode['callFrame']): string =>
    `${frame.functionName || '(anonymous)'} ${frame.url.split('/').pop()?.split('?')[0] ?? ''}:${String(frame.lineNumber + 1)}`;
  const inclusive = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let at = profile.startTime;
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i += 1) {
    at += deltas[i] ?? 0;
    const next = deltas[i + 1] ?? 0;
    if (!windows.some(([start, end]) => at >= start && at < end)) continue;
    const frame = nodes.get(samples[i] ?? -1)?.callFrame;
    if (!frame || frame.functionName === '(idle)' || frame.functionName === '(program)') continue;
    byFunction.set(nameOf(frame), (byFunction.get(nameOf(frame)) ?? 0) + next);
    const seen = new Set<string>();
    for (let id: number | undefined = samples[i]; id !== undefined; id = parents.get(id)) {
      const callFrame = nodes.get(id)?.callFrame;
      if (!callFrame || callFrame.functionName === '(root)') continue;
      const name = nameOf(callFrame);
      if (seen.has(name)) continue;
      seen.add(name);
      inclusive.set(name, (inclusive.get(name) ?? 0) + next);
    }
  }
  const functions = [...byFunction]
    .map(([name, us]): [string, number] => [name, ms(us / Math.max(1, windows.length))])
    .sort((a, b) => b[1] - a[1])
    .slice(0, 15);
  return {
    sends: windows.length,
    windowMs: ms(median(windows.map(([s, e]) => e - s))),
    kinds,
    events: eventsOut,
    forcedLayouts: median(forcedCounts),
    forcedLayoutMs: ms(median(forcedTimes)),
    functions,
    inclusive: [...inclusive]
      .map(([name, us]): [string, number] => [name, ms(us / Math.max(1, windows.length))])
      .sort((a, b) => b[1] - a[1])
      .slice(0, 25),
  };
}

/** The breakdown as lines for the bench's output. */
export function describeEchoTrace(
  trace: EchoTrace,
  what = 'echo trace ({sends} sends, medians; keydown dispatch → first frame committed)',
): string[] {
  const kinds = Object.entries(trace.kinds)
    .sort((a, b) => b[1] - a[1])
    .map(([kind, value]) => `${kind} ${String(value)}`)
    .join(', ');
  return [
    `  ${what.replace('{sends}', String(trace.sends))}: window ${String(trace.windowMs)} ms — ${kinds} ms`,
    `    forced layouts/style recalcs from script per send: ${String(trace.forcedLayouts)} (${String(trace.forcedLayoutMs)} ms)`,
    `    trace events (self ms): ${trace.events.map(([name, value]) => `${name} ${String(value)}`).join(', ')}`,
    `    JS time with callees per send (ms): ${trace.inclusive.map(([name, value]) => `${name} ${String(value)}`).join('; ')}`,
    `    JS self time per send (ms): ${trace.functions.map(([name, value]) => `${name} ${String(value)}`).join('; ')}`,
  ];
}
