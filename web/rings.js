// The receiver's station (GET /data/receiver.json: the configured [receiver] position, else the
// first source with one): a marker and range rings every 50 NM out to 200 NM, drawn as
// geodesic circles, labelled — what receiver owners expect from tar1090.

import { destination } from './network.js';
import { project } from './map.js';

const NM = 1852;
export const RING_NM = [50, 100, 150, 200];

export class RangeRings {
  constructor() {
    /** [lat, lon], or null when the service knows no receiver position. */
    this.station = null;
  }

  /** Take /data/receiver.json. */
  load(receiver) {
    const { lat, lon } = receiver ?? {};
    this.station = Number.isFinite(lat) && Number.isFinite(lon) ? [lat, lon] : null;
  }

  draw(ctx, view) {
    if (!this.station) return;
    const [lat, lon] = this.station;
    ctx.save();
    ctx.strokeStyle = 'rgba(38, 50, 56, 0.45)';
    ctx.fillStyle = 'rgba(38, 50, 56, 0.8)';
    ctx.lineWidth = 1;
    ctx.setLineDash([2, 4]);
    ctx.font = '10px sans-serif';
    for (const nm of RING_NM) {
      const points = [];
      for (let bearing = 0; bearing <= 360; bearing += 5) points.push(destination(lat, lon, bearing, nm * NM));
      ctx.beginPath();
      points.forEach(([plon, plat], i) => {
        const [x, y] = view.toScreen(...project(plon, plat));
        if (i === 0) ctx.moveTo(x, y);
        else ctx.lineTo(x, y);
      });
      ctx.stroke();
      const [tx, ty] = view.toScreen(...project(...destination(lat, lon, 0, nm * NM)));
      ctx.fillText(`${nm} NM`, tx + 3, ty - 3);
    }
    ctx.setLineDash([]);
    const [x, y] = view.toScreen(...project(lon, lat));
    ctx.beginPath();
    ctx.arc(x, y, 5, 0, 2 * Math.PI);
    ctx.fillStyle = '#c62828';
    ctx.strokeStyle = 'white';
    ctx.lineWidth = 2;
    ctx.fill();
    ctx.stroke();
    ctx.restore();
  }
}
