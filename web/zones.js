// The base map: a graticule and the watched zones (GET /api/zones) as filled polygons.
//
// The zones are large (tens of thousands of vertices), so they are projected to world
// coordinates once, and for each zoom level simplified (Douglas–Peucker, tolerance half a
// screen pixel) into one Path2D per zone, built on first use and cached. Drawing is then a
// single fill and stroke per zone under a world→screen transform: no per-frame projection.

import { project, unproject } from './map.js';

/** Colours of sovereign zones, in the order served (the first is the watched nation). */
const SOVEREIGN_COLOURS = ['#2e7d32', '#5e35b1', '#00838f', '#ad1457', '#6d4c41', '#37474f'];
const LAND_FILL = 'rgba(236, 227, 205, 0.9)';
const LAND_STROKE = '#a1887f';
const CUSTOM_COLOUR = '#e65100';
const SIMPLIFY_TOLERANCE_PX = 0.5;

/**
 * Douglas–Peucker on an interleaved [x0, y0, x1, y1, …] ring: the vertices farther than
 * `tolerance` from the chord of their span are kept. Iterative (rings have 10k+ vertices).
 */
function simplify(ring, tolerance) {
  const count = ring.length / 2;
  if (count <= 4) return ring;
  const keep = new Uint8Array(count);
  keep[0] = keep[count - 1] = 1;
  const spans = [[0, count - 1]];
  const tolerance2 = tolerance * tolerance;
  while (spans.length) {
    const [first, last] = spans.pop();
    const ax = ring[2 * first], ay = ring[2 * first + 1];
    const dx = ring[2 * last] - ax, dy = ring[2 * last + 1] - ay;
    const length2 = dx * dx + dy * dy;
    let farthest = -1;
    let max2 = tolerance2;
    for (let i = first + 1; i < last; i++) {
      const px = ring[2 * i] - ax, py = ring[2 * i + 1] - ay;
      // Distance to the chord, or to its first end when the chord is a point (closed ring).
      const d2 = length2 > 0 ? (px * dy - py * dx) ** 2 / length2 : px * px + py * py;
      if (d2 > max2) {
        max2 = d2;
        farthest = i;
      }
    }
    if (farthest >= 0) {
      keep[farthest] = 1;
      spans.push([first, farthest], [farthest, last]);
    }
  }
  const out = [];
  for (let i = 0; i < count; i++) if (keep[i]) out.push(ring[2 * i], ring[2 * i + 1]);
  return out;
}

/** A ring of [lon, lat] pairs as interleaved world coordinates, with its extent. */
function projectRing(coordinates) {
  const ring = new Float64Array(coordinates.length * 2);
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  coordinates.forEach(([lon, lat], i) => {
    const [x, y] = project(lon, lat);
    ring[2 * i] = x;
    ring[2 * i + 1] = y;
    minX = Math.min(minX, x); maxX = Math.max(maxX, x);
    minY = Math.min(minY, y); maxY = Math.max(maxY, y);
  });
  return { ring, extent: Math.max(maxX - minX, maxY - minY), bbox: [minX, minY, maxX, maxY] };
}

/** One zone: its rings in world coordinates and a Path2D per zoom level. */
class Zone {
  constructor(feature, colour) {
    this.name = feature.properties?.name ?? '?';
    this.kind = feature.properties?.kind ?? 'custom';
    this.colour = colour;
    const geometry = feature.geometry ?? {};
    const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates ?? [];
    this.rings = polygons.flat().filter((r) => r.length >= 3).map(projectRing);
    this.paths = new Map();
  }

  /** The bounding box of its largest ring, [minLon, minLat, maxLon, maxLat]. */
  mainBounds() {
    const largest = this.rings.reduce((a, b) => (b.extent > (a?.extent ?? -1) ? b : a), null);
    if (!largest) return null;
    const [minX, minY, maxX, maxY] = largest.bbox;
    const [minLon, maxLat] = unproject(minX, minY);
    const [maxLon, minLat] = unproject(maxX, maxY);
    return [minLon, minLat, maxLon, maxLat];
  }

  /** The path at integer zoom `level`; rings smaller than a pixel there are left out. */
  path(level) {
    let path = this.paths.get(level);
    if (path) return path;
    const tolerance = SIMPLIFY_TOLERANCE_PX / (256 * 2 ** level);
    path = new Path2D();
    for (const { ring, extent } of this.rings) {
      if (extent < 2 * tolerance) continue;
      const simple = simplify(ring, tolerance);
      path.moveTo(simple[0], simple[1]);
      // GeoJSON rings end on their first vertex, so the last lineTo closes them: closePath
      // is left out because Chromium makes it cost time in the size of the whole path
      // (thousands of islands: seconds instead of milliseconds).
      for (let i = 2; i < simple.length; i += 2) path.lineTo(simple[i], simple[i + 1]);
    }
    this.paths.set(level, path);
    return path;
  }
}

export class ZoneLayer {
  constructor() {
    this.zones = [];
  }

  /** Replace the zones with a GeoJSON FeatureCollection. */
  load(collection) {
    let sovereign = 0;
    this.zones = (collection.features ?? []).map((feature) => {
      const kind = feature.properties?.kind;
      const colour = kind === 'sovereign'
        ? SOVEREIGN_COLOURS[sovereign++ % SOVEREIGN_COLOURS.length]
        : kind === 'land' ? LAND_STROKE : CUSTOM_COLOUR;
      return new Zone(feature, colour);
    });
    // Land under sovereign airspace, so the territorial-sea band shows around the coast.
    const order = { land: 0, sovereign: 1 };
    this.zones.sort((a, b) => (order[a.kind] ?? 2) - (order[b.kind] ?? 2));
  }

  /** Names of the zones, for the zone filter and the legend. */
  names() {
    return this.zones.map((z) => z.name);
  }

  draw(ctx, view) {
    const ratio = window.devicePixelRatio || 1;
    const level = Math.round(view.zoom);
    const [ox, oy] = view.toScreen(0, 0);
    ctx.setTransform(ratio * view.scale, 0, 0, ratio * view.scale, ratio * ox, ratio * oy);
    ctx.lineJoin = 'round';
    for (const zone of this.zones) {
      const path = zone.path(level);
      if (zone.kind === 'land') {
        ctx.fillStyle = LAND_FILL;
        ctx.fill(path, 'evenodd');
        ctx.strokeStyle = LAND_STROKE;
        ctx.lineWidth = 0.75 / view.scale;
        ctx.stroke(path);
      } else if (zone.kind === 'sovereign') {
        ctx.fillStyle = zone.colour + '26';
        ctx.fill(path, 'evenodd');
        ctx.strokeStyle = zone.colour;
        ctx.lineWidth = 1.5 / view.scale;
        ctx.stroke(path);
      } else {
        ctx.strokeStyle = zone.colour;
        ctx.setLineDash([6 / view.scale, 4 / view.scale]);
        ctx.lineWidth = 1.5 / view.scale;
        ctx.stroke(path);
        ctx.setLineDash([]);
      }
    }
  }
}

/** Meridians and parallels every 1, 2, 5, 10… degrees, about 150 px apart, with labels. */
export class Graticule {
  draw(ctx, view) {
    const degreesPerPixel = 360 / view.scale;
    const step = [0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 30].find((s) => s / degreesPerPixel >= 150) ?? 30;
    const [west, north] = unproject(...view.toWorld(0, 0));
    const [east, south] = unproject(...view.toWorld(view.width, view.height));
    ctx.strokeStyle = 'rgba(60, 90, 120, 0.18)';
    ctx.fillStyle = 'rgba(40, 60, 80, 0.6)';
    ctx.lineWidth = 1;
    ctx.font = '11px system-ui, sans-serif';
    const digits = step < 1 ? 1 : 0;
    ctx.beginPath();
    for (let lon = Math.ceil(west / step) * step; lon <= east; lon += step) {
      const [sx] = view.toScreen(...project(lon, 0));
      ctx.moveTo(sx, 0);
      ctx.lineTo(sx, view.height);
      const wrapped = ((lon + 540) % 360) - 180;
      ctx.fillText(`${Math.abs(wrapped).toFixed(digits)}°${wrapped < 0 ? 'W' : 'E'}`, sx + 3, 12);
    }
    for (let lat = Math.ceil(south / step) * step; lat <= north; lat += step) {
      const [, sy] = view.toScreen(0, project(0, lat)[1]);
      ctx.moveTo(0, sy);
      ctx.lineTo(view.width, sy);
      ctx.fillText(`${Math.abs(lat).toFixed(digits)}°${lat < 0 ? 'S' : 'N'}`, 3, sy - 3);
    }
    ctx.stroke();
  }
}
