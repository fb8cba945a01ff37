// An optional raster tile layer under the zones, for users who run or subscribe to a tile
// server: a URL template such as `http://tiles.example/{z}/{x}/{y}.png`, from the map's
// settings or the page's `?tiles=` parameter. With no template (the default) nothing is
// fetched: the map is drawn from the served zones alone and needs no network.

const MAX_TILE_ZOOM = 19;
/** Images kept; the oldest are dropped beyond this. */
const CACHE_SIZE = 400;

export class TileLayer {
  /** @param {Function} onLoad called when a tile arrives (to redraw) */
  constructor(onLoad) {
    this.template = '';
    this.onLoad = onLoad;
    this.cache = new Map();
  }

  /** Use `template` (an empty string turns tiles off). */
  setTemplate(template) {
    this.template = template.trim();
    this.cache.clear();
  }

  url(z, x, y) {
    return this.template.replace('{z}', z).replace('{x}', x).replace('{y}', y);
  }

  /** The tile image, requested on first use; null until it has loaded. */
  image(z, x, y) {
    const key = `${z}/${x}/${y}`;
    let image = this.cache.get(key);
    if (!image) {
      image = new Image();
      image.crossOrigin = 'anonymous';
      image.onload = () => this.onLoad();
      image.src = this.url(z, x, y);
      this.cache.set(key, image);
      if (this.cache.size > CACHE_SIZE) this.cache.delete(this.cache.keys().next().value);
    }
    return image.complete && image.naturalWidth > 0 ? image : null;
  }

  draw(ctx, view) {
    if (!this.template) return;
    const z = Math.max(0, Math.min(MAX_TILE_ZOOM, Math.round(view.zoom)));
    const tiles = 2 ** z;
    const size = view.scale / tiles;
    const [x0, y0] = view.toWorld(0, 0);
    const [x1, y1] = view.toWorld(view.width, view.height);
    for (let ty = Math.max(0, Math.floor(y0 * tiles)); ty <= Math.min(tiles - 1, Math.floor(y1 * tiles)); ty++) {
      for (let tx = Math.floor(x0 * tiles); tx <= Math.floor(x1 * tiles); tx++) {
        const wrapped = ((tx % tiles) + tiles) % tiles;
        const image = this.image(z, wrapped, ty);
        if (!image) continue;
        const [sx, sy] = view.toScreen(tx / tiles, ty / tiles);
        // Half a pixel of overlap hides the seams between scaled tiles.
        ctx.drawImage(image, sx, sy, size + 0.5, size + 0.5);
      }
    }
  }
}
