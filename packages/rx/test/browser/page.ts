// The page of the browser test: plain enigma.js (bundled into this script by esbuild) connects to
// the simulator's engine over the browser's own WebSocket; @qixflow/rx and rxjs come from their UMD
// bundles as globals (`qixflowRx`, `rxjs`), exactly as a page without a bundler would load them.
import enigma from 'enigma.js';
import schema from 'enigma.js/schemas/12.2027.0.json' with { type: 'json' };
import type * as Rx from '../../src/index.js';

declare const qixflowRx: typeof Rx;

interface PageState {
  ready: boolean;
  titles: string[];
  sheets: string[][];
  states: string[];
  errors: string[];
}

const state: PageState = { ready: false, titles: [], sheets: [], states: [], errors: [] };
(window as unknown as { __rx: PageState }).__rx = state;

const text = (id: string, value: string): void => {
  const element = document.getElementById(id);
  if (element) element.textContent = value;
};

async function main(): Promise<void> {
  const params = new URLSearchParams(location.search);
  const engine = params.get('engine') ?? '';
  const app = params.get('app') ?? '';
  const session = enigma.create({
    schema,
    url: `${engine}/app/${app}/identity/browser-test/ttl/30`,
    suspendOnClose: true,
  });
  // an application's reconnect policy, in one line: resume shortly after a suspension
  session.on('suspended', () => setTimeout(() => session.resume().catch(() => undefined), 200));
  const global = await session.open();
  const doc = await (global as unknown as { openDoc(id: string): Promise<Rx.QixApi> }).openDoc(app);
  const fail = (e: unknown): void => {
    state.errors.push(String((e as Error)?.message ?? e));
    text('error', state.errors.join('\n'));
  };
  qixflowRx.appLayout(doc).subscribe({
    next: (layout) => {
      state.titles.push(layout.qTitle ?? '');
      text('title', layout.qTitle ?? '');
    },
    error: fail,
  });
  qixflowRx.objectList<{ title: string }>(doc, 'sheet').subscribe({
    next: (sheets) => {
      const titles = sheets.map((s) => s.qData.title);
      state.sheets.push(titles);
      const list = document.getElementById('sheets');
      if (list) list.innerHTML = titles.map((t) => `<li>${t}</li>`).join('');
    },
    error: fail,
  });
  qixflowRx.sessionState(doc).subscribe((s) => {
    state.states.push(s);
    text('state', s);
  });
  state.ready = true;
}

main().catch((e: unknown) => {
  state.errors.push(String((e as Error)?.message ?? e));
  text('error', state.errors.join('\n'));
});
