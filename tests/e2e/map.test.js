// End-to-end tests of the live map in a real browser: Debian's Chromium, driven by
// playwright-core, against a running `vigia` service whose feed includes the simulated P-8
// that clips Mexico's territorial sea (scenario p8-baja-clip). Started by scripts/e2e.sh,
// which sets VIGIA_URL; the steps run in order on one page, as an operator would use it.
// Every request leaving the service's origin is refused and fails the run: the map must
// work without the internet. Screenshots go to target/e2e-artifacts/.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const BASE = process.env.VIGIA_URL;
/** The service's token (scripts/e2e.sh starts the demo with it). */
const TOKEN = process.env.VIGIA_TOKEN;
const ARTIFACTS = process.env.E2E_ARTIFACTS ?? 'target/e2e-artifacts';
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
/** The simulated P-8 (PELICAN5) of p8-baja-clip. */
const P8 = { icao24: 'ae6877', callsign: 'PELICAN5' };
/** The scenario enters MEX about 1541 s in; the e2e feed plays it 100 times faster. */
const CLIP_TIMEOUT_MS = 60_000;

assert.ok(BASE, 'VIGIA_URL must name the service, e.g. http://127.0.0.1:8080');

let browser;
let page;
const offsite = [];
const pageErrors = [];

async function screenshot(name) {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
}

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      // Without these Chromium keeps calling home, and on a closed network waits on it.
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(`${BASE}/`)) return route.continue();
    offsite.push(url);
    return route.abort();
  });
  page = await context.newPage();
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') pageErrors.push(message.text());
  });
});

after(async () => {
  await browser?.close();
});

test('the map loads: zones drawn on the canvas, scale bar, coordinates under the cursor', async () => {
  await page.goto(`${BASE}/`);
  const canvas = page.locator('#map');
  await page.locator('#map[data-ready="true"]').waitFor();
  const zones = (await canvas.getAttribute('data-zones')).split(',');
  assert.ok(zones.includes('MEX') && zones.includes('USA'), `zones: ${zones}`);
  await page.locator('#legend li[data-zone="MEX"]').waitFor();
  // The land under the zones, so the territorial-sea band shows.
  await page.locator('#map[data-basemap*="MEX.land"]').waitFor();
  // Drawn: a good share of the canvas differs from the sea, and has the zone outline's green.
  const pixels = await page.evaluate(() => {
    const map = document.getElementById('map');
    const data = map.getContext('2d').getImageData(0, 0, map.width, map.height).data;
    let painted = 0, outline = 0, total = 0;
    for (let i = 0; i < data.length; i += 4 * 97) {
      total++;
      if (data[i + 3] > 0) painted++;
      // #2e7d32, the first sovereign zone's outline, anti-aliased.
      if (Math.abs(data[i] - 46) < 30 && Math.abs(data[i + 1] - 125) < 30 && Math.abs(data[i + 2] - 50) < 30) outline++;
    }
    return { painted: painted / total, outline };
  });
  assert.ok(pixels.painted > 0.2, `painted share ${pixels.painted}`);
  assert.ok(pixels.outline > 0, 'no pixel of the MEX outline');
  const bars = await page.locator('#scalebar .bar').allTextContents();
  assert.match(bars[0], /^\d+(\.\d+)? NM$/);
  assert.match(bars[1], /^\d+(\.\d+)? km$/);
  const box = await canvas.boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  assert.match(await page.locator('#cursor').textContent(), /^\d+\.\d{4}°[NS] \d+\.\d{4}°[EW]$/);
  await screenshot('01-map');
});

test('aircraft appear, live from the stream', async () => {
  // Listed from its first position; its callsign follows with its identification message.
  const item = page.locator(`#aircraft-list li[data-icao24="${P8.icao24}"]`, { hasText: P8.callsign });
  await item.waitFor({ timeout: 20_000 });
  assert.equal(await page.locator('#status').getAttribute('data-state'), 'live');
  assert.ok(Number(await page.locator('#map').getAttribute('data-aircraft')) >= 1);
  // The P-8 is military: orange at least.
  assert.match(await item.getAttribute('data-category'), /^(military|alert)$/);
  await screenshot('02-aircraft');
});

test('the badge says when the service has no receiver connected', async () => {
  // The demo's receivers are all up: the service's own answer is stood in for, as a dead
  // receiver's service gives it (the service side is tested in run::a_dead_receiver_…).
  const problem = 'no receiver connected (0 of 1 sources): nothing is being watched';
  await page.route('**/healthz', (route) => route.fulfill({
    contentType: 'application/json',
    body: JSON.stringify({ status: 'degraded', problems: [problem], sources: 1, sources_connected: 0 }),
  }));
  await page.locator('#status[data-state="degraded"]').waitFor({ timeout: 15_000 });
  assert.equal(await page.locator('#status').textContent(), 'no receiver connected');
  assert.equal(await page.locator('#status').getAttribute('title'), problem);
  await page.unroute('**/healthz');
  await page.locator('#status[data-state="live"]').waitFor({ timeout: 15_000 });
});

test('the drone with its ADS-B off is placed by the receivers, which the map shows', async () => {
  // mq9-dark-sonora: six receivers' feeds, multilaterated; the drone broadcasts no position.
  await page.locator('#aircraft-list li[data-icao24="ae5421"]').waitFor({ timeout: 60_000 });
  const receivers = await page.evaluate(async () => (await (await fetch('/api/receivers')).json()).receivers);
  assert.ok(receivers.filter((r) => r.mlat?.synced).length >= 4, JSON.stringify(receivers));
  // The list of aircraft heard without a position follows the API (it refreshes every 5 s).
  await page.waitForFunction(async () => {
    const heard = (await (await fetch('/api/heard')).json()).heard;
    const shown = document.querySelectorAll('#heard-list li').length;
    return shown === heard.length && document.getElementById('heard').hidden === (heard.length === 0);
  }, null, { timeout: 20_000, polling: 1000 });
  // Each receiver's health in the sidebar: rate, aircraft, range, clock.
  await page.locator('#receivers summary').click();
  const nogales = page.locator('#receiver-list li[data-receiver="nogales"]');
  await nogales.waitFor({ timeout: 10_000 });
  assert.match(await nogales.textContent(), /msg\/s · \d+ aircraft · \d+ NM.*clock (synced|not synced) · \d+ MLAT/);
  assert.equal(await page.locator('#receiver-list li[data-receiver]').count(), receivers.length);
  await screenshot('02b-network');
  await page.locator('#receivers summary').click();
});

test('clicking an aircraft on the map opens its panel', async () => {
  // The list centres the map on the aircraft and selects it; close that, then click the
  // aircraft where it is drawn, in the middle of the map.
  await page.locator(`#aircraft-list li[data-icao24="${P8.icao24}"]`).click();
  await page.locator(`#panel[data-icao24="${P8.icao24}"]`).waitFor();
  await page.keyboard.press('Escape');
  await page.locator('#panel').waitFor({ state: 'hidden' });
  await page.locator(`#aircraft-list li[data-icao24="${P8.icao24}"]`).focus();
  await page.keyboard.press('Enter');
  await page.locator(`#panel[data-icao24="${P8.icao24}"]`).waitFor();
  await page.keyboard.press('Escape');
  const box = await page.locator('#map').boundingBox();
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  const panel = page.locator(`#panel[data-kind="aircraft"][data-icao24="${P8.icao24}"]`);
  await panel.waitFor();
  const text = await panel.textContent();
  assert.match(text, new RegExp(P8.callsign));
  assert.match(text, new RegExp(P8.icao24.toUpperCase()));
  assert.match(text, /Military\s*yes/);
  assert.match(text, /Score\s*0\.\d\d/);
  await screenshot('03-aircraft-panel');
});

test('the alert list receives the P-8 entering MEX', async () => {
  const entry = page.locator(`#alerts li[data-type="zone_entry"][data-zone="MEX"][data-icao24="${P8.icao24}"]`);
  await entry.waitFor({ timeout: CLIP_TIMEOUT_MS });
  assert.match(await entry.textContent(), new RegExp(`Entry MEX.*${P8.callsign}`));
  await screenshot('04-alert');
});

test('the MQ-9 already inside Mexico is alerted as present there, and the newest alert is on top', async () => {
  const presence = page.locator('#alerts li[data-type="zone_presence"][data-zone="MEX"][data-icao24="ae5420"]');
  await presence.waitFor({ timeout: CLIP_TIMEOUT_MS });
  assert.match(await presence.textContent(), /Presence MEX/);
  // The alerts shown before the fold: those to watch (surveillance-like or military), newest first.
  const ids = (await page.locator('#alerts li[data-event-id]').evaluateAll(
    (items) => items.map((li) => Number(li.dataset.eventId)),
  ));
  assert.ok(ids.length >= 2, `alerts: ${ids}`);
  assert.deepEqual(ids, [...ids].sort((a, b) => b - a), 'newest (last committed) first');
});

test('routine civil crossings are folded under one line that opens them', async () => {
  // The demo's border airliners are first heard inside Mexico or the USA: routine presences.
  const fold = page.locator('#alerts li.fold');
  await fold.waitFor({ timeout: CLIP_TIMEOUT_MS });
  const routine = Number(await fold.getAttribute('data-routine'));
  assert.ok(routine >= 1, `routine: ${routine}`);
  const before = await page.locator('#alerts li[data-event-id]').count();
  // Dispatched on the element itself: the list is rebuilt whenever an alert arrives, and a
  // click by coordinates could land on the alert that moved under the pointer.
  await fold.dispatchEvent('click');
  await page.waitForFunction((n) => document.querySelectorAll('#alerts li[data-event-id]').length > n, before);
  assert.equal(await page.locator('#alerts li.fold').getAttribute('aria-expanded'), 'true');
  // What opened is routine: scores under the surveillance-like line.
  const opened = await page.locator('#alerts li.fold ~ li[data-event-id] .score').allTextContents();
  assert.ok(opened.length >= 1 && opened.every((s) => Number(s) < 0.3), opened.join(' '));
  await screenshot('04b-alerts-unfolded');
  await page.locator('#alerts li.fold').dispatchEvent('click');
  // Folded again: nothing after the fold line (alerts to watch may have arrived meanwhile).
  await page.waitForFunction(() => document.querySelector('#alerts li.fold')?.getAttribute('aria-expanded') === 'false'
    && document.querySelectorAll('#alerts li.fold ~ li[data-event-id]').length === 0);
});

test('an alert is acknowledged from the list with the service token', async () => {
  const entry = page.locator(`#alerts li[data-type="zone_entry"][data-icao24="${P8.icao24}"]`).first();
  const id = await entry.getAttribute('data-event-id');
  page.once('dialog', (dialog) => dialog.accept(TOKEN));
  await entry.locator('button.ack').click();
  await page.locator(`#alerts li.acknowledged[data-event-id="${id}"]`).waitFor();
  assert.equal(await page.locator('#alert-status').textContent(), '');
  const stored = await (await page.request.get(`${BASE}/api/events/${id}`)).json();
  assert.ok(Number.isFinite(stored.acknowledged_at), JSON.stringify(stored));
});

test('clicking the alert opens its details with the evidence frames', async () => {
  const entry = page.locator('#alerts li[data-type="zone_entry"][data-zone="MEX"]').first();
  const id = await entry.getAttribute('data-event-id');
  await entry.click();
  const panel = page.locator(`#panel[data-kind="event"][data-event-id="${id}"]`);
  await panel.waitFor();
  assert.match(await panel.locator('h2').textContent(), /Entry MEX/);
  const frames = await panel.locator('[data-testid="evidence-frame"] code').allTextContents();
  assert.ok(frames.length >= 2, `evidence frames: ${frames.length}`);
  for (const hex of frames) assert.match(hex, /^[0-9a-f]{28}$/, 'an extended squitter, 112 bits');
  assert.equal(await panel.locator('[data-testid="evidence-position"]').count(), 2, 'the positions before and after the crossing');
  await screenshot('05-event-panel');
});

test('the event links to its incident report, opened in a new tab', async () => {
  const link = page.locator('#report-link');
  const id = await page.locator('#panel').getAttribute('data-event-id');
  assert.equal(await link.getAttribute('href'), `/api/events/${id}/report`);
  assert.equal(await link.getAttribute('target'), '_blank');
  const response = await page.request.get(`${BASE}/api/events/${id}/report`);
  assert.equal(response.status(), 200);
  assert.match(response.headers()['content-type'], /^text\/html/);
  const [report] = await Promise.all([page.waitForEvent('popup'), link.click()]);
  await report.waitForLoadState();
  assert.match(await report.textContent('body'), new RegExp(P8.callsign));
  await report.screenshot({ path: join(ARTIFACTS, '06-report.png'), fullPage: true });
  await report.close();
});

test('filters hide what does not pass and bring it back', async () => {
  await page.keyboard.press('Escape');
  await page.locator('#filter-score').fill('0.9');
  await page.locator('#alerts li.empty').waitFor();
  assert.equal(await page.locator('#aircraft-list li[data-icao24]').count(), 0);
  await page.locator('#filter-score').fill('0');
  await page.locator('#filter-zone').selectOption('MEX');
  await page.locator('#alerts li[data-zone="MEX"]').first().waitFor();
  assert.equal(await page.locator('#alerts li[data-event-id]:not([data-zone="MEX"])').count(), 0);
  await page.locator('#filter-zone').selectOption('');
  await page.locator('#filter-military').check();
  await page.locator(`#aircraft-list li[data-icao24="${P8.icao24}"]`).waitFor();
  await page.locator('#filter-military').uncheck();
});

test('replay: the stored flight plays back with the time slider', async () => {
  await page.locator('#replay summary').click();
  const option = page.locator(`#replay-flight option[value^="${P8.icao24}-"]`).first();
  await option.waitFor({ state: 'attached' });
  await page.locator('#replay-flight').selectOption(await option.getAttribute('value'));
  await page.locator('#replay-load-flight').click();
  await page.locator('#map[data-replay="on"]').waitFor();
  // The badge says replay, not live, while a replay is on the map.
  assert.equal(await page.locator('#status').getAttribute('data-state'), 'replay');
  assert.equal(await page.locator('#status').textContent(), 'replay');
  const slider = page.locator('#replay-slider');
  const [min, max] = [Number(await slider.getAttribute('min')), Number(await slider.getAttribute('max'))];
  assert.ok(max > min, `replay span ${min}–${max}`);
  const start = await page.locator('#replay-time').textContent();
  await slider.fill(String(Math.round((min + max) / 2)));
  const middle = await page.locator('#replay-time').textContent();
  assert.notEqual(middle, start);
  // Played back at real time, the clock moves on within a couple of seconds; then pause.
  await page.locator('#replay-speed').selectOption('1');
  await page.locator('#replay-play').click();
  assert.equal(await page.locator('#replay-play').textContent(), 'Pause');
  await page.waitForFunction((before) => document.getElementById('replay-time').textContent !== before, middle);
  await page.locator('#replay-play').click();
  assert.equal(await page.locator('#replay-play').textContent(), 'Play');
  await screenshot('07-replay');
  await page.locator('#replay-exit').click();
  await page.locator('#map[data-replay="off"]').waitFor();
  assert.equal(await page.locator('#status').getAttribute('data-state'), 'live');
  // A time window (the last hour, filled in when the section opened) replays every flight in it.
  await page.locator('#replay-load-window').click();
  // Every flight of the last hour is loaded (a score of flights of thousands of positions each,
  // from the test build of the service while the demo plays at 20×).
  await page.locator('#map[data-replay="on"]').waitFor({ timeout: 90_000 }).catch(async (error) => {
    throw new Error(`${error.message}; replay status: ${await page.locator('#replay-status').textContent().catch(() => '?')}`);
  });
  const status = await page.locator('#replay-status').textContent();
  assert.match(status, new RegExp(`^Replaying .*${P8.callsign}`));
  assert.ok(status.split(',').length >= 2, status);
  await page.locator('#replay-exit').click();
  await page.locator('#map[data-replay="off"]').waitFor();
});

test('a configured tile server is drawn under the zones', async () => {
  // A stand-in tile server on the service's origin: every tile one magenta pixel.
  const magenta = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z/AfAAQAAf8iCjrwAAAAAElFTkSuQmCC', 'base64');
  const requested = [];
  await page.route(`${BASE}/test-tiles/**`, (route) => {
    requested.push(new URL(route.request().url()).pathname);
    return route.fulfill({ contentType: 'image/png', body: magenta });
  });
  const template = encodeURIComponent(`${BASE}/test-tiles/{z}/{x}/{y}.png`);
  await page.goto(`${BASE}/?tiles=${template}#map=5.00/25.0000/-100.0000`);
  await page.locator('#map[data-ready="true"]').waitFor();
  assert.equal(await page.locator('#tile-url').inputValue(), `${BASE}/test-tiles/{z}/{x}/{y}.png`);
  await page.waitForFunction(() => {
    const map = document.getElementById('map');
    const data = map.getContext('2d').getImageData(0, 0, map.width, map.height).data;
    for (let i = 0; i < data.length; i += 4 * 53) {
      if (data[i] > 240 && data[i + 1] < 15 && data[i + 2] > 240) return true;
    }
    return false;
  });
  assert.ok(requested.length > 0 && requested.every((p) => /^\/test-tiles\/5\/\d+\/\d+\.png$/.test(p)), requested.join(' '));
  await screenshot('08-tiles');
});

test('the MQ-9 orbit inside Mexico has its report: zone named, evidence frames, Mexico filled', async () => {
  // The demo plays 20 times faster: the orbit is reported once it has lasted 20 minutes.
  await page.goto(`${BASE}/`);
  await page.locator('#map[data-ready="true"]').waitFor();
  const orbit = page.locator('#alerts li[data-type="orbit"][data-icao24="ae5420"]').first();
  await orbit.waitFor({ timeout: 150_000 });
  assert.match(await orbit.textContent(), /Orbit MEX/);
  const id = await orbit.getAttribute('data-event-id');
  const report = await page.context().newPage();
  await report.goto(`${BASE}/api/events/${id}/report`);
  const body = await report.textContent('body');
  assert.match(body, /Orbit inside MEX sovereign airspace/);
  assert.match(body, /over MEX's land territory [\d.]+ NM/);
  const frames = await report.locator('td code').allTextContents();
  assert.ok(frames.some((f) => /^[0-9a-f]{28}$/.test(f)), `evidence frames: ${frames.length}`);
  // MEX is drawn filled (the zone covers the whole view around the orbit).
  assert.ok(await report.locator('svg path[fill="#f6c89f"]').count() >= 1, 'MEX filled');
  await report.screenshot({ path: join(ARTIFACTS, '09-orbit-report.png'), fullPage: true });
  await report.close();
});

test('the coverage layer shows where the receivers hear, by altitude band', async () => {
  // The model is learned from the traffic and saved within seconds of the start, then every minute.
  let cells = 0;
  for (let i = 0; i < 60 && cells === 0; i += 1) {
    cells = await page.evaluate(async () => (await (await fetch('/api/coverage?altitude=20000&min_expected=20')).json()).features.length);
    if (cells === 0) await page.waitForTimeout(1000);
  }
  assert.ok(cells > 0, 'no coverage learned');
  await page.locator('#receivers summary').click();
  await page.locator('#coverage-band').selectOption('20000');
  await page.locator('#coverage-status', { hasText: 'cells with coverage learned' }).waitFor();
  const shown = Number((await page.locator('#coverage-status').textContent()).split(' ')[0]);
  assert.ok(shown > 0, `status: ${shown}`);
  await screenshot('coverage');
  // One receiver's own coverage: the choice lists the receivers the service knows.
  const receivers = page.locator('#coverage-receiver option');
  assert.ok((await receivers.count()) > 1, 'no receiver to choose');
  const id = await receivers.nth(1).getAttribute('value');
  const own = await page.evaluate(async (r) => (await (await fetch(`/api/coverage?altitude=20000&min_expected=20&receiver=${encodeURIComponent(r)}`)).json()).features.length, id);
  await page.locator('#coverage-receiver').selectOption(id);
  await page.locator('#coverage-status', { hasText: `${own} cells with coverage learned` }).waitFor();
  await page.locator('#coverage-receiver').selectOption('');
  await page.locator('#coverage-band').selectOption('');
  await page.locator('#receivers summary').click();
});

test('the search box narrows the aircraft list and the map to what matches', async () => {
  const search = page.locator('#aircraft-search');
  const all = Number(await page.locator('#map').getAttribute('data-aircraft'));
  assert.ok(all >= 2, `aircraft: ${all}`);
  await search.fill(P8.callsign.slice(0, 5).toLowerCase());
  await page.waitForFunction((hex) => {
    const items = [...document.querySelectorAll('#aircraft-list li[data-icao24]')];
    return items.length >= 1 && items.every((li) => li.dataset.icao24 === hex);
  }, P8.icao24);
  // By address too, in capitals.
  await search.fill(P8.icao24.toUpperCase());
  await page.locator(`#aircraft-list li[data-icao24="${P8.icao24}"]`).waitFor();
  assert.equal(await page.locator('#aircraft-list li[data-icao24]').count(), 1);
  await search.fill('no such aircraft');
  await page.waitForFunction(() => document.querySelectorAll('#aircraft-list li[data-icao24]').length === 0);
  await search.fill('');
  await page.waitForFunction((n) => document.querySelectorAll('#aircraft-list li[data-icao24]').length >= Math.min(n, 2), all);
});

test('trails are coloured by altitude, with the scale in the legend', async () => {
  const legend = await page.locator('#legend').textContent();
  assert.match(legend, /trail: ground.*trail: 40 000 ft and above/s);
  const colours = await page.evaluate(async () => {
    const { altitudeColour } = await import('/traffic.js');
    return [altitudeColour(0), altitudeColour(20000), altitudeColour(45000), altitudeColour(null)];
  });
  assert.deepEqual(colours, ['hsl(20, 85%, 42%)', 'hsl(160, 85%, 42%)', 'hsl(300, 85%, 42%)', '#9e9e9e']);
});

test('the aircraft table sorts by any column and selects an aircraft', async () => {
  await page.locator('#table-view summary').click();
  const rows = page.locator('#aircraft-table tbody tr');
  await rows.first().waitFor();
  assert.equal(await page.locator('#aircraft-table th').count(), 8);
  const listed = await page.locator('#aircraft-list li[data-icao24]').count();
  assert.equal(await rows.count(), listed);
  const altitudes = async () => (await page.locator('#aircraft-table tbody td[data-key="altitude"]').allTextContents())
    .map((t) => (t === 'ground' ? 0 : Number(t)))
    .filter(Number.isFinite);
  const header = page.locator('#aircraft-table th[data-key="altitude"]');
  await header.click();
  assert.equal(await header.getAttribute('aria-sort'), 'descending');
  const down = await altitudes();
  assert.deepEqual(down, [...down].sort((a, b) => b - a));
  await header.click();
  assert.equal(await header.getAttribute('aria-sort'), 'ascending');
  const up = await altitudes();
  assert.deepEqual(up, [...up].sort((a, b) => a - b));
  await page.locator(`#aircraft-table tbody tr[data-icao24="${P8.icao24}"]`).click();
  await page.locator(`#panel[data-kind="aircraft"][data-icao24="${P8.icao24}"]`).waitFor();
  await page.keyboard.press('Escape');
  await page.locator('#table-view summary').click();
});

test('the receivers panel shows each receiver\'s link: connected, data age, losses', async () => {
  const api = await page.evaluate(async () => (await (await fetch('/api/receivers')).json()));
  const linked = api.receivers.filter((r) => r.link);
  assert.ok(linked.length >= 6, JSON.stringify(api.receivers.map((r) => r.id)));
  assert.ok(linked.every((r) => r.link.connected === true && Number.isFinite(r.link.last_data_s)), JSON.stringify(linked.map((r) => r.link)));
  const wasOpen = await page.evaluate(() => document.getElementById('receivers').open);
  await page.evaluate(() => { document.getElementById('receivers').open = true; });
  const item = page.locator(`#receiver-list li[data-receiver="${linked[0].id}"]`);
  await item.waitFor();
  assert.equal(await item.getAttribute('data-link'), 'up');
  assert.match(await item.locator('.link').textContent(), /connected · data \d+ s ago/);
  await page.evaluate((open) => { document.getElementById('receivers').open = open; }, wasOpen);
});

test('the receiver station is marked with range rings', async () => {
  const receiver = await page.evaluate(async () => (await (await fetch('/data/receiver.json')).json()));
  assert.ok(Number.isFinite(receiver.lat) && Number.isFinite(receiver.lon), JSON.stringify(receiver));
  const station = await page.locator('#map').getAttribute('data-station');
  assert.equal(station, `${receiver.lat},${receiver.lon}`);
});

test('links open an aircraft, a zone filter or an event', async () => {
  await page.goto(`${BASE}/?icao=${P8.icao24.toUpperCase()}`);
  await page.locator(`#panel[data-kind="aircraft"][data-icao24="${P8.icao24}"]`).waitFor({ timeout: 30_000 });
  await page.goto(`${BASE}/?zone=MEX`);
  await page.locator('#map[data-ready="true"]').waitFor();
  assert.equal(await page.locator('#filter-zone').inputValue(), 'MEX');
  const id = await page.evaluate(async () => (await (await fetch('/api/events?type=zone_entry&zone=MEX&limit=1')).json()).events[0].id);
  await page.goto(`${BASE}/?event=${id}`);
  await page.locator(`#panel[data-kind="event"][data-event-id="${id}"]`).waitFor({ timeout: 15_000 });
  await page.goto(`${BASE}/`);
  await page.locator('#map[data-ready="true"]').waitFor();
});

test('times show the reader\'s local clock beside UTC', async () => {
  // A reader in Sonora (UTC−7 all year), in a browser context of their own.
  const sonora = await browser.newContext({ viewport: { width: 1400, height: 900 }, timezoneId: 'America/Hermosillo' });
  try {
    const local = await sonora.newPage();
    const id = await page.evaluate(async () => (await (await fetch('/api/events?type=zone_entry&zone=MEX&limit=1')).json()).events[0].id);
    await local.goto(`${BASE}/?event=${id}`);
    const panel = local.locator(`#panel[data-kind="event"][data-event-id="${id}"]`);
    await panel.waitFor({ timeout: 15_000 });
    assert.match(await panel.textContent(), /\d{2}:\d{2}:\d{2}Z \(\d{2}:\d{2}:\d{2} local, UTC−7\)/);
  } finally {
    await sonora.close();
  }
});

test('a Spanish-speaking browser gets the map in Spanish; the switch changes it back and forth', async () => {
  // A browser in Mexico: its languages are es-MX, es.
  const mexico = await browser.newContext({ viewport: { width: 1400, height: 900 }, locale: 'es-MX', timezoneId: 'America/Mexico_City' });
  try {
    const es = await mexico.newPage();
    es.on('pageerror', (error) => pageErrors.push(error.message));
    const id = await page.evaluate(async () => (await (await fetch('/api/events?type=zone_entry&zone=MEX&limit=1')).json()).events[0].id);
    await es.goto(`${BASE}/?event=${id}`);
    await es.locator('#map[data-ready="true"]').waitFor();
    assert.equal(await es.evaluate(() => document.documentElement.lang), 'es');
    assert.equal(await es.locator('#language').inputValue(), 'es');
    assert.equal((await es.locator('#alerts-heading').textContent()).trim().split(' ')[0], 'Alertas');
    assert.equal(await es.locator('#aircraft-search').getAttribute('placeholder'), 'indicativo, hex, squawk, matrícula');
    assert.match(await es.locator('#legend').textContent(), /espacio aéreo de MEX \(tierra \+ 12 NM de mar\)/);
    const panel = es.locator(`#panel[data-kind="event"][data-event-id="${id}"]`);
    await panel.waitFor({ timeout: 15_000 });
    assert.match(await panel.textContent(), /Entrada MEX/);
    assert.match(await panel.textContent(), /Evidencia/);
    assert.match(await panel.textContent(), /hora local, UTC−6/);
    assert.match(await es.locator('#status').textContent(), /en vivo|ningún receptor conectado|degradado/);
    await es.screenshot({ path: join(ARTIFACTS, 'spanish.png') });
    // Switched to English: the page, the open panel and the lists change without a reload.
    await es.locator('#language').selectOption('en');
    assert.equal(await es.evaluate(() => document.documentElement.lang), 'en');
    assert.equal((await es.locator('#alerts-heading').textContent()).trim().split(' ')[0], 'Alerts');
    await es.locator('#panel h3', { hasText: 'Evidence' }).waitFor();
    // The choice is remembered in this browser: a reload stays in English.
    await es.reload();
    await es.locator('#map[data-ready="true"]').waitFor();
    assert.equal(await es.evaluate(() => document.documentElement.lang), 'en');
    // ?lang= wins over the remembered choice.
    await es.goto(`${BASE}/?lang=es`);
    await es.locator('#map[data-ready="true"]').waitFor();
    assert.equal(await es.locator('#replay summary').textContent(), 'Repetición');
    assert.equal(await es.locator('#aircraft-table th[data-key="callsign"]').textContent(), 'Indicativo');
  } finally {
    await mexico.close();
  }
  // The English browser of the other tests was never switched.
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
});

test('nothing was fetched from outside the service, and the page logged no error', () => {
  assert.deepEqual(offsite, []);
  assert.deepEqual(pageErrors, []);
});
