// The map view: a single <canvas> in Web Mercator (EPSG:3857, the projection of slippy-map
// tiles, so a configured tile server lines up), pan and zoom by mouse, touch and keyboard, a
// scale bar and the coordinates under the cursor. Layers are objects with a
// `draw(ctx, view)` method, drawn in order; the view only knows positions, not aircraft.
//
// World coordinates: x and y in [0, 1] over the whole Mercator square, y down (tile
// convention). `scale` is CSS pixels per world unit, so zoom level z is scale = 256 · 2^z.

import { METRES_PER_NM, formatLatLon } from './format.js';

const EARTH_CIRCUMFERENCE_M = 2 * Math.PI * 6378137;
const MAX_LATITUDE = 85.05112878;
const MIN_SCALE = 256 * 2 ** 2;
// Beyond z15 the float32 paths of the zone layer lose sub-pixel precision; a surveillance
// picture never needs more.
const MAX_SCALE = 256 * 2 ** 15;
const CLICK_SLOP_PX = 5;

/** World coordinates of a longitude/latitude in degrees. */
export function project(lon, lat) {
  const clamped = Math.max(-MAX_LATITUDE, Math.min(MAX_LATITUDE, lat));
  const sin = Math.sin((clamped * Math.PI) / 180);
  return [(lon + 180) / 360, 0.5 - Math.log((1 + sin) / (1 - sin)) / (4 * Math.PI)];
}

/** Longitude/latitude in degrees of world coordinates. */
export function unproject(x, y) {
  const lat = (Math.atan(Math.sinh(Math.PI * (1 - 2 * y))) * 180) / Math.PI;
  return [x * 360 - 180, lat];
}

/** The largest 1, 2 or 5 × 10^k not above `limit`. */
function niceBelow(limit) {
  const power = 10 ** Math.floor(Math.log10(limit));
  for (const step of [5, 2, 1]) if (step * power <= limit) return step * power;
  return power;
}

export class MapView {
  /**
   * @param {HTMLCanvasElement} canvas
   * @param {{scaleBar: HTMLElement, cursor: HTMLElement, onClick: Function, onViewChange: Function}} options
   */
  constructor(canvas, { scaleBar, cursor, onClick, onViewChange }) {
    this.canvas = canvas;
    this.ctx = canvas.getContext('2d');
    this.scaleBar = scaleBar;
    this.cursor = cursor;
    this.onClick = onClick;
    this.onViewChange = onViewChange;
    this.layers = [];
    this.center = project(-105, 25);
    this.scale = 256 * 2 ** 5;
    this.width = 0;
    this.height = 0;
    this.pending = false;
    this.pointers = new Map();
    this.gesture = null;
    new ResizeObserver(() => this.resize()).observe(canvas);
    this.listen();
    this.resize();
  }

  /** Zoom level (fractional). */
  get zoom() {
    return Math.log2(this.scale / 256);
  }

  /** Screen position (CSS pixels) of world coordinates. */
  toScreen(x, y) {
    return [(x - this.center[0]) * this.scale + this.width / 2, (y - this.center[1]) * this.scale + this.height / 2];
  }

  /** World coordinates of a screen position. */
  toWorld(sx, sy) {
    return [(sx - this.width / 2) / this.scale + this.center[0], (sy - this.height / 2) / this.scale + this.center[1]];
  }

  /** Longitude/latitude of the view's centre. */
  centerLonLat() {
    return unproject(this.center[0], this.center[1]);
  }

  /** Ground metres per CSS pixel at the view's centre (Mercator stretches with latitude). */
  metresPerPixel() {
    const [, lat] = this.centerLonLat();
    return (EARTH_CIRCUMFERENCE_M * Math.cos((lat * Math.PI) / 180)) / this.scale;
  }

  /** Centre on a longitude/latitude, zooming in to at least `minZoom`. */
  centerOn(lon, lat, minZoom = 0) {
    this.center = project(lon, lat);
    this.scale = Math.max(this.scale, 256 * 2 ** minZoom);
    this.changed();
  }

  /** Set centre and zoom. */
  setView(lon, lat, zoom) {
    this.center = project(lon, lat);
    this.scale = this.clampScale(256 * 2 ** zoom);
    this.changed();
  }

  /** Show a longitude/latitude box, with a margin. */
  fitBounds(minLon, minLat, maxLon, maxLat) {
    const [x0, y1] = project(minLon, minLat);
    const [x1, y0] = project(maxLon, maxLat);
    this.fitWorld(x0, y0, x1, y1);
  }

  /** Show a box of world coordinates, with a margin, zoomed in no further than `maxZoom`. */
  fitWorld(x0, y0, x1, y1, maxZoom = Infinity) {
    this.center = [(x0 + x1) / 2, (y0 + y1) / 2];
    const fit = Math.min(this.width / Math.max(x1 - x0, 1e-9), this.height / Math.max(y1 - y0, 1e-9));
    this.scale = this.clampScale(Math.min(fit * 0.9, 256 * 2 ** maxZoom));
    this.changed();
  }

  /** Zoom by `factor` keeping the world point under (sx, sy) in place. */
  zoomAt(factor, sx, sy) {
    const before = this.toWorld(sx, sy);
    this.scale = this.clampScale(this.scale * factor);
    const after = this.toWorld(sx, sy);
    this.center = [this.center[0] + before[0] - after[0], this.center[1] + before[1] - after[1]];
    this.changed();
  }

  /** Move the view by a screen offset. */
  panBy(dx, dy) {
    this.center = [this.center[0] - dx / this.scale, Math.max(0, Math.min(1, this.center[1] - dy / this.scale))];
    this.changed();
  }

  clampScale(scale) {
    return Math.max(MIN_SCALE, Math.min(MAX_SCALE, scale));
  }

  changed() {
    this.onViewChange?.(this);
    this.requestDraw();
  }

  /** Draw at the next animation frame (many requests in one frame draw once). */
  requestDraw() {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      this.draw();
    });
  }

  resize() {
    const ratio = window.devicePixelRatio || 1;
    this.width = this.canvas.clientWidth;
    this.height = this.canvas.clientHeight;
    this.canvas.width = Math.round(this.width * ratio);
    this.canvas.height = Math.round(this.height * ratio);
    this.requestDraw();
  }

  draw() {
    const { ctx } = this;
    const ratio = window.devicePixelRatio || 1;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, this.width, this.height);
    for (const layer of this.layers) {
      ctx.save();
      layer.draw(ctx, this);
      ctx.restore();
    }
    this.drawScaleBar();
  }

  /** Two bars, nautical miles and kilometres, each the longest round distance ≤ 120 px. */
  drawScaleBar() {
    const metresPerPixel = this.metresPerPixel();
    const rows = [
      [METRES_PER_NM, 'NM'],
      [1000, 'km'],
    ];
    const bars = this.scaleBar.querySelectorAll('.bar');
    rows.forEach(([unit, name], i) => {
      const amount = niceBelow((120 * metresPerPixel) / unit);
      bars[i].style.width = `${Math.round((amount * unit) / metresPerPixel)}px`;
      bars[i].textContent = `${amount} ${name}`;
    });
  }

  listen() {
    const { canvas } = this;
    canvas.addEventListener('wheel', (e) => {
      e.preventDefault();
      // Pixel, line or page deltas: bring them all to roughly pixels.
      const delta = e.deltaY * (e.deltaMode === 1 ? 40 : e.deltaMode === 2 ? 800 : 1);
      this.zoomAt(Math.exp(-delta * 0.002), e.offsetX, e.offsetY);
    }, { passive: false });
    canvas.addEventListener('pointerdown', (e) => {
      canvas.setPointerCapture(e.pointerId);
      this.pointers.set(e.pointerId, [e.offsetX, e.offsetY]);
      this.gesture = { moved: 0, start: [e.offsetX, e.offsetY], pinch: this.pinchState() };
    });
    canvas.addEventListener('pointermove', (e) => {
      this.showCursor(e.offsetX, e.offsetY);
      const previous = this.pointers.get(e.pointerId);
      if (!previous || !this.gesture) return;
      this.pointers.set(e.pointerId, [e.offsetX, e.offsetY]);
      if (this.pointers.size === 2) {
        const pinch = this.pinchState();
        if (this.gesture.pinch) {
          this.zoomAt(pinch.distance / this.gesture.pinch.distance, pinch.mid[0], pinch.mid[1]);
          this.panBy(pinch.mid[0] - this.gesture.pinch.mid[0], pinch.mid[1] - this.gesture.pinch.mid[1]);
        }
        this.gesture.pinch = pinch;
        this.gesture.moved = Infinity;
      } else {
        this.panBy(e.offsetX - previous[0], e.offsetY - previous[1]);
        this.gesture.moved = Math.max(
          this.gesture.moved,
          Math.hypot(e.offsetX - this.gesture.start[0], e.offsetY - this.gesture.start[1]),
        );
      }
    });
    const release = (e) => {
      if (!this.pointers.delete(e.pointerId)) return;
      if (e.type === 'pointerup' && this.pointers.size === 0 && this.gesture?.moved <= CLICK_SLOP_PX) {
        this.onClick?.(e.offsetX, e.offsetY);
      }
      // A pinch that loses one finger continues as a pan from where that finger is.
      this.gesture = this.pointers.size ? { moved: Infinity, start: [0, 0], pinch: null } : null;
    };
    canvas.addEventListener('pointerup', release);
    canvas.addEventListener('pointercancel', release);
    canvas.addEventListener('pointerleave', () => {
      this.cursor.textContent = '';
    });
    canvas.addEventListener('keydown', (e) => {
      const step = 80;
      const actions = {
        ArrowLeft: () => this.panBy(step, 0),
        ArrowRight: () => this.panBy(-step, 0),
        ArrowUp: () => this.panBy(0, step),
        ArrowDown: () => this.panBy(0, -step),
        '+': () => this.zoomAt(2, this.width / 2, this.height / 2),
        '=': () => this.zoomAt(2, this.width / 2, this.height / 2),
        '-': () => this.zoomAt(0.5, this.width / 2, this.height / 2),
      };
      if (actions[e.key]) {
        e.preventDefault();
        actions[e.key]();
      }
    });
  }

  /** Midpoint and distance of two active pointers (null with fewer). */
  pinchState() {
    if (this.pointers.size !== 2) return null;
    const [a, b] = [...this.pointers.values()];
    return { mid: [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2], distance: Math.max(1, Math.hypot(a[0] - b[0], a[1] - b[1])) };
  }

  showCursor(sx, sy) {
    const [lon, lat] = unproject(...this.toWorld(sx, sy));
    this.cursor.textContent = formatLatLon(lat, ((lon + 540) % 360) - 180);
  }
}
