/*
 * qixflow rx demo — a Qlik Sense visualization extension (an AMD module, loaded by RequireJS).
 * It subscribes to the layouts of the app's sheets through @qixflow/rx, using the Doc that Qlik's
 * runtime already holds (qlik.currApp(this).model.enigmaModel): no second websocket, no login.
 */
/* global define, requirejs, document */

// The UMD bundle asks RequireJS for the module "rxjs": serve the copy shipped in this folder
// (rxjs's own UMD bundle registers itself as "rxjs"), unless the page already has rxjs.
(() => {
  const script = document.currentScript;
  const folder = script?.src ? script.src.replace(/[^/]*$/, '') : '/extensions/qixflow-rx-demo/';
  if (!requirejs.defined('rxjs')) requirejs.config({ paths: { rxjs: `${folder}rxjs.umd.min` } });
})();

define(['qlik', './qixflow-rx.umd'], (qlik, rx) => {
  const escapeHtml = (text) =>
    String(text ?? '').replace(
      /[&<>"']/g,
      (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c],
    );

  const render = (state) => {
    if (!state.element) return;
    if (state.error) {
      state.element.innerHTML = `<div class="qixflow-rx-error">${escapeHtml(state.error.code)}: ${escapeHtml(state.error.message)}</div>`;
      return;
    }
    const banner =
      state.session === 'suspended' ? '<div class="qixflow-rx-banner">Connection lost — waiting…</div>' : '';
    const rows = (state.sheets ?? [])
      .map((sheet) => {
        const cells = (sheet.cells ?? []).length;
        return `<li><b>${escapeHtml(sheet.qMeta?.title ?? sheet.qInfo.qId)}</b> — ${cells} object${cells === 1 ? '' : 's'}</li>`;
      })
      .join('');
    state.element.innerHTML = `${banner}<div style="padding:8px;overflow:auto;height:100%">
      <div>${escapeHtml(state.app?.qTitle ?? '')}</div><ul>${rows}</ul></div>`;
  };

  return {
    initialProperties: { showTitles: true, title: 'Sheets (live, via @qixflow/rx)' },
    definition: { type: 'items', component: 'accordion', items: { appearance: { uses: 'settings' } } },
    support: { snapshot: false, export: false, exportData: false },

    paint($element) {
      const scope = this.$scope;
      // paint runs on every resize and layout change: subscribe once per visualization instance
      if (!scope.qixflowRx) {
        const state = { element: undefined, sheets: undefined, app: undefined, session: 'connected' };
        const doc = qlik.currApp(this).model.enigmaModel;
        const show = (key) => (value) => {
          state[key] = value;
          render(state);
        };
        const fail = (error) => {
          state.error = error;
          render(state);
        };
        const subscriptions = [
          rx.objectLayouts(doc, 'sheet').subscribe({ next: show('sheets'), error: fail }),
          rx.appLayout(doc).subscribe({ next: show('app'), error: fail }),
          rx.sessionState(doc).subscribe(show('session')),
        ];
        scope.qixflowRx = state;
        // the last subscriber leaving tears everything down: listeners removed, session objects destroyed
        scope.$on('$destroy', () => {
          for (const subscription of subscriptions) subscription.unsubscribe();
        });
      }
      scope.qixflowRx.element = $element[0];
      render(scope.qixflowRx);
      return qlik.Promise.resolve();
    },
  };
});
