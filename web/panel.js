// The detail panel: one aircraft (identity, score and its reasons, zones, motion, its events)
// or one event (what, where, when with its uncertainty, the evidence positions with their raw
// frames, a link to the incident report). It renders what it is given; the app fetches.

import { reportHref, eventSummary } from './alerts.js';
import { CATEGORY_NAMES } from './traffic.js';
import {
  aircraftName, el, eventName, formatClock, formatDuration, formatLatLon, formatNumber, formatTime,
} from './format.js';
import { t } from './i18n.js';

/** How a cited position was obtained (the evidence's `method`). */
const METHODS = {
  cpr_pair: 'global CPR pair (two frames)',
  cpr_local: 'local CPR (one frame)',
  report: 'archive row',
};

/** A definition list from [term, value] rows; rows with a null value are left out. */
function details(rows) {
  return el('dl', {}, rows.filter(([, value]) => value !== null && value !== undefined && value !== '')
    .flatMap(([term, value]) => [el('dt', {}, t(term)), el('dd', {}, value)]));
}

function yesNo(value) {
  return value === true ? t('yes') : value === false ? t('no') : null;
}

/** A clickable list item that also answers Enter and Space. */
function actionItem(attrs, onActivate, ...children) {
  return el('li', {
    ...attrs,
    tabindex: 0,
    role: 'button',
    onclick: onActivate,
    onkeydown: (e) => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        onActivate();
      }
    },
  }, ...children);
}

export class Panel {
  /**
   * @param {HTMLElement} root the `#panel` element
   * @param {{onSelectEvent: Function, onReplay: Function, onCenter: Function, onClose: Function}} actions
   */
  constructor(root, actions) {
    this.root = root;
    this.actions = actions;
    this.showing = null;
    this.live = null;
  }

  close() {
    this.mark({});
    this.root.hidden = true;
    this.root.replaceChildren();
  }

  /** Whether the panel shows this aircraft (so live updates refresh it). */
  showsAircraft(icao24) {
    return this.showing?.kind === 'aircraft' && this.showing.icao24 === icao24;
  }

  /** What is shown, also as data attributes of the panel (for styles and tests). */
  mark(showing) {
    this.showing = showing;
    for (const key of Object.keys(this.root.dataset)) delete this.root.dataset[key];
    Object.assign(this.root.dataset, showing);
  }

  frame(title, subtitle, ...body) {
    this.root.hidden = false;
    this.root.replaceChildren(
      el('header', {},
        el('div', {},
          el('h2', { id: 'panel-title' }, title),
          el('p', { className: 'subtitle' }, subtitle)),
        el('button', { type: 'button', className: 'close', 'aria-label': t('Close details'), onclick: () => this.actions.onClose() }, '×')),
      ...body,
    );
  }

  /** Something could not be loaded. */
  showError(title, text) {
    this.mark({ kind: 'error' });
    this.frame(title, t('could not be loaded'), el('p', { role: 'alert' }, text));
  }

  /**
   * An aircraft: `record` is its flight record event if the flight has one (the reasons of
   * its score), `events` its recent events.
   */
  showAircraft(data, category, { record = null, events = [] } = {}) {
    this.mark({ kind: 'aircraft', icao24: data.icao24 });
    this.live = el('section', { className: 'live' });
    // The flight record's reasons once the flight has ended; until then the live ones.
    const reasons = record?.reasons?.length
      ? el('ul', { className: 'reasons' }, record.reasons.map((r) => el('li', {}, `${r.text} `, el('span', { className: 'weight' }, `+${formatNumber(r.weight, 2)}`))))
      : data.reasons?.length
        ? el('ul', { className: 'reasons' }, data.reasons.map((text) => el('li', {}, text)))
        : el('p', { className: 'muted' }, t('No surveillance indicator so far.'));
    this.frame(
      aircraftName(data),
      el('span', {}, el('span', { className: `badge ${category}` }, t(CATEGORY_NAMES[category])), ` ${data.icao24.toUpperCase()}`),
      this.live,
      el('section', {},
        el('h3', {}, t('Score reasons')),
        reasons),
      el('section', {},
        el('h3', {}, t('Events')),
        events.length
          ? el('ul', { className: 'events' }, events.map((e) => actionItem(
            { dataset: { eventId: e.id } },
            () => this.actions.onSelectEvent(e.id),
            el('span', { className: 'badge' }, eventSummary(e)), ' ', formatTime(e.ts))))
          : el('p', { className: 'muted' }, t('No event for this aircraft yet.'))),
      el('div', { className: 'actions' },
        el('button', { type: 'button', onclick: () => this.actions.onCenter(data.lat, data.lon) }, t('Centre')),
        el('button', { type: 'button', id: 'panel-replay', onclick: () => this.actions.onReplay(data.flight_id) }, t('Replay flight'))),
    );
    this.updateAircraft(data);
  }

  /** Refresh the live part (position, motion, zones) of the aircraft shown. */
  updateAircraft(data, age = null) {
    if (!this.showsAircraft(data.icao24) || !this.live) return;
    this.live.replaceChildren(details([
      ['ICAO address', data.icao24.toUpperCase()],
      ['Callsign', data.callsign],
      ['Registration', data.registration],
      ['Type', data.type_designator],
      ['Country', data.country],
      ['Military', yesNo(data.military)],
      ['Squawk', data.squawk],
      ['Score', formatNumber(data.score, 2)],
      ['Zones now', data.zones.length ? data.zones.join(', ') : t('none')],
      ['Altitude', data.on_ground ? t('on the ground') : formatNumber(data.altitude_ft, 0, 'ft')],
      ['Ground speed', formatNumber(data.groundspeed_kt, 0, 'kt')],
      ['Track', formatNumber(data.track_deg, 0, '°')],
      ['Vertical rate', formatNumber(data.vertical_rate_fpm, 0, 'ft/min')],
      ['Position', formatLatLon(data.lat, data.lon)],
      ['Last update', age === null ? formatTime(data.last_update) : t('{time} ({age} ago)', { time: formatTime(data.last_update), age: formatDuration(age) })],
      ['Flight', data.flight_id],
      ['Positions', String(data.positions)],
    ]));
  }

  /** An event with its evidence. */
  showEvent(e) {
    this.mark({ kind: 'event', eventId: e.id });
    const plusMinus = (value, unit, digits) => (Number.isFinite(value) ? ` ± ${value.toFixed(digits)} ${unit}` : '');
    this.frame(
      eventSummary(e),
      `${(e.callsign || '').trim() || '—'} ${e.icao24.toUpperCase()}`,
      details([
        ['Event', eventName(e.type)],
        ['Id', String(e.id)],
        ['Zone', e.zone],
        ['Time', `${formatTime(e.ts)}${plusMinus(e.uncertainty_s, 's', 1)}`],
        ['Between', Number.isFinite(e.ts_before) ? t('{a} and {b}', { a: formatTime(e.ts_before), b: formatTime(e.ts_after) }) : null],
        ['Position', `${formatLatLon(e.latitude, e.longitude)}${plusMinus(e.uncertainty_nm, 'NM', 2)}`],
        ['Time inside', Number.isFinite(e.time_inside_s) ? formatDuration(e.time_inside_s) : null],
        ['Next zone', e.next_zone],
        ['Distance', Number.isFinite(e.distance_nm) ? formatNumber(e.distance_nm, 2, 'NM') : null],
        ['Start', Number.isFinite(e.start) ? formatTime(e.start) : null],
        ['Duration', Number.isFinite(e.duration_s) ? formatDuration(e.duration_s) : null],
        ['Shape', e.shape && t(e.shape)],
        ['Radius', Number.isFinite(e.radius_nm) ? formatNumber(e.radius_nm, 1, 'NM') : null],
        ['Turns', Number.isFinite(e.turns) ? formatNumber(e.turns, 1) : null],
        ['Direction', e.direction && t(e.direction)],
        ['Altitude band', Array.isArray(e.altitude_band) ? `${e.altitude_band[0]}–${e.altitude_band[1]} ft` : null],
        ['Legs', Number.isFinite(e.legs) ? String(e.legs) : null],
        ['Score', formatNumber(e.score, 2)],
        ['Flight', e.flight_id],
        ['Committed', Number.isFinite(e.committed_at) ? formatTime(e.committed_at) : null],
        ['Acknowledged', Number.isFinite(e.acknowledged_at) ? formatTime(e.acknowledged_at) : null],
      ]),
      this.evidence(e.evidence),
      el('div', { className: 'actions' },
        el('a', { id: 'report-link', className: 'button', href: reportHref(e.id), target: '_blank', rel: 'noopener' }, t('Incident report ↗')),
        Number.isFinite(e.latitude) && el('button', { type: 'button', onclick: () => this.actions.onCenter(e.latitude, e.longitude) }, t('Centre')),
        el('button', { type: 'button', onclick: () => this.actions.onReplay(e.flight_id) }, t('Replay flight'))),
    );
  }

  /** The cited positions, each with the raw frames it was decoded from (or its archive row). */
  evidence(evidence) {
    const positions = evidence?.positions ?? [];
    if (!positions.length) return el('section', { id: 'evidence' }, el('h3', {}, t('Evidence')), el('p', { className: 'muted' }, t('This event cites no positions.')));
    return el('section', { id: 'evidence' },
      el('h3', {}, t('Evidence')),
      el('ol', {}, positions.map((p) => el('li', { dataset: { testid: 'evidence-position' } },
        el('div', {}, `${formatClock(p.ts, { milliseconds: true })} · ${formatLatLon(p.latitude, p.longitude, 5)}`),
        el('div', { className: 'muted' }, `${formatNumber(p.altitude, 0, 'ft')} · ${METHODS[p.method] ? t(METHODS[p.method]) : p.method}`),
        p.frames && el('ul', { className: 'frames' }, p.frames.map((f) => el('li', { dataset: { testid: 'evidence-frame' } },
          el('code', {}, f.hex), ' ', el('span', { className: 'muted' }, formatClock(f.ts, { milliseconds: true }))))),
        p.source && el('div', { className: 'muted' }, `${p.source.file}, ${p.source.line != null ? t('line {n}', { n: p.source.line }) : p.source.row != null ? t('row {n}', { n: p.source.row }) : t('record {n}', { n: p.source.record })}`)))));
  }
}
