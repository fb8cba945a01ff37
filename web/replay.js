// Replay from the store: one flight (GET /api/flights/{id}) or every flight in a time window,
// drawn as tracks and played back with a time slider. Each aircraft is placed by linear
// interpolation between its stored positions; its events appear as the clock passes them.

import { project } from './map.js';
import { CATEGORY_COLOURS, category } from './traffic.js';
import { eventSummary } from './alerts.js';
import { aircraftName, el, formatDuration, formatTime } from './format.js';
import { t } from './i18n.js';

/** Flights loaded for one window, at most (each is one request). */
const MAX_WINDOW_FLIGHTS = 50;
/** Between positions farther apart than this the aircraft is not drawn (a gap, not a path). */
const MAX_INTERPOLATION_S = 120;

/** A stored flight (GeoJSON Feature with per-point times) ready to play. */
function trackOf(feature) {
  const props = feature.properties;
  // A one-position flight is a GeoJSON Point; a flight without positions has no geometry.
  const geometry = feature.geometry;
  const coordinates = !geometry ? [] : geometry.type === 'Point' ? [geometry.coordinates] : geometry.coordinates;
  const xs = new Float64Array(coordinates.length);
  const ys = new Float64Array(coordinates.length);
  coordinates.forEach(([lon, lat], i) => {
    [xs[i], ys[i]] = project(lon, lat);
  });
  return {
    id: props.id,
    icao24: props.icao24,
    name: aircraftName(props),
    colour: CATEGORY_COLOURS[category({ score: props.score ?? 0, military: props.military }, false)],
    times: Float64Array.from(props.times ?? [], Number),
    altitudes: props.altitudes_ft ?? [],
    xs,
    ys,
    events: [],
  };
}

/** Index of the last time ≤ t (−1 before the first). */
function lastAtOrBefore(times, t) {
  let low = 0, high = times.length - 1, found = -1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if (times[mid] <= t) {
      found = mid;
      low = mid + 1;
    } else {
      high = mid - 1;
    }
  }
  return found;
}

/** Where a track is at time t: world position and heading, or null (not flying then). */
function positionAt(track, t) {
  const i = lastAtOrBefore(track.times, t);
  if (i < 0) return null;
  const j = Math.min(i + 1, track.times.length - 1);
  const span = track.times[j] - track.times[i];
  if (j === i ? t - track.times[i] > MAX_INTERPOLATION_S : span > MAX_INTERPOLATION_S) return null;
  const f = span > 0 ? Math.min(1, (t - track.times[i]) / span) : 0;
  const k = j > i ? i : Math.max(0, i - 1);
  const heading = Math.atan2(track.xs[k + 1] - track.xs[k], -(track.ys[k + 1] - track.ys[k]));
  return {
    x: track.xs[i] + f * (track.xs[j] - track.xs[i]),
    y: track.ys[i] + f * (track.ys[j] - track.ys[i]),
    heading: Number.isFinite(heading) ? heading : 0,
    altitude: track.altitudes[i],
    index: i,
  };
}

export class Replay {
  /**
   * @param {Record<string, HTMLElement>} ui the replay controls (see index.html)
   * @param {{fetchJson: Function, onChange: Function, onFocus: Function}} hooks
   */
  constructor(ui, { fetchJson, onChange, onFocus }) {
    this.ui = ui;
    this.fetchJson = fetchJson;
    this.onChange = onChange;
    this.onFocus = onFocus;
    this.tracks = [];
    this.time = 0;
    this.start = 0;
    this.end = 0;
    this.playing = false;
    this.lastFrame = null;
    ui.slider.addEventListener('input', () => this.setTime(Number(ui.slider.value)));
    ui.play.addEventListener('click', () => (this.playing ? this.pause() : this.play()));
    ui.exit.addEventListener('click', () => this.stop());
    ui.loadFlight.addEventListener('click', () => ui.flight.value && this.loadFlight(ui.flight.value));
    ui.loadWindow.addEventListener('click', () => this.loadWindow());
  }

  get active() {
    return this.tracks.length > 0;
  }

  /** Fill the flight chooser from the store, latest first; an empty window becomes the last hour. */
  async listFlights() {
    if (!this.ui.from.value && !this.ui.to.value) {
      // datetime-local inputs hold no zone: they are read and written as UTC.
      const local = (ms) => new Date(ms).toISOString().slice(0, 19);
      this.ui.from.value = local(Date.now() - 3600_000);
      this.ui.to.value = local(Date.now());
    }
    const { flights } = await this.fetchJson('/api/flights?limit=200');
    const chosen = this.ui.flight.value;
    this.ui.flight.replaceChildren(...flights.map((f) => el('option', { value: f.id },
      `${aircraftName(f)} · ${formatTime(f.start_ts)} · ${formatDuration(f.end_ts - f.start_ts)}`)));
    if (chosen) this.ui.flight.value = chosen;
    return flights;
  }

  /** Replay one flight. */
  async loadFlight(id) {
    this.status(t('Loading flight {id}…', { id }));
    try {
      const feature = await this.fetchJson(`/api/flights/${encodeURIComponent(id)}`);
      await this.begin([trackOf(feature)]);
    } catch (error) {
      this.status(t('Cannot load flight {id}: {reason}', { id, reason: error.message }));
    }
  }

  /** Replay every flight flying in the window of the two time inputs (UTC). */
  async loadWindow() {
    const from = Date.parse(`${this.ui.from.value}Z`) / 1000;
    const to = Date.parse(`${this.ui.to.value}Z`) / 1000;
    if (!Number.isFinite(from) || !Number.isFinite(to) || to <= from) {
      this.status(t('Choose a start and an end time (UTC), the end after the start.'));
      return;
    }
    this.status(t('Loading flights…'));
    try {
      const { flights } = await this.fetchJson(`/api/flights?since=${from}&limit=${MAX_WINDOW_FLIGHTS}`);
      const inWindow = flights.filter((f) => f.start_ts <= to);
      if (!inWindow.length) {
        this.status(t('No flight in that window.'));
        return;
      }
      const features = await Promise.all(inWindow.map((f) => this.fetchJson(`/api/flights/${encodeURIComponent(f.id)}`)));
      await this.begin(features.map(trackOf), [from, to]);
    } catch (error) {
      this.status(t('Cannot load the window: {reason}', { reason: error.message }));
    }
  }

  /** Start replaying `tracks` (with their events) over their time span or `window`. */
  async begin(tracks, window = null) {
    const withTimes = tracks.filter((t) => t.times.length > 0);
    if (!withTimes.length) {
      this.status(t('No stored positions to replay.'));
      return;
    }
    for (const track of withTimes) {
      const { events } = await this.fetchJson(`/api/events?icao24=${track.icao24}&limit=200`);
      track.events = events.filter((e) => e.flight_id === track.id && e.type !== 'flight' && Number.isFinite(e.latitude));
    }
    this.pause();
    this.tracks = withTimes;
    this.start = window?.[0] ?? Math.min(...withTimes.map((t) => t.times[0]));
    this.end = window?.[1] ?? Math.max(...withTimes.map((t) => t.times[t.times.length - 1]));
    Object.assign(this.ui.slider, { min: this.start, max: this.end, step: 1 });
    this.ui.bar.hidden = false;
    this.status(`Replaying ${withTimes.map((t) => t.name).join(', ')}.`);
    this.onFocus(withTimes);
    this.setTime(this.start);
  }

  setTime(time) {
    this.time = Math.max(this.start, Math.min(this.end, time));
    this.ui.slider.value = String(this.time);
    this.ui.time.textContent = formatTime(this.time);
    this.onChange();
  }

  play() {
    if (this.time >= this.end) this.setTime(this.start);
    this.playing = true;
    this.relabel();
    this.lastFrame = null;
    requestAnimationFrame((now) => this.tick(now));
  }

  pause() {
    this.playing = false;
    this.relabel();
  }

  /** The play button's text, in the language shown. */
  relabel() {
    this.ui.play.textContent = this.playing ? t('Pause') : t('Play');
  }

  tick(now) {
    if (!this.playing) return;
    if (this.lastFrame !== null) this.setTime(this.time + ((now - this.lastFrame) / 1000) * Number(this.ui.speed.value));
    this.lastFrame = now;
    if (this.time >= this.end) this.pause();
    else requestAnimationFrame((next) => this.tick(next));
  }

  /** Leave replay: back to the live picture. */
  stop() {
    this.pause();
    this.tracks = [];
    this.ui.bar.hidden = true;
    this.status('');
    this.onChange();
  }

  status(text) {
    this.ui.status.textContent = text;
  }

  draw(ctx, view) {
    ctx.lineJoin = 'round';
    ctx.lineCap = 'round';
    for (const track of this.tracks) {
      const now = positionAt(track, this.time);
      const flown = now ? now.index : lastAtOrBefore(track.times, this.time);
      // The whole track faint, the part already flown strong.
      [[0, track.times.length - 1, 0.25, 1.5], [0, flown, 0.9, 2.5]].forEach(([from, to, alpha, width]) => {
        if (to <= from) return;
        ctx.globalAlpha = alpha;
        ctx.strokeStyle = track.colour;
        ctx.lineWidth = width;
        ctx.beginPath();
        for (let i = from; i <= to; i++) {
          const [sx, sy] = view.toScreen(track.xs[i], track.ys[i]);
          if (i === from) ctx.moveTo(sx, sy);
          else ctx.lineTo(sx, sy);
        }
        if (now && to === flown) ctx.lineTo(...view.toScreen(now.x, now.y));
        ctx.stroke();
      });
      ctx.globalAlpha = 1;
      for (const e of track.events.filter((ev) => ev.ts <= this.time)) this.drawEvent(ctx, view, e);
      if (now) this.drawAircraft(ctx, view, track, now);
    }
  }

  drawEvent(ctx, view, e) {
    const [sx, sy] = view.toScreen(...project(e.longitude, e.latitude));
    ctx.fillStyle = '#c62828';
    ctx.strokeStyle = '#fff';
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    ctx.moveTo(sx, sy - 6);
    ctx.lineTo(sx + 6, sy);
    ctx.lineTo(sx, sy + 6);
    ctx.lineTo(sx - 6, sy);
    ctx.closePath();
    ctx.fill();
    ctx.stroke();
    ctx.font = '11px system-ui, sans-serif';
    ctx.fillStyle = '#222';
    ctx.fillText(eventSummary(e), sx + 9, sy + 4);
  }

  drawAircraft(ctx, view, track, now) {
    const [sx, sy] = view.toScreen(now.x, now.y);
    ctx.save();
    ctx.translate(sx, sy);
    ctx.rotate(now.heading);
    ctx.beginPath();
    ctx.moveTo(0, -11);
    ctx.lineTo(8, 9);
    ctx.lineTo(0, 4);
    ctx.lineTo(-8, 9);
    ctx.closePath();
    ctx.fillStyle = track.colour;
    ctx.fill();
    ctx.strokeStyle = '#fff';
    ctx.lineWidth = 1.5;
    ctx.stroke();
    ctx.restore();
    ctx.font = '600 12px system-ui, sans-serif';
    ctx.fillStyle = '#111';
    const altitude = Number.isFinite(now.altitude) ? ` ${Math.round(now.altitude)} ft` : '';
    ctx.fillText(`${track.name}${altitude}`, sx + 13, sy - 4);
  }
}
