// The coverage layer (GET /api/coverage): where the receivers hear, learned from the traffic —
// each 0.05° cell of the chosen altitude band as a square, red where few of the position
// broadcasts sent there arrive, green where nearly all do. `signal_lost` and `appeared_inside`
// are judged only in green cells.

import { project } from './map.js';

/** Cells resting on fewer expected broadcasts are not drawn (too little evidence). */
export const MIN_EXPECTED = 20;

/** Fill colour of a share received, 0–1. */
export function colour(share) {
  const s = Math.max(0, Math.min(1, Number(share) || 0));
  if (s >= 0.99) return 'rgba(46, 125, 50, 0.35)';
  if (s >= 0.9) return 'rgba(124, 179, 66, 0.35)';
  if (s >= 0.5) return 'rgba(251, 192, 45, 0.35)';
  return 'rgba(229, 57, 53, 0.3)';
}

export class CoverageLayer {
  constructor() {
    this.cells = [];
    this.altitude = null;
  }

  /** Take the API's GeoJSON. */
  update(collection) {
    const features = Array.isArray(collection?.features) ? collection.features : [];
    this.cells = features
      .map((f) => ({ ring: f?.geometry?.coordinates?.[0], share: f?.properties?.coverage }))
      .filter((c) => Array.isArray(c.ring) && c.ring.length >= 4);
  }

  draw(ctx, view) {
    if (this.altitude === null || !this.cells.length) return;
    ctx.save();
    for (const c of this.cells) {
      ctx.beginPath();
      c.ring.forEach(([lon, lat], i) => {
        const [x, y] = view.toScreen(...project(lon, lat));
        if (i === 0) ctx.moveTo(x, y);
        else ctx.lineTo(x, y);
      });
      ctx.closePath();
      ctx.fillStyle = colour(c.share);
      ctx.fill();
    }
    ctx.restore();
  }
}
