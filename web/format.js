// Display helpers: units, times (always UTC: evidence is compared across time zones) and a
// small DOM builder. Text from the API is only ever set as text, never parsed as HTML.

import { t } from './i18n.js';

/** Metres in a nautical mile. */
export const METRES_PER_NM = 1852;

/**
 * Build an element: `attrs` keys starting with "on" become listeners, `dataset` and `aria`
 * objects set data-/aria- attributes, anything else an attribute; `children` are nodes or
 * text (null and false are skipped, so conditional children read naturally).
 */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else if (key === 'className') node.className = value;
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

/**
 * `2026-11-25 10:15:03Z` from seconds since the epoch; with `milliseconds`,
 * `2026-11-25 10:15:03.069Z` (evidence: frames a fraction of a second apart).
 */
export function formatTime(ts, { milliseconds = false, local = true } = {}) {
  if (!Number.isFinite(ts)) return '—';
  const date = new Date(ts * 1000);
  const iso = date.toISOString().replace('T', ' ');
  const utc = milliseconds ? iso : iso.replace(/\.\d+Z$/, 'Z');
  // Beside UTC, the reader's own clock (in Mexico, UTC−6 or −7), when it differs.
  if (!local || date.getTimezoneOffset() === 0) return utc;
  const clock = date.toLocaleTimeString('en-GB', { hour12: false });
  const offset = -date.getTimezoneOffset() / 60;
  const sign = offset >= 0 ? '+' : '−';
  return `${utc} (${t('{clock} local, UTC{offset}', { clock, offset: `${sign}${Math.abs(offset)}` })})`;
}

/** `10:15:03Z`: the time of day only, for lists. */
export function formatClock(ts, options) {
  return formatTime(ts, { ...options, local: false }).slice(11);
}

/** `30.4845°N 116.3602°W`. */
export function formatLatLon(lat, lon, digits = 4) {
  if (!Number.isFinite(lat) || !Number.isFinite(lon)) return '—';
  const ns = lat >= 0 ? 'N' : 'S';
  const ew = lon >= 0 ? 'E' : 'W';
  return `${Math.abs(lat).toFixed(digits)}°${ns} ${Math.abs(lon).toFixed(digits)}°${ew}`;
}

/** A number with its unit, or a dash when unknown. */
export function formatNumber(value, digits, unit = '') {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return `${value.toFixed(digits)}${unit ? ' ' + unit : ''}`;
}

/** `1 h 02 min`, `2 min 05 s`, `12 s`. */
export function formatDuration(seconds) {
  if (!Number.isFinite(seconds)) return '—';
  const s = Math.round(Math.abs(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const pad = (n) => String(n).padStart(2, '0');
  if (h > 0) return `${h} h ${pad(m)} min`;
  if (m > 0) return `${m} min ${pad(s % 60)} s`;
  return `${s} s`;
}

/** An event type's name in the language shown. */
export function eventName(type) {
  return EVENT_NAMES[type] ? t(EVENT_NAMES[type]) : type;
}

/** Human names of event types (English: the keys of the string table). */
export const EVENT_NAMES = {
  zone_entry: 'Entry',
  zone_presence: 'Presence',
  zone_exit: 'Exit',
  zone_transit: 'Transit',
  closest_approach: 'Closest approach',
  orbit: 'Orbit',
  survey: 'Survey',
  flight: 'Flight',
  flood: 'Flood of events',
  spoofing_suspected: 'Spoofing suspected',
  heard_without_position: 'Heard, no position',
  signal_lost: 'Signal lost',
  signal_regained: 'Signal regained',
  inferred_crossing: 'Inferred crossing',
  appeared_inside: 'Appeared inside',
};

/** The name an aircraft is shown by: callsign, else registration, else its address. */
export function aircraftName(a) {
  return (a.callsign || '').trim() || a.registration || a.icao24.toUpperCase();
}
