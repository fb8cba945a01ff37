// The live map's entry point: loads zones, aircraft and events from the API, follows the
// stream (GET /api/stream), and wires the map, the lists, the filters, the detail panel and
// replay together. Each part lives in its own module; this file holds the shared selection and
// filter state and decides what to redraw.

import { Alerts } from './alerts.js';
import { el } from './format.js';
import { LANGUAGES, language, onLanguageChange, setLanguage, t, translatePage } from './i18n.js';
import { MapView, unproject } from './map.js';
import { Network } from './network.js';
import { CoverageLayer, MIN_EXPECTED } from './coverage.js';
import { Panel } from './panel.js';
import { Replay } from './replay.js';
import { RangeRings } from './rings.js';
import { AircraftTable } from './table.js';
import { TileLayer } from './tiles.js';
import { altitudeColour, CATEGORY_COLOURS, Traffic } from './traffic.js';
import { Graticule, ZoneLayer } from './zones.js';

const $ = (id) => document.getElementById(id);
const TILE_SETTING = 'vigia.tileUrl';

const state = {
  filter: { militaryOnly: false, minScore: 0, zone: '', search: '' },
  selectedAircraft: null,
  selectedEvent: null,
};

/** GET a JSON document; a non-2xx answer is an error carrying the API's message. */
async function fetchJson(url) {
  const response = await fetch(url, { headers: { Accept: 'application/json' } });
  if (!response.ok) {
    const body = await response.json().catch(() => ({}));
    throw new Error(`${response.status} ${body.error ?? response.statusText}`);
  }
  return response.json();
}

const traffic = new Traffic();
const alerts = new Alerts();
const zones = new ZoneLayer();
/** Land under the zones, so the territorial-sea band shows (GET /basemap.geojson). */
const land = new ZoneLayer();
const canvas = $('map');
const view = new MapView(canvas, {
  scaleBar: $('scalebar'),
  cursor: $('cursor'),
  onClick: clickMap,
  onViewChange: rememberView,
});
const tiles = new TileLayer(() => view.requestDraw());
const replay = new Replay({
  bar: $('replay-bar'),
  slider: $('replay-slider'),
  time: $('replay-time'),
  play: $('replay-play'),
  speed: $('replay-speed'),
  exit: $('replay-exit'),
  flight: $('replay-flight'),
  loadFlight: $('replay-load-flight'),
  from: $('replay-from'),
  to: $('replay-to'),
  loadWindow: $('replay-load-window'),
  status: $('replay-status'),
}, {
  fetchJson,
  onChange: () => {
    canvas.dataset.replay = replay.active ? 'on' : 'off';
    renderStatus();
    view.requestDraw();
  },
  onFocus: (tracks) => {
    const xs = tracks.flatMap((t) => [...t.xs]);
    const ys = tracks.flatMap((t) => [...t.ys]);
    // A short track is still shown with its surroundings (the coast, the boundary).
    view.fitWorld(Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys), 9);
  },
});
const panel = new Panel($('panel'), {
  onSelectEvent: (id) => selectEvent(id),
  onReplay: (flightId) => replayFlight(flightId),
  onCenter: (lat, lon) => view.centerOn(lon, lat, 7),
  onClose: () => deselect(),
});

const network = new Network();
const coverage = new CoverageLayer();
const rings = new RangeRings();
const table = new AircraftTable($('aircraft-table'), {
  onSelect: (icao24) => selectAircraft(icao24, { center: true }),
  onSort: () => renderAircraft(),
});

const isMilitary = (icao24) => traffic.get(icao24)?.military === true;

view.layers = [
  tiles,
  // The tiles of a configured server are the better base map: land is drawn only without.
  { draw: (ctx, v) => tiles.template || land.draw(ctx, v) },
  zones,
  new Graticule(),
  coverage,
  { draw: (ctx, v) => replay.active || rings.draw(ctx, v) },
  { draw: (ctx, v) => replay.active || network.draw(ctx, v) },
  {
    // Live picture or replay, never both: a replayed aircraft beside its live self misleads.
    draw: (ctx, v) => {
      if (replay.active) {
        replay.draw(ctx, v);
        return;
      }
      alerts.draw(ctx, v, { filter: state.filter, isMilitary, selected: state.selectedEvent });
      traffic.draw(ctx, v, { filter: state.filter, selected: state.selectedAircraft });
    },
  },
];

// ---- rendering of the lists and the status line ----

function renderAircraft() {
  traffic.orbitingFlights = alerts.orbitingFlights();
  traffic.renderList($('aircraft-list'), {
    filter: state.filter,
    selected: state.selectedAircraft,
    onSelect: (icao24) => selectAircraft(icao24, { center: true }),
  });
  if ($('table-view').open) table.render(traffic.visible(state.filter).map((e) => e.data), state.selectedAircraft);
  const shown = traffic.visible(state.filter).length;
  $('aircraft-count').textContent = shown === traffic.aircraft.size ? String(shown) : t('{shown} of {total}', { shown, total: traffic.aircraft.size });
  canvas.dataset.aircraft = String(traffic.aircraft.size);
  const selected = state.selectedAircraft && traffic.get(state.selectedAircraft);
  if (selected) panel.updateAircraft(selected, traffic.age(selected));
  view.requestDraw();
}

function renderAlerts() {
  alerts.renderList($('alerts'), {
    filter: state.filter,
    isMilitary,
    selected: state.selectedEvent,
    onSelect: (id) => selectEvent(id, { center: true }),
    onAck: (id) => {
      alerts.acknowledge(id).then((problem) => {
        $('alert-status').textContent = problem ?? '';
        renderAlerts();
      }, (error) => {
        $('alert-status').textContent = t('not acknowledged: {reason}', { reason: error.message });
      });
    },
  });
  $('alert-count').textContent = String(alerts.visible(state.filter, isMilitary).length);
  view.requestDraw();
}

// The badge: the page's link to the service (connecting, live, reconnecting), what the service
// says of itself (`/healthz`: degraded when no receiver is connected or its store lags), and
// replay, which is not live whatever the link.
const badge = { connection: 'connecting', problems: [] };

function setStatus(connection) {
  badge.connection = connection;
  renderStatus();
}

function renderStatus() {
  const status = $('status');
  let state = badge.connection;
  let text = t({ connecting: 'connecting…', live: 'live', reconnecting: 'reconnecting…' }[state]);
  if (state === 'live' && badge.problems.length > 0) {
    state = 'degraded';
    text = badge.problems[0].startsWith('no receiver') ? t('no receiver connected') : t('degraded');
  }
  if (replay.active) {
    state = 'replay';
    text = t('replay');
  }
  status.dataset.state = state;
  status.textContent = text;
  status.title = badge.problems.join('\n');
}

async function refreshHealth() {
  const health = await fetchJson('/healthz');
  badge.problems = Array.isArray(health.problems) ? health.problems.map(String) : [];
  renderStatus();
}

/** The legend: aircraft categories and the zones with their colours. */
function renderLegend() {
  const row = (colour, shape, text, zone) => {
    const swatch = el('span', { className: `swatch ${shape}`, 'aria-hidden': 'true' });
    // A custom property, set through the CSSOM: the page's CSP forbids style attributes.
    swatch.style.setProperty('--colour', colour);
    return el('li', { dataset: zone ? { zone } : {} }, swatch, text);
  };
  $('legend').replaceChildren(el('ul', {},
    row(CATEGORY_COLOURS.alert, 'arrow', t('score ≥ 0.5, or military on station')),
    row(CATEGORY_COLOURS.military, 'arrow', t('military, or surveillance-like (score ≥ 0.3)')),
    row(CATEGORY_COLOURS.ordinary, 'arrow', t('other aircraft')),
    row(altitudeColour(0), 'line', t('trail: ground')),
    row(altitudeColour(10000), 'line', t('trail: 10 000 ft')),
    row(altitudeColour(20000), 'line', t('trail: 20 000 ft')),
    row(altitudeColour(40000), 'line', t('trail: 40 000 ft and above')),
    zones.zones.map((z) => row(z.colour, z.kind, z.kind === 'sovereign' ? t('{zone} airspace (land + 12 NM sea)', { zone: z.name }) : `${z.name} (${t(z.kind)})`, z.name)),
    land.zones.length > 0 && !tiles.template && row('#a1887f', 'land', t('land'))));
}

// ---- selection ----

async function selectAircraft(icao24, { center = false } = {}) {
  const data = traffic.get(icao24);
  if (!data) return;
  state.selectedAircraft = icao24;
  state.selectedEvent = null;
  if (center) view.centerOn(data.lon, data.lat, 6);
  panel.showAircraft(data, traffic.categoryOf(data), { record: alerts.flightRecords.get(data.flight_id) });
  renderAircraft();
  renderAlerts();
  // Its events, and its stored track under the trail, arrive after the panel is shown.
  const [events, track] = await Promise.allSettled([
    fetchJson(`/api/events?icao24=${icao24}&limit=50`),
    fetchJson(`/api/flights/${encodeURIComponent(data.flight_id)}`),
  ]);
  if (track.status === 'fulfilled') traffic.seedTrail(icao24, track.value);
  if (!panel.showsAircraft(icao24)) return;
  const list = events.status === 'fulfilled' ? events.value.events : [];
  for (const e of list) alerts.add(e);
  const current = traffic.get(icao24) ?? data;
  panel.showAircraft(current, traffic.categoryOf(current), {
    record: alerts.flightRecords.get(current.flight_id),
    events: list.filter((e) => e.type !== 'flight'),
  });
  panel.updateAircraft(current, traffic.age(current));
  view.requestDraw();
}

async function selectEvent(id, { center = false } = {}) {
  state.selectedEvent = id;
  state.selectedAircraft = null;
  renderAlerts();
  renderAircraft();
  try {
    const event = await fetchJson(`/api/events/${encodeURIComponent(id)}`);
    if (state.selectedEvent !== id) return;
    panel.showEvent(event);
    if (center && Number.isFinite(event.latitude)) view.centerOn(event.longitude, event.latitude, 7);
  } catch (error) {
    if (state.selectedEvent === id) panel.showError(t('Event {id}', { id }), error.message);
  }
}

function deselect() {
  state.selectedAircraft = null;
  state.selectedEvent = null;
  panel.close();
  renderAircraft();
  renderAlerts();
}

function clickMap(sx, sy) {
  if (replay.active) return;
  const icao24 = traffic.hitTest(view, sx, sy, state.filter);
  if (icao24) {
    selectAircraft(icao24);
    return;
  }
  const eventId = alerts.hitTest(view, sx, sy, state.filter, isMilitary);
  if (eventId !== null) selectEvent(eventId);
  else if (state.selectedAircraft || state.selectedEvent) deselect();
}

async function replayFlight(flightId) {
  $('replay').open = true;
  await replay.listFlights().catch(() => []);
  $('replay-flight').value = flightId;
  await replay.loadFlight(flightId);
}

// ---- the view in the address (#map=zoom/lat/lon), so a picture can be shared ----

let rememberTimer = null;
function rememberView() {
  clearTimeout(rememberTimer);
  rememberTimer = setTimeout(() => {
    const [lon, lat] = unproject(...view.center);
    history.replaceState(null, '', `#map=${view.zoom.toFixed(2)}/${lat.toFixed(4)}/${lon.toFixed(4)}`);
  }, 300);
}

function restoreView() {
  const match = /^#map=([\d.]+)\/(-?[\d.]+)\/(-?[\d.]+)$/.exec(location.hash);
  if (!match) return false;
  view.setView(Number(match[3]), Number(match[2]), Number(match[1]));
  return true;
}

// ---- links: ?icao=HEX selects an aircraft (once heard), ?zone=NAME filters by zone,
// ?event=ID opens an event ----

function applyAddress() {
  const params = new URLSearchParams(location.search);
  const zone = params.get('zone');
  if (zone && zones.names().includes(zone)) {
    $('filter-zone').value = zone;
    $('filter-zone').dispatchEvent(new Event('input'));
  }
  const event = params.get('event');
  if (event && /^\d+$/.test(event)) selectEvent(Number(event), { center: true });
  const icao = params.get('icao')?.toLowerCase();
  if (icao && /^[0-9a-f]{6}$/.test(icao) && !event) {
    // An aircraft not heard yet is waited for a minute.
    const started = Date.now();
    const tryIt = () => {
      if (traffic.get(icao)) selectAircraft(icao, { center: true });
      else if (Date.now() - started < 60_000) setTimeout(tryIt, 1000);
    };
    tryIt();
  }
}

// ---- data: initial load, then the stream ----

async function loadZones(fitView) {
  zones.load(await fetchJson('/api/zones'));
  const select = $('filter-zone');
  select.replaceChildren(select.options[0], ...zones.names().map((name) => new Option(name, name)));
  renderLegend();
  canvas.dataset.zones = zones.names().join(',');
  const first = zones.zones.find((z) => z.kind === 'sovereign') ?? zones.zones[0];
  const bounds = first?.mainBounds();
  if (fitView && bounds) view.fitBounds(...bounds);
  view.requestDraw();
}

async function loadBasemap() {
  land.load(await fetchJson('/basemap.geojson'));
  canvas.dataset.basemap = land.names().join(',');
  renderLegend();
  view.requestDraw();
}

/** Events after the newest one held (all of them the first time), oldest last. */
async function catchUpEvents() {
  const after = alerts.lastId();
  const { events } = await fetchJson(`/api/events?limit=500${after ? `&after_id=${after}` : ''}`);
  for (const e of events) alerts.add(e, { fresh: after > 0 });
  renderAlerts();
}

function follow() {
  let replaceNext = false;
  let opened = false;
  const stream = new EventSource('/api/stream');
  stream.addEventListener('open', () => {
    setStatus('live');
    // After a reconnection the first message is a full snapshot: it replaces the table. On
    // every opening — the first too: events committed between the page's first list and
    // the stream's start would otherwise never be shown — the events committed meanwhile are
    // fetched (the list keeps each id once).
    if (opened) replaceNext = true;
    catchUpEvents().catch(() => {});
    opened = true;
  });
  stream.addEventListener('error', () => setStatus(stream.readyState === EventSource.CLOSED ? 'connecting' : 'reconnecting'));
  stream.addEventListener('aircraft', (message) => {
    traffic.update(JSON.parse(message.data), replaceNext);
    replaceNext = false;
    renderAircraft();
  });
  stream.addEventListener('event', (message) => {
    const event = JSON.parse(message.data);
    if (alerts.add(event, { fresh: true })) renderAlerts();
    else if (state.selectedAircraft && traffic.get(state.selectedAircraft)?.flight_id === event.flight_id) {
      selectAircraft(state.selectedAircraft);
    }
  });
  stream.addEventListener('lagged', () => {
    // Messages were skipped: take the whole picture again.
    fetchJson('/api/aircraft').then((snapshot) => {
      traffic.update(snapshot, true);
      renderAircraft();
    }).catch(() => {});
    catchUpEvents().catch(() => {});
  });
}

// ---- controls ----

function bindControls() {
  $('filters').addEventListener('submit', (e) => e.preventDefault());
  const readFilters = () => {
    const score = Number($('filter-score').value);
    state.filter = {
      militaryOnly: $('filter-military').checked,
      minScore: Number.isFinite(score) ? score : 0,
      zone: $('filter-zone').value,
      search: $('aircraft-search').value.trim().toLowerCase(),
    };
    renderAircraft();
    renderAlerts();
  };
  for (const id of ['filter-military', 'filter-score', 'filter-zone', 'aircraft-search']) $(id).addEventListener('input', readFilters);
  $('coverage-band').addEventListener('change', () => refreshCoverage().catch(() => {}));
  $('coverage-receiver').addEventListener('change', () => refreshCoverage().catch(() => {}));
  $('zoom-in').addEventListener('click', () => view.zoomAt(2, view.width / 2, view.height / 2));
  $('zoom-out').addEventListener('click', () => view.zoomAt(0.5, view.width / 2, view.height / 2));
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && !$('panel').hidden) deselect();
  });
  $('table-view').addEventListener('toggle', () => renderAircraft());
  $('replay').addEventListener('toggle', () => {
    if ($('replay').open) replay.listFlights().catch((error) => replay.status(error.message));
  });
  const tileInput = $('tile-url');
  tileInput.value = new URLSearchParams(location.search).get('tiles') ?? localStorage.getItem(TILE_SETTING) ?? '';
  tiles.setTemplate(tileInput.value);
  tileInput.addEventListener('change', () => {
    localStorage.setItem(TILE_SETTING, tileInput.value.trim());
    tiles.setTemplate(tileInput.value);
    renderLegend();
    view.requestDraw();
  });
  // Ages in the panel and the fading of silent aircraft move with the clock.
  setInterval(() => {
    const selected = state.selectedAircraft && traffic.get(state.selectedAircraft);
    if (selected) panel.updateAircraft(selected, traffic.age(selected));
    view.requestDraw();
  }, 1000);
}

/** The coverage layer of the chosen altitude band (the model is saved once a minute). */
async function refreshCoverage() {
  const value = $('coverage-band').value;
  const receiver = $('coverage-receiver').value;
  coverage.altitude = value === '' ? null : Number(value);
  if (coverage.altitude !== null) {
    const who = receiver ? `&receiver=${encodeURIComponent(receiver)}` : '';
    coverage.update(await fetchJson(`/api/coverage?altitude=${coverage.altitude}&min_expected=${MIN_EXPECTED}${who}`));
    $('coverage-status').textContent = t('{n} cells with coverage learned in this band.', { n: coverage.cells.length });
  }
  view.requestDraw();
}

/** Receivers and the aircraft heard without a position, every few seconds. */
async function refreshNetwork() {
  const [receivers, heard] = await Promise.all([fetchJson('/api/receivers'), fetchJson('/api/heard')]);
  network.update(receivers, heard);
  network.renderList($('heard-list'));
  network.renderReceivers($('receiver-list'));
  // The coverage layer's receiver choice follows the receivers known (the choice is kept).
  const choice = $('coverage-receiver');
  const ids = network.receivers.map((r) => String(r.id));
  const listed = [...choice.options].slice(1).map((o) => o.value);
  if (ids.join('\n') !== listed.join('\n')) {
    const kept = choice.value;
    choice.replaceChildren(el('option', { value: '', dataset: { i18n: 'the network' } }, t('the network')), ...ids.map((id) => el('option', { value: id }, id)));
    choice.value = ids.includes(kept) ? kept : '';
  }
  $('receiver-count').textContent = String(network.receivers.length);
  $('heard-count').textContent = String(network.heard.length);
  $('heard').hidden = network.heard.length === 0;
  view.requestDraw();
}

// ---- language: chosen by the browser, switchable in the top bar; everything built from text
// is built again ----

function bindLanguage() {
  const choice = $('language');
  choice.replaceChildren(...Object.entries(LANGUAGES).map(([code, name]) => el('option', { value: code, lang: code }, name)));
  choice.value = language();
  choice.addEventListener('change', () => setLanguage(choice.value));
  translatePage();
  onLanguageChange(() => {
    choice.value = language();
    replay.relabel();
    renderStatus();
    renderLegend();
    renderAircraft();
    renderAlerts();
    network.renderList($('heard-list'));
    network.renderReceivers($('receiver-list'));
    refreshCoverage().catch(() => {});
    if (state.selectedEvent !== null) selectEvent(state.selectedEvent);
    else if (state.selectedAircraft) selectAircraft(state.selectedAircraft);
  });
}

async function start() {
  bindLanguage();
  bindControls();
  const fromAddress = restoreView();
  follow();
  const results = await Promise.allSettled([
    loadZones(!fromAddress),
    loadBasemap(),
    fetchJson('/api/aircraft').then((snapshot) => {
      traffic.update(snapshot);
      renderAircraft();
    }),
    catchUpEvents(),
    refreshNetwork(),
  ]);
  setInterval(() => refreshNetwork().catch(() => {}), 5000);
  refreshHealth().catch(() => {});
  setInterval(() => refreshHealth().catch(() => {}), 5000);
  setInterval(() => refreshCoverage().catch(() => {}), 60000);
  fetchJson('/data/receiver.json').then((receiver) => {
    rings.load(receiver);
    canvas.dataset.station = rings.station ? rings.station.join(',') : '';
    view.requestDraw();
  }).catch(() => {});
  applyAddress();
  const failed = results.filter((r) => r.status === 'rejected').map((r) => r.reason.message);
  if (failed.length) $('status').textContent = t('load failed: {reasons}', { reasons: failed.join('; ') });
  canvas.dataset.ready = 'true';
}

start();
