// The aircraft table receiver owners know from tar1090: one row per aircraft shown, columns
// sortable by a click on their header (again: the other way), a click on a row selects the
// aircraft. The same filters and search as the list apply.

import { aircraftName, el, formatNumber } from './format.js';
import { t } from './i18n.js';

/** Columns: header, the value sorted on, the text shown. */
const COLUMNS = [
  { key: 'callsign', label: 'Callsign', value: (a) => aircraftName(a), text: (a) => aircraftName(a) },
  { key: 'icao24', label: 'Hex', value: (a) => a.icao24, text: (a) => a.icao24.toUpperCase() },
  { key: 'squawk', label: 'Squawk', value: (a) => a.squawk ?? '', text: (a) => a.squawk ?? '' },
  { key: 'type', label: 'Type', value: (a) => a.type_designator ?? '', text: (a) => a.type_designator ?? '' },
  { key: 'altitude', label: 'Altitude ft', value: (a) => (a.on_ground ? 0 : a.altitude_ft ?? -1), text: (a) => (a.on_ground ? t('ground') : formatNumber(a.altitude_ft, 0)) },
  { key: 'speed', label: 'Speed kt', value: (a) => a.groundspeed_kt ?? -1, text: (a) => formatNumber(a.groundspeed_kt, 0) },
  { key: 'score', label: 'Score', value: (a) => a.score, text: (a) => formatNumber(a.score, 2) },
  { key: 'zones', label: 'Zones', value: (a) => (a.zones ?? []).join(','), text: (a) => (a.zones ?? []).join(' ') },
];

export class AircraftTable {
  /** @param {HTMLTableElement} table */
  constructor(table, { onSelect, onSort }) {
    this.table = table;
    this.sortKey = 'score';
    this.descending = true;
    this.onSelect = onSelect;
    const head = el('tr', {}, COLUMNS.map((c) => el('th', {
      scope: 'col',
      dataset: { key: c.key },
      tabindex: 0,
      onclick: () => this.sortBy(c.key, onSort),
      onkeydown: (e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          this.sortBy(c.key, onSort);
        }
      },
    }, el('span', { dataset: { i18n: c.label } }, t(c.label)))));
    this.body = el('tbody');
    table.replaceChildren(el('thead', {}, head), this.body);
    this.markSort();
  }

  sortBy(key, onSort) {
    if (this.sortKey === key) this.descending = !this.descending;
    else {
      this.sortKey = key;
      // Numbers read best largest first, text A to Z.
      this.descending = ['altitude', 'speed', 'score'].includes(key);
    }
    this.markSort();
    onSort?.();
  }

  markSort() {
    for (const th of this.table.querySelectorAll('th')) {
      th.setAttribute('aria-sort', th.dataset.key === this.sortKey ? (this.descending ? 'descending' : 'ascending') : 'none');
    }
  }

  /** Rows for `aircraft` (the data of the aircraft shown), sorted. */
  render(aircraft, selected) {
    const column = COLUMNS.find((c) => c.key === this.sortKey) ?? COLUMNS[6];
    const sign = this.descending ? -1 : 1;
    const rows = [...aircraft].sort((a, b) => {
      const x = column.value(a);
      const y = column.value(b);
      const order = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
      return sign * order || a.icao24.localeCompare(b.icao24);
    });
    this.body.replaceChildren(...rows.map((a) => el('tr', {
      dataset: { icao24: a.icao24 },
      className: a.icao24 === selected ? 'selected' : '',
      tabindex: 0,
      onclick: () => this.onSelect(a.icao24),
      onkeydown: (e) => {
        if (e.key === 'Enter') this.onSelect(a.icao24);
      },
    }, COLUMNS.map((c) => el('td', { dataset: { key: c.key } }, c.text(a))))));
  }
}
