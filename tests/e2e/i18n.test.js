// The string table (web/i18n.js) against the code: every English text the map shows through
// `t()`, `data-i18n*` attributes and the tables of names has its Spanish translation, and every
// `{name}` placeholder survives translation. Runs in Node, no browser.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const WEB = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..', 'web');
const { SPANISH, t } = await import(join(WEB, 'i18n.js'));

const sources = readdirSync(WEB).filter((f) => f.endsWith('.js') && f !== 'i18n.js')
  .map((f) => [f, readFileSync(join(WEB, f), 'utf8')]);
const html = readFileSync(join(WEB, 'index.html'), 'utf8');

/** Every key the code hands to the table. */
function keysUsed() {
  const keys = new Map();
  const add = (key, where) => keys.set(key.replaceAll('&lt;', '<'), where);
  for (const [file, text] of sources) {
    for (const m of text.matchAll(/\bt\('((?:[^'\\]|\\.)+)'/g)) add(m[1], file);
    for (const m of text.matchAll(/\bi18n: '([^']+)'/g)) add(m[1], file);
  }
  for (const m of html.matchAll(/data-i18n(?:-[a-z-]+)?="([^"]+)"/g)) add(m[1], 'index.html');
  // Tables of names translated where shown: event types, categories, evidence methods,
  // table columns, the panel's terms, the alert fold.
  const format = sources.find(([f]) => f === 'format.js')[1];
  const block = (text, name) => text.slice(text.indexOf(name), text.indexOf('};', text.indexOf(name)));
  for (const m of block(format, 'EVENT_NAMES = {').matchAll(/: '([^']+)'/g)) add(m[1], 'format.js EVENT_NAMES');
  const traffic = sources.find(([f]) => f === 'traffic.js')[1];
  for (const m of block(traffic, 'CATEGORY_NAMES = {').matchAll(/: '([^']+)'/g)) add(m[1], 'traffic.js CATEGORY_NAMES');
  const panel = sources.find(([f]) => f === 'panel.js')[1];
  for (const m of block(panel, 'METHODS = {').matchAll(/: '([^']+)'/g)) add(m[1], 'panel.js METHODS');
  for (const m of panel.matchAll(/^\s+\['([^']+)', /gm)) add(m[1], 'panel.js terms');
  const table = sources.find(([f]) => f === 'table.js')[1];
  for (const m of table.matchAll(/label: '([^']+)'/g)) add(m[1], 'table.js COLUMNS');
  const alerts = sources.find(([f]) => f === 'alerts.js')[1];
  for (const m of alerts.matchAll(/\? '(\{n\} routine[^']+)'|: '(\{n\} routine[^']+)'/g)) add(m[1] ?? m[2], 'alerts.js fold');
  return keys;
}

test('every text the map shows has its Spanish translation', () => {
  const keys = keysUsed();
  assert.ok(keys.size > 150, `only ${keys.size} keys found: the scan is broken`);
  const missing = [...keys].filter(([key]) => !(key in SPANISH)).map(([key, where]) => `${where}: ${key}`);
  assert.deepEqual(missing, []);
});

test('translations keep every placeholder', () => {
  const names = (s) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
  for (const [english, spanish] of Object.entries(SPANISH)) {
    assert.deepEqual(names(spanish), names(english), english);
  }
});

test('t() fills placeholders and falls back to English', () => {
  assert.equal(t('{shown} of {total}', { shown: 3, total: 7 }), '3 of 7');
  assert.equal(t('a text nobody translated'), 'a text nobody translated');
});
