// Receivers and the aircraft heard without a position (GET /api/receivers, /api/heard): the
// receivers drawn as squares, and around the receivers that hear an aircraft nobody can place
// (a drone with its ADS-B off, no multilateration), a dashed ring of each receiver's reach —
// the aircraft is somewhere inside. The list in the sidebar says who it is and since when.

import { el } from './format.js';
import { project } from './map.js';

const NM = 1852;
/** A receiver's reach when its coverage is not known yet, nautical miles. */
const DEFAULT_REACH_NM = 200;

export class Network {
  constructor() {
    this.receivers = [];
    this.heard = [];
  }

  /** Take the API's answers. */
  update(receivers, heard) {
    this.receivers = Array.isArray(receivers?.receivers) ? receivers.receivers : [];
    this.heard = Array.isArray(heard?.heard) ? heard.heard : [];
  }

  reach(receiver) {
    const ranges = Array.isArray(receiver.range_nm) ? receiver.range_nm.filter(Number.isFinite) : [];
    const max = ranges.length ? Math.max(...ranges) : 0;
    return max > 0 ? max : DEFAULT_REACH_NM;
  }

  draw(ctx, view) {
    const byId = new Map(this.receivers.map((r) => [r.id, r]));
    const hearing = new Set(this.heard.flatMap((h) => (Array.isArray(h.receivers) ? h.receivers : [])));
    ctx.save();
    for (const id of hearing) {
      const r = byId.get(id);
      if (!r || !Array.isArray(r.position)) continue;
      const [lat, lon] = r.position;
      const [x, y] = view.toScreen(...project(lon, lat));
      const radius = (this.reach(r) * NM) / (view.metresPerPixel() / Math.cos((view.centerLonLat()[1] * Math.PI) / 180) * Math.cos((lat * Math.PI) / 180));
      ctx.beginPath();
      ctx.setLineDash([6, 4]);
      ctx.strokeStyle = 'rgba(106, 27, 154, 0.8)';
      ctx.fillStyle = 'rgba(106, 27, 154, 0.06)';
      ctx.lineWidth = 1.5;
      ctx.arc(x, y, radius, 0, 2 * Math.PI);
      ctx.fill();
      ctx.stroke();
    }
    ctx.setLineDash([]);
    for (const r of this.receivers) {
      if (!Array.isArray(r.position)) continue;
      const [lat, lon] = r.position;
      const [x, y] = view.toScreen(...project(lon, lat));
      ctx.fillStyle = r.mlat && !r.mlat.synced ? '#b0b0b0' : '#37474f';
      ctx.strokeStyle = 'white';
      ctx.lineWidth = 1.5;
      ctx.fillRect(x - 4, y - 4, 8, 8);
      ctx.strokeRect(x - 4, y - 4, 8, 8);
      if (view.zoom >= 6) {
        ctx.font = '11px sans-serif';
        ctx.fillStyle = '#263238';
        ctx.fillText(String(r.id), x + 7, y + 4);
      }
    }
    ctx.restore();
  }

  /** The "heard, no position" list. */
  renderList(list) {
    const items = this.heard.map((h) => {
      const facts = [
        h.military ? 'military' : null,
        h.country ?? null,
        Number.isFinite(h.altitude_ft) ? `${h.altitude_ft} ft` : null,
        h.squawk ? `squawk ${h.squawk}` : null,
        h.callsign ?? null,
      ].filter(Boolean);
      const since = Number.isFinite(h.first_heard)
        ? new Date(h.first_heard * 1000).toISOString().slice(11, 19)
        : '';
      const by = Array.isArray(h.receivers) ? h.receivers.join(', ') : '';
      return el(
        'li',
        { className: h.military ? 'heard military' : 'heard', dataset: { icao24: String(h.icao24) } },
        el('strong', {}, String(h.icao24)),
        ` ${facts.join(' · ')}`,
        el('br'),
        el('span', { className: 'muted' }, `heard by ${by} since ${since} UTC, ${h.replies} replies`),
      );
    });
    list.replaceChildren(...items);
  }
}
