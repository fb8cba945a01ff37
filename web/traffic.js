// Live aircraft: the table fed by GET /api/aircraft and the stream's `aircraft` messages, their
// trails, their category colour, how they are drawn on the map and listed in the sidebar.

import { project } from './map.js';
import { aircraftName, el, formatNumber } from './format.js';
import { t } from './i18n.js';

/** Positions kept per aircraft from the stream (about one a second). */
const TRAIL_POINTS = 240;
/** A stored flight track seeded into a trail is cut to this many points. */
const SEEDED_POINTS = 5000;
/** An aircraft not heard from for this long is drawn faded. */
const STALE_S = 60;
const HIT_RADIUS_PX = 14;

export const CATEGORY_COLOURS = { alert: '#d32f2f', military: '#ef6c00', ordinary: '#546e7a' };
/** What the categories are called on screen. */
export const CATEGORY_NAMES = { alert: 'surveillance', military: 'military', ordinary: 'other' };

/**
 * Red: surveillance score ≥ 0.5, or military and orbiting. Orange: military or
 * surveillance-like (the server's one line, `surveillance_like`: score ≥ 0.3).
 * Grey-blue: everything else.
 */
export function category(aircraft, orbiting) {
  if (aircraft.score >= 0.5 || (aircraft.military && orbiting)) return 'alert';
  if (aircraft.military || aircraft.surveillance_like) return 'military';
  return 'ordinary';
}

/** Whether an aircraft passes the filters (military only, minimum score, in zone). */
export function passes(aircraft, filter) {
  return (!filter.militaryOnly || aircraft.military)
    && aircraft.score >= filter.minScore
    && (!filter.zone || aircraft.zones.includes(filter.zone))
    && matchesSearch(aircraft, filter.search);
}

/** Whether the search text (lower case) is part of the callsign, address, squawk or registration. */
export function matchesSearch(aircraft, search) {
  if (!search) return true;
  return [aircraft.callsign, aircraft.icao24, aircraft.squawk, aircraft.registration]
    .some((field) => typeof field === 'string' && field.toLowerCase().includes(search));
}

/** A trail point's altitude, feet: 0 on the ground, `null` when unknown. */
function trailAltitude(onGround, altitudeFt) {
  if (onGround) return 0;
  return Number.isFinite(altitudeFt) ? altitudeFt : null;
}

/**
 * A trail's colour at an altitude, the scale tar1090 users know: orange near the ground
 * through green and blue to magenta at 40 000 ft and above; grey when unknown.
 */
export function altitudeColour(altitudeFt) {
  if (!Number.isFinite(altitudeFt)) return '#9e9e9e';
  const share = Math.min(Math.max(altitudeFt, 0), 40000) / 40000;
  return `hsl(${Math.round(20 + share * 280)}, 85%, 42%)`;
}

/** Flight level or altitude text: `FL350`, `4500 ft`, `ground`. */
function altitudeText(a) {
  if (a.on_ground) return t('ground');
  if (a.altitude_ft === null || a.altitude_ft === undefined) return '';
  return a.altitude_ft >= 18000 ? `FL${Math.round(a.altitude_ft / 100)}` : `${Math.round(a.altitude_ft)} ft`;
}

/** The aircraft symbol: an arrow pointing along the track, centred on the origin. */
function arrow(ctx, size) {
  ctx.beginPath();
  ctx.moveTo(0, -size);
  ctx.lineTo(size * 0.7, size * 0.8);
  ctx.lineTo(0, size * 0.35);
  ctx.lineTo(-size * 0.7, size * 0.8);
  ctx.closePath();
}

export class Traffic {
  constructor() {
    /** icao24 → { data, trail: [x, y, ts][] } */
    this.aircraft = new Map();
    /** Flight ids with an orbit event (they turn a military aircraft red). */
    this.orbitingFlights = new Set();
    /** Server clock minus ours, seconds (ages are computed against the server's clock). */
    this.clockOffset = 0;
    this.listItems = new Map();
  }

  /** Apply an `aircraft` message: changed rows, removed addresses; `replace` drops the rest. */
  update({ now, aircraft = [], removed = [] }, replace = false) {
    if (Number.isFinite(now) && now > 0) this.clockOffset = now - Date.now() / 1000;
    if (replace) {
      const present = new Set(aircraft.map((a) => a.icao24));
      for (const icao24 of this.aircraft.keys()) if (!present.has(icao24)) this.aircraft.delete(icao24);
    }
    for (const data of aircraft) {
      const entry = this.aircraft.get(data.icao24) ?? { data, trail: [] };
      // A new flight of the same aircraft starts a new trail.
      if (entry.data.flight_id !== data.flight_id) entry.trail = [];
      entry.data = data;
      const last = entry.trail[entry.trail.length - 1];
      if (!last || last[2] < data.last_update) {
        entry.trail.push([...project(data.lon, data.lat), data.last_update, trailAltitude(data.on_ground, data.altitude_ft)]);
        if (entry.trail.length > Math.max(TRAIL_POINTS, entry.seeded ?? 0)) entry.trail.shift();
      }
      this.aircraft.set(data.icao24, entry);
    }
    for (const icao24 of removed) this.aircraft.delete(icao24);
  }

  /** Put a stored track (GeoJSON LineString with per-point times) under an aircraft's trail. */
  seedTrail(icao24, feature) {
    const entry = this.aircraft.get(icao24);
    if (!entry || feature.properties?.id !== entry.data.flight_id) return;
    const times = feature.properties.times ?? [];
    const altitudes = feature.properties.altitudes_ft ?? [];
    const stored = feature.geometry.coordinates
      .map(([lon, lat], i) => [...project(lon, lat), times[i], trailAltitude(false, altitudes[i])])
      .slice(-SEEDED_POINTS);
    const lastStored = stored.length ? stored[stored.length - 1][2] : -Infinity;
    entry.trail = stored.concat(entry.trail.filter((p) => p[2] > lastStored));
    entry.seeded = entry.trail.length;
  }

  get(icao24) {
    return this.aircraft.get(icao24)?.data;
  }

  /** Seconds since the aircraft's last position, by the server's clock. */
  age(data) {
    return Date.now() / 1000 + this.clockOffset - data.last_update;
  }

  categoryOf(data) {
    return category(data, this.orbitingFlights.has(data.flight_id));
  }

  visible(filter) {
    return [...this.aircraft.values()].filter((e) => passes(e.data, filter));
  }

  draw(ctx, view, { filter, selected }) {
    const entries = this.visible(filter);
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    // Trails coloured by altitude, segment by segment (the symbol keeps the category colour).
    for (const { data, trail } of entries) {
      if (trail.length < 2) continue;
      ctx.globalAlpha = data.icao24 === selected ? 0.95 : 0.6;
      ctx.lineWidth = data.icao24 === selected ? 3 : 1.75;
      let [px, py] = view.toScreen(trail[0][0], trail[0][1]);
      for (let i = 1; i < trail.length; i++) {
        const [sx, sy] = view.toScreen(trail[i][0], trail[i][1]);
        ctx.strokeStyle = altitudeColour(trail[i][3]);
        ctx.beginPath();
        ctx.moveTo(px, py);
        ctx.lineTo(sx, sy);
        ctx.stroke();
        [px, py] = [sx, sy];
      }
    }
    ctx.globalAlpha = 1;
    // Symbols for all; labels most important first (selected, red, orange, then by score),
    // each only where it does not cover one already placed.
    const rank = { alert: 0, military: 1, ordinary: 2 };
    const placed = [];
    const ordered = entries
      .map(({ data }) => ({ data, cat: this.categoryOf(data), at: view.toScreen(...project(data.lon, data.lat)) }))
      .filter(({ at: [sx, sy] }) => sx > -50 && sy > -50 && sx < view.width + 50 && sy < view.height + 50)
      .sort((a, b) => (b.data.icao24 === selected) - (a.data.icao24 === selected)
        || rank[a.cat] - rank[b.cat] || b.data.score - a.data.score);
    for (const { data, cat, at: [sx, sy] } of ordered) {
      ctx.globalAlpha = this.age(data) > STALE_S ? 0.4 : 1;
      ctx.save();
      ctx.translate(sx, sy);
      if (data.icao24 === selected) {
        ctx.beginPath();
        ctx.arc(0, 0, 15, 0, 2 * Math.PI);
        ctx.strokeStyle = '#1565c0';
        ctx.lineWidth = 2.5;
        ctx.stroke();
      }
      ctx.rotate(((data.track_deg ?? 0) * Math.PI) / 180);
      arrow(ctx, 10);
      ctx.fillStyle = CATEGORY_COLOURS[cat];
      ctx.fill();
      ctx.strokeStyle = '#fff';
      ctx.lineWidth = 1.5;
      ctx.stroke();
      ctx.restore();
      const box = [sx + 12, sy - 16, sx + 12 + 90, sy + 14];
      if (!placed.some((b) => box[0] < b[2] && b[0] < box[2] && box[1] < b[3] && b[1] < box[3])) {
        placed.push(box);
        this.drawLabel(ctx, data, sx + 13, sy - 4, CATEGORY_COLOURS[cat]);
      }
    }
    ctx.globalAlpha = 1;
  }

  drawLabel(ctx, data, x, y, colour) {
    const lines = [aircraftName(data), [data.type_designator, altitudeText(data)].filter(Boolean).join(' · ')];
    ctx.lineWidth = 3;
    ctx.strokeStyle = 'rgba(255, 255, 255, 0.85)';
    lines.forEach((text, i) => {
      if (!text) return;
      ctx.font = i === 0 ? '600 12px system-ui, sans-serif' : '11px system-ui, sans-serif';
      ctx.fillStyle = i === 0 ? '#111' : colour;
      ctx.strokeText(text, x, y + i * 13);
      ctx.fillText(text, x, y + i * 13);
    });
  }

  /** The address of the visible aircraft nearest to a screen point, if close enough. */
  hitTest(view, sx, sy, filter) {
    let best = null;
    let bestDistance = HIT_RADIUS_PX;
    for (const { data } of this.visible(filter)) {
      const [x, y] = view.toScreen(...project(data.lon, data.lat));
      const distance = Math.hypot(x - sx, y - sy);
      if (distance <= bestDistance) {
        best = data.icao24;
        bestDistance = distance;
      }
    }
    return best;
  }

  /**
   * The sidebar list, highest score first. Items are kept per address and only reordered when
   * the order changes, so keyboard focus survives the once-a-second updates.
   */
  renderList(list, { filter, selected, onSelect }) {
    const shown = this.visible(filter)
      .map((e) => e.data)
      .sort((a, b) => b.score - a.score || aircraftName(a).localeCompare(aircraftName(b)));
    for (const [icao24, item] of this.listItems) {
      if (!shown.some((a) => a.icao24 === icao24)) {
        item.remove();
        this.listItems.delete(icao24);
      }
    }
    shown.forEach((data, i) => {
      let item = this.listItems.get(data.icao24);
      if (!item) {
        item = el('li', {
          tabindex: 0,
          role: 'button',
          dataset: { icao24: data.icao24 },
          onclick: () => onSelect(data.icao24),
          onkeydown: (e) => {
            if (e.key === 'Enter' || e.key === ' ') {
              e.preventDefault();
              onSelect(data.icao24);
            }
          },
        });
        this.listItems.set(data.icao24, item);
      }
      const cat = this.categoryOf(data);
      item.className = `${cat}${data.icao24 === selected ? ' selected' : ''}`;
      item.dataset.category = cat;
      item.setAttribute('aria-label', `${aircraftName(data)}, ${t(CATEGORY_NAMES[cat])}, ${t('score {score}', { score: data.score.toFixed(2) })}`);
      item.replaceChildren(
        el('span', { className: 'dot', 'aria-hidden': 'true' }),
        el('span', { className: 'name' }, aircraftName(data)),
        el('span', { className: 'meta' }, data.icao24, data.type_designator ? ` · ${data.type_designator}` : '', ` · ${altitudeText(data)}`),
        el('span', { className: 'score', title: t('surveillance score') }, formatNumber(data.score, 2)),
      );
      if (list.children[i] !== item) list.insertBefore(item, list.children[i] ?? null);
    });
  }
}
