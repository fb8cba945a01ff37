// Receivers and the aircraft heard without a position (GET /api/receivers, /api/heard): the
// receivers drawn as squares (grey while off the network's time base) with their coverage —
// the farthest position heard in each 10° sector, the outline receiver owners know from
// graphs1090 — and around the receivers that hear an aircraft nobody can place (a drone with
// its ADS-B off, no multilateration), a dashed ring of each receiver's reach: the aircraft is
// somewhere inside. The sidebar lists each receiver's health, and who is heard since when.

import { el } from './format.js';
import { t } from './i18n.js';
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

  /** A receiver's coverage outline: the farthest range in each sector, as [lon, lat] points. */
  coverage(receiver) {
    if (!Array.isArray(receiver.position) || !Array.isArray(receiver.range_nm)) return [];
    const [lat, lon] = receiver.position;
    const sectors = receiver.range_nm.length;
    if (!receiver.range_nm.some((r) => r > 0)) return [];
    return receiver.range_nm.map((nm, k) => destination(lat, lon, ((k + 0.5) * 360) / sectors, Math.max(nm, 0) * NM));
  }

  draw(ctx, view) {
    const byId = new Map(this.receivers.map((r) => [r.id, r]));
    ctx.save();
    ctx.strokeStyle = 'rgba(55, 71, 79, 0.55)';
    ctx.lineWidth = 1;
    for (const r of this.receivers) {
      const outline = this.coverage(r);
      if (!outline.length) continue;
      ctx.beginPath();
      outline.forEach(([lon, lat], i) => {
        const [x, y] = view.toScreen(...project(lon, lat));
        if (i === 0) ctx.moveTo(x, y);
        else ctx.lineTo(x, y);
      });
      ctx.closePath();
      ctx.stroke();
    }
    ctx.restore();
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

  /** The receivers' health list. */
  renderReceivers(list) {
    const items = this.receivers.map((r) => {
      const ranges = Array.isArray(r.range_nm) ? r.range_nm.filter(Number.isFinite) : [];
      const farthest = ranges.length ? Math.max(...ranges) : 0;
      const clock = r.mlat
        ? [
          r.mlat.synced ? t('clock synced') : t('clock not synced'),
          `${r.mlat.used} MLAT`,
          r.mlat.clock_jumps ? t('{n} clock jumps', { n: r.mlat.clock_jumps }) : null,
          r.mlat.inconsistent ? t('{n} inconsistent', { n: r.mlat.inconsistent }) : null,
          r.mlat.duplicates ? t('{n} given twice', { n: r.mlat.duplicates }) : null,
        ].filter(Boolean).join(' · ')
        : t('no multilateration');
      // The link, when the receiver is a source of this service: connected or not, data age,
      // losses.
      const link = r.link
        ? [
          r.link.connected ? t('connected') : t('not connected'),
          Number.isFinite(r.link.last_data_s) ? t('data {age} s ago', { age: r.link.last_data_s.toFixed(0) }) : t('no data yet'),
          r.link.disconnects + r.link.stalls > 0 ? t('{n} connections lost', { n: r.link.disconnects + r.link.stalls }) : null,
          r.link.connect_failures > 0 ? t('{n} failed attempts', { n: r.link.connect_failures }) : null,
        ].filter(Boolean).join(' · ')
        : null;
      const classes = ['receiver'];
      if (r.mlat && !r.mlat.synced) classes.push('unsynced');
      if (r.link && !r.link.connected) classes.push('down');
      return el(
        'li',
        { className: classes.join(' '), dataset: { receiver: String(r.id), link: r.link ? (r.link.connected ? 'up' : 'down') : '' } },
        el('strong', {}, String(r.id)),
        ` ${t('{rate} msg/s · {n} aircraft · {range} NM', { rate: Number(r.messages_per_s ?? 0).toFixed(1), n: r.aircraft ?? 0, range: farthest.toFixed(0) })}`,
        el('br'),
        el('span', { className: 'muted' }, clock),
        link && el('br'),
        link && el('span', { className: 'link muted' }, link),
      );
    });
    list.replaceChildren(...items);
  }

  /** The "heard, no position" list. */
  renderList(list) {
    const items = this.heard.map((h) => {
      const facts = [
        h.military ? t('military') : null,
        h.country ?? null,
        Number.isFinite(h.altitude_ft) ? `${h.altitude_ft} ft` : null,
        h.squawk ? t('squawk {code}', { code: h.squawk }) : null,
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
        el('span', { className: 'muted' }, t('heard by {by} since {since} UTC, {n} replies', { by, since, n: h.replies })),
      );
    });
    list.replaceChildren(...items);
  }
}

/** The point `metres` from (lat, lon) along the initial bearing `bearingDeg`, as [lon, lat]. */
export function destination(lat, lon, bearingDeg, metres) {
  const R = 6371008.8;
  const d = metres / R;
  const b = (bearingDeg * Math.PI) / 180;
  const p1 = (lat * Math.PI) / 180;
  const l1 = (lon * Math.PI) / 180;
  const p2 = Math.asin(Math.sin(p1) * Math.cos(d) + Math.cos(p1) * Math.sin(d) * Math.cos(b));
  const l2 = l1 + Math.atan2(Math.sin(b) * Math.sin(d) * Math.cos(p1), Math.cos(d) - Math.sin(p1) * Math.sin(p2));
  return [(l2 * 180) / Math.PI, (p2 * 180) / Math.PI];
}
