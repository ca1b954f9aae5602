import type { Simulator } from '@qixflow/sense-sim';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  appLayout,
  bookmarks,
  currentSelections,
  fields,
  masterItems,
  objectLayout,
  objectList,
  variables,
  variableValue,
} from '../src/index.js';
import { openApp, SHEET_OVERVIEW, startSimulator, take$ } from './helpers.js';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(async () => {
  await sim.close();
});

it('smoke', async () => {
  const { doc, traffic, close } = await openApp(sim);
  const [sheet] = await take$(objectLayout(doc, SHEET_OVERVIEW));
  console.log(JSON.stringify(sheet).slice(0, 300));
  console.log(JSON.stringify(await take$(objectList(doc, 'sheet'))).slice(0, 600));
  console.log(JSON.stringify(await take$(appLayout(doc))).slice(0, 600));
  console.log(JSON.stringify(await take$(variables(doc))).slice(0, 600));
  console.log(JSON.stringify(await take$(masterItems(doc, 'measure'))).slice(0, 600));
  console.log(JSON.stringify(await take$(bookmarks(doc))).slice(0, 600));
  console.log(JSON.stringify(await take$(fields(doc))).slice(0, 600));
  console.log(JSON.stringify(await take$(currentSelections(doc))).slice(0, 600));
  console.log(JSON.stringify(await take$(variableValue(doc, 'vTopN'))).slice(0, 600));
  console.log(traffic.sent.map((f) => f.method).join(','));
  console.log(sim.stats().engine);
  await close();
});
