// The alert list: committed sovereignty events (entry, presence, exit, transit), patterns (orbit,
// survey) and going dark (signal lost and regained, inferred crossing, appeared inside), newest
// first, from GET /api/events and then live from the stream's `event` messages; their markers on
// the map. Flight records are not alerts, but they carry the
// identity and the reasons of a score, which the detail panel shows: they are kept apart.
//
// The default view puts first what an operator watches for — surveillance-like (score ≥ 0.3)
// or military aircraft, orbits, surveys, floods and spoofing warnings — and folds the routine
// civil border crossings under one line that opens them. An alert is acknowledged from the
// list with the service's token (asked once, kept in this browser's session).

import { project } from './map.js';
import { el, eventName, formatClock, formatNumber } from './format.js';
import { t } from './i18n.js';

const ALERT_TYPES = new Set([
  'zone_entry', 'zone_presence', 'zone_exit', 'zone_transit', 'orbit', 'survey', 'flood', 'spoofing_suspected',
  'heard_without_position', 'signal_lost', 'signal_regained', 'inferred_crossing', 'appeared_inside',
]);
/** At most this many alerts are kept in the page. */
const MAX_ALERTS = 500;
const MARKER_COLOURS = {
  zone_entry: '#c62828',
  zone_presence: '#ad1457',
  zone_exit: '#1565c0',
  zone_transit: '#6a1b9a',
  orbit: '#ef6c00',
  survey: '#ef6c00',
  signal_lost: '#4e342e',
  signal_regained: '#8d6e63',
  inferred_crossing: '#6d4c41',
  appeared_inside: '#ad1457',
};
const HIT_RADIUS_PX = 10;
/** The server's one line for "surveillance-like" (`vigia_detect::score::SURVEILLANCE_LIKE`). */
export const SURVEILLANCE_LIKE = 0.3;
/** Types always shown first, whoever the aircraft. */
const PRIORITY_TYPES = new Set([
  'orbit', 'survey', 'flood', 'spoofing_suspected', 'signal_lost', 'inferred_crossing', 'appeared_inside',
]);
const TOKEN_KEY = 'vigia.token';

/** The link to an event's incident report (served by `vigia run`; opens in a new tab). */
export function reportHref(id) {
  return `/api/events/${encodeURIComponent(id)}/report`;
}

/** A one-line description: `Entry MEX`, `Orbit 12.0 nm`. */
export function eventSummary(e) {
  const name = eventName(e.type);
  if (e.type === 'signal_lost') return `${name} (${e.kind === 'adsb_off' ? t('ADS-B off') : t('silent')})`;
  if (e.type === 'inferred_crossing') return `${name}: ${t(e.direction)} ${e.zone} (${t('not observed')})`;
  if (e.zone) return `${name} ${e.zone}`;
  if (e.type === 'orbit' && Number.isFinite(e.radius_nm)) return `${name} r ${e.radius_nm.toFixed(1)} NM`;
  if (e.type === 'flood' && Number.isFinite(e.events)) return `${name}: ${t('{n} folded', { n: e.events })}`;
  if (e.type === 'spoofing_suspected' && Number.isFinite(e.rejected)) return `${name}: ${t('{n} rejected/min', { n: e.rejected })}`;
  if (e.type === 'heard_without_position' && Array.isArray(e.receivers)) {
    return `${name}, ${t('by {receivers}', { receivers: e.receivers.map((r) => r.id).join(', ') })}`;
  }
  return name;
}

export class Alerts {
  constructor() {
    /** id → event document, alerts only. */
    this.events = new Map();
    /** flight_id → the flight record event (identity, score reasons). */
    this.flightRecords = new Map();
    /** icao24 → military, learnt from flight records (events themselves do not say). */
    this.military = new Map();
    this.newIds = new Set();
    /** Routine civil crossings shown (unfolded). */
    this.showRoutine = false;
  }

  /** Whether an alert is one to watch (shown first) rather than a routine civil crossing. */
  isPriority(event, isMilitary) {
    return PRIORITY_TYPES.has(event.type)
      || (event.score ?? 0) >= SURVEILLANCE_LIKE
      || isMilitary(event.icao24)
      || event.military === true
      || this.military.get(event.icao24) === true;
  }

  /**
   * Acknowledge an alert with the service's token (asked for once per session); resolves to
   * a message for the operator when it could not be done.
   */
  async acknowledge(id) {
    let token = sessionStorage.getItem(TOKEN_KEY);
    if (!token) {
      token = window.prompt(t('Token of this vigia service (server.token), to acknowledge alerts:')) ?? '';
      if (!token) return t('not acknowledged: no token given');
    }
    const response = await fetch(`/api/events/${encodeURIComponent(id)}/ack`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}` },
    });
    if (!response.ok) {
      sessionStorage.removeItem(TOKEN_KEY);
      const body = await response.json().catch(() => ({}));
      return t('not acknowledged: {reason}', { reason: body.error ?? response.status });
    }
    sessionStorage.setItem(TOKEN_KEY, token);
    const event = this.events.get(id);
    if (event) event.acknowledged_at = Date.now() / 1000;
    return null;
  }

  /** Take one event document (from the list or the stream); returns whether it is an alert. */
  add(event, { fresh = false } = {}) {
    if (event.type === 'flight') {
      this.flightRecords.set(event.flight_id, event);
      if (typeof event.military === 'boolean') this.military.set(event.icao24, event.military);
      return false;
    }
    if (!ALERT_TYPES.has(event.type) || this.events.has(event.id)) return false;
    // Civil aircraft heard without a position are on the "heard" list, not alerts.
    if (event.type === 'heard_without_position' && event.military !== true) return false;
    this.events.set(event.id, event);
    if (fresh) this.newIds.add(event.id);
    if (this.events.size > MAX_ALERTS) {
      const oldest = Math.min(...this.events.keys());
      this.events.delete(oldest);
    }
    return true;
  }

  /** The highest id held (for catching up after a reconnection). */
  lastId() {
    return Math.max(0, ...this.events.keys(), ...[...this.flightRecords.values()].map((e) => e.id ?? 0));
  }

  /** Flight ids with an orbit or survey: the aircraft is on station. */
  orbitingFlights() {
    return new Set([...this.events.values()].filter((e) => e.type === 'orbit' || e.type === 'survey').map((e) => e.flight_id));
  }

  /**
   * Whether an event passes the filters. An event's military flag comes from the live
   * aircraft if it is still flying, else from its flight record.
   */
  passes(event, filter, isMilitary) {
    return (!filter.militaryOnly || isMilitary(event.icao24) || this.military.get(event.icao24) === true)
      && (event.score ?? 0) >= filter.minScore
      && (!filter.zone || event.zone === filter.zone);
  }

  /** Alerts passing the filters, newest first: by commit order (ids increase with it), so
   *  that an alert raised now is on top even when the event it reports began earlier. */
  visible(filter, isMilitary) {
    return [...this.events.values()]
      .filter((e) => this.passes(e, filter, isMilitary))
      .sort((a, b) => b.id - a.id);
  }

  renderList(list, { filter, isMilitary, selected, onSelect, onAck }) {
    const visible = this.visible(filter, isMilitary);
    const priority = visible.filter((e) => this.isPriority(e, isMilitary));
    const routine = visible.filter((e) => !this.isPriority(e, isMilitary));
    // The list is rebuilt; keep the keyboard focus on the same alert.
    const focused = list.contains(document.activeElement) ? document.activeElement.dataset.eventId : null;
    const item = (e) => this.renderItem(e, { selected, onSelect, onAck });
    const items = priority.map(item);
    if (routine.length) {
      const toggle = () => {
        this.showRoutine = !this.showRoutine;
        this.renderList(list, { filter, isMilitary, selected, onSelect, onAck });
      };
      const fold = routine.length === 1
        ? '{n} routine civil crossing (score < {line}, not military)'
        : '{n} routine civil crossings (score < {line}, not military)';
      items.push(el('li', {
        className: 'fold',
        tabindex: 0,
        role: 'button',
        'aria-expanded': String(this.showRoutine),
        dataset: { routine: String(routine.length) },
        onclick: toggle,
        onkeydown: (k) => {
          if (k.key === 'Enter' || k.key === ' ') {
            k.preventDefault();
            toggle();
          }
        },
      }, `${this.showRoutine ? '▾' : '▸'} ${t(fold, { n: routine.length, line: SURVEILLANCE_LIKE })}`));
      if (this.showRoutine) items.push(...routine.map(item));
    }
    list.replaceChildren(...items);
    this.newIds.clear();
    if (focused) list.querySelector(`li[data-event-id="${CSS.escape(focused)}"]`)?.focus();
    if (!visible.length) {
      list.append(el('li', { className: 'empty' }, this.events.size ? t('No alerts match the filters.') : t('No alerts yet.')));
    }
  }

  renderItem(e, { selected, onSelect, onAck }) {
    const activate = () => onSelect(e.id);
    const item = el('li', {
      tabindex: 0,
      role: 'button',
      className: `${e.type}${e.id === selected ? ' selected' : ''}${this.newIds.has(e.id) ? ' new' : ''}`,
      dataset: { eventId: e.id, type: e.type, zone: e.zone ?? '', icao24: e.icao24 },
      'aria-label': `${eventSummary(e)}, ${e.callsign || e.icao24}, ${formatClock(e.ts)}`,
      onclick: activate,
      onkeydown: (k) => {
        if (k.target === item && (k.key === 'Enter' || k.key === ' ')) {
          k.preventDefault();
          activate();
        }
      },
    },
    el('span', { className: 'badge' }, eventSummary(e)),
    el('span', { className: 'who' }, (e.callsign || '').trim() || e.icao24.toUpperCase()),
    el('time', { className: 'when', datetime: new Date(e.ts * 1000).toISOString() }, formatClock(e.ts)),
    el('span', { className: 'score', title: t('surveillance score') }, formatNumber(e.score, 2)),
    el('a', {
      className: 'report',
      href: reportHref(e.id),
      target: '_blank',
      rel: 'noopener',
      title: t('incident report (new tab)'),
      onclick: (click) => click.stopPropagation(),
    }, t('report')),
    Number.isFinite(e.acknowledged_at)
      ? el('span', { className: 'acked', title: t('acknowledged') }, '✓')
      : el('button', {
        type: 'button',
        className: 'ack',
        title: t('acknowledge (needs the service token)'),
        onclick: (click) => {
          click.stopPropagation();
          onAck?.(e.id);
        },
      }, t('ack')));
    if (Number.isFinite(e.acknowledged_at)) item.classList.add('acknowledged');
    return item;
  }

  /** Alerts on the map: as in the list, routine ones only when unfolded. */
  displayed(filter, isMilitary) {
    return this.visible(filter, isMilitary).filter((e) => this.showRoutine || this.isPriority(e, isMilitary));
  }

  draw(ctx, view, { filter, isMilitary, selected }) {
    for (const e of this.displayed(filter, isMilitary)) {
      if (!Number.isFinite(e.latitude)) continue;
      const [sx, sy] = view.toScreen(...project(e.longitude, e.latitude));
      ctx.fillStyle = MARKER_COLOURS[e.type];
      ctx.strokeStyle = '#fff';
      ctx.lineWidth = 1.5;
      if (e.type === 'orbit' && Number.isFinite(e.radius_nm)) {
        // The orbit's circle at its true radius.
        const radiusPx = (e.radius_nm * 1852) / view.metresPerPixel();
        ctx.beginPath();
        ctx.arc(sx, sy, radiusPx, 0, 2 * Math.PI);
        ctx.setLineDash([5, 4]);
        ctx.strokeStyle = MARKER_COLOURS.orbit;
        ctx.stroke();
        ctx.setLineDash([]);
        ctx.strokeStyle = '#fff';
      }
      ctx.beginPath();
      // A diamond: unlike the aircraft arrows, it does not turn.
      ctx.moveTo(sx, sy - 7);
      ctx.lineTo(sx + 7, sy);
      ctx.lineTo(sx, sy + 7);
      ctx.lineTo(sx - 7, sy);
      ctx.closePath();
      ctx.fill();
      ctx.stroke();
      if (e.id === selected) {
        ctx.beginPath();
        ctx.arc(sx, sy, 12, 0, 2 * Math.PI);
        ctx.strokeStyle = '#1565c0';
        ctx.lineWidth = 2.5;
        ctx.stroke();
      }
    }
  }

  /** The id of the visible event marker nearest to a screen point, if close enough. */
  hitTest(view, sx, sy, filter, isMilitary) {
    let best = null;
    let bestDistance = HIT_RADIUS_PX;
    for (const e of this.displayed(filter, isMilitary)) {
      if (!Number.isFinite(e.latitude)) continue;
      const [x, y] = view.toScreen(...project(e.longitude, e.latitude));
      const distance = Math.hypot(x - sx, y - sy);
      if (distance <= bestDistance) {
        best = e.id;
        bestDistance = distance;
      }
    }
    return best;
  }
}
