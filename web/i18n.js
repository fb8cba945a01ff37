// The interface's languages: English and Spanish (Mexico first). One string table: each entry
// is the English text — also the key the code writes — and its Spanish translation; `{name}`
// marks a value filled in. The language is chosen by `?lang=`, else the one chosen before in
// this browser, else the browser's own preferences; the switch in the top bar changes it
// without reloading. Static text in index.html carries `data-i18n` (its text),
// `data-i18n-placeholder`, `data-i18n-aria-label` or `data-i18n-title` (the English key).
// Times stay in UTC in every language (evidence is compared across time zones) and numbers
// keep the decimal point, as Mexico writes them.

export const LANGUAGES = { en: 'English', es: 'Español' };
const STORAGE_KEY = 'vigia.lang';

/** English → Spanish. */
export const SPANISH = {
  // top bar, filters, badge
  'vigia — live map': 'vigia — mapa en vivo',
  'Filters': 'Filtros',
  'Military only': 'Solo militares',
  'Score ≥': 'Puntuación ≥',
  'Zone': 'Zona',
  'any': 'cualquiera',
  'Language': 'Idioma',
  'connecting…': 'conectando…',
  'live': 'en vivo',
  'reconnecting…': 'reconectando…',
  'degraded': 'degradado',
  'no receiver connected': 'ningún receptor conectado',
  'replay': 'repetición',
  'load failed: {reasons}': 'error al cargar: {reasons}',
  // map
  'Map of aircraft and airspace. Arrow keys pan, plus and minus zoom; the aircraft and alert lists offer the same selections.':
    'Mapa de aeronaves y espacio aéreo. Las flechas desplazan, más y menos acercan; las listas de aeronaves y alertas ofrecen las mismas selecciones.',
  'Legend': 'Leyenda',
  'Zoom in': 'Acercar',
  'Zoom out': 'Alejar',
  'score ≥ 0.5, or military on station': 'puntuación ≥ 0.5, o militar en estación',
  'military, or surveillance-like (score ≥ 0.3)': 'militar, o de tipo vigilancia (puntuación ≥ 0.3)',
  'other aircraft': 'otras aeronaves',
  'trail: ground': 'estela: en tierra',
  'trail: 10 000 ft': 'estela: 10 000 ft',
  'trail: 20 000 ft': 'estela: 20 000 ft',
  'trail: 40 000 ft and above': 'estela: 40 000 ft o más',
  '{zone} airspace (land + 12 NM sea)': 'espacio aéreo de {zone} (tierra + 12 NM de mar)',
  'land': 'tierra',
  'sovereign': 'soberana',
  'buffer': 'margen',
  'custom': 'personalizada',
  // replay bar
  'Play': 'Reproducir',
  'Pause': 'Pausa',
  'Replay time': 'Tiempo de la repetición',
  'Speed': 'Velocidad',
  'Back to live': 'Volver a en vivo',
  // sidebar
  'Alerts': 'Alertas',
  'Alerts to watch first, newest first; routine civil crossings folded':
    'Alertas a vigilar primero, las más recientes arriba; cruces civiles rutinarios agrupados',
  'Heard, no position': 'Oído, sin posición',
  'Aircraft heard through Mode S replies that nobody can place: somewhere within the dashed rings':
    'Aeronaves oídas por respuestas Modo S que nadie puede ubicar: en algún punto dentro de los círculos discontinuos',
  'Receivers': 'Receptores',
  'Each receiver: messages per second, aircraft heard, farthest range, clock; its coverage drawn on the map':
    'Cada receptor: mensajes por segundo, aeronaves oídas, alcance máximo, reloj; su cobertura dibujada en el mapa',
  'Coverage layer': 'Capa de cobertura',
  'off': 'apagada',
  'below 5 000 ft': 'por debajo de 5 000 ft',
  '5 000–15 000 ft': '5 000–15 000 ft',
  '15 000–25 000 ft': '15 000–25 000 ft',
  'above 25 000 ft': 'por encima de 25 000 ft',
  'heard by': 'oída por',
  'the network': 'la red',
  'Share of position broadcasts heard, learned from the traffic: green ≥ 99 %, red < 50 %.':
    'Proporción de emisiones de posición oídas, aprendida del tráfico: verde ≥ 99 %, rojo < 50 %.',
  '{n} cells with coverage learned in this band.': '{n} celdas con cobertura aprendida en esta banda.',
  'Aircraft': 'Aeronaves',
  'callsign, hex, squawk, registration': 'indicativo, hex, squawk, matrícula',
  'Search aircraft by callsign, ICAO address, squawk or registration':
    'Buscar aeronaves por indicativo, dirección OACI, squawk o matrícula',
  'Aircraft, highest surveillance score first': 'Aeronaves, mayor puntuación de vigilancia primero',
  '{shown} of {total}': '{shown} de {total}',
  'Aircraft table': 'Tabla de aeronaves',
  'Aircraft shown, one row each; click a column header to sort by it':
    'Aeronaves mostradas, una por fila; pulse el encabezado de una columna para ordenar por ella',
  'Replay': 'Repetición',
  'Flight': 'Vuelo',
  'Replay flight': 'Repetir vuelo',
  'Time window (UTC)': 'Ventana de tiempo (UTC)',
  'From': 'Desde',
  'To': 'Hasta',
  'Replay window': 'Repetir ventana',
  'Map settings': 'Ajustes del mapa',
  'Tile server URL': 'URL del servidor de teselas',
  'Optional: raster tiles under the zones. Empty: the map uses the served zones only and fetches nothing else.':
    'Opcional: teselas ráster bajo las zonas. Vacío: el mapa usa solo las zonas servidas y no descarga nada más.',
  // alerts list
  'No alerts yet.': 'Aún no hay alertas.',
  'No alerts match the filters.': 'Ninguna alerta coincide con los filtros.',
  '{n} routine civil crossing (score < {line}, not military)': '{n} cruce civil rutinario (puntuación < {line}, no militar)',
  '{n} routine civil crossings (score < {line}, not military)': '{n} cruces civiles rutinarios (puntuación < {line}, no militares)',
  'surveillance score': 'puntuación de vigilancia',
  'report': 'informe',
  'incident report (new tab)': 'informe del incidente (pestaña nueva)',
  'acknowledged': 'reconocida',
  'ack': 'reconocer',
  'acknowledge (needs the service token)': 'reconocer (requiere el token del servicio)',
  'Token of this vigia service (server.token), to acknowledge alerts:':
    'Token de este servicio vigia (server.token), para reconocer alertas:',
  'not acknowledged: no token given': 'no reconocida: no se dio el token',
  'not acknowledged: {reason}': 'no reconocida: {reason}',
  // event names and summaries
  'Entry': 'Entrada',
  'Presence': 'Presencia',
  'Exit': 'Salida',
  'Transit': 'Tránsito',
  'Closest approach': 'Máximo acercamiento',
  'Orbit': 'Órbita',
  'Survey': 'Reconocimiento',
  'Flood of events': 'Avalancha de eventos',
  'Spoofing suspected': 'Posible suplantación',
  'Signal lost': 'Señal perdida',
  'Signal regained': 'Señal recuperada',
  'Inferred crossing': 'Cruce inferido',
  'Appeared inside': 'Apareció dentro',
  'ADS-B off': 'ADS-B apagado',
  'silent': 'en silencio',
  'not observed': 'no observado',
  '{n} folded': '{n} agrupados',
  '{n} rejected/min': '{n} rechazadas/min',
  'by {receivers}': 'por {receivers}',
  'entry': 'entrada',
  'exit': 'salida',
  'right': 'a la derecha',
  'left': 'a la izquierda',
  'circle': 'círculo',
  'racetrack': 'hipódromo',
  // aircraft categories and list
  'surveillance': 'vigilancia',
  'military': 'militar',
  'other': 'otra',
  'ground': 'en tierra',
  'score {score}': 'puntuación {score}',
  // detail panel
  'Close details': 'Cerrar detalles',
  'could not be loaded': 'no se pudo cargar',
  'Event {id}': 'Evento {id}',
  'No surveillance indicator so far.': 'Ningún indicio de vigilancia por ahora.',
  'Score reasons': 'Motivos de la puntuación',
  'Events': 'Eventos',
  'No event for this aircraft yet.': 'Aún no hay eventos de esta aeronave.',
  'Centre': 'Centrar',
  'ICAO address': 'Dirección OACI',
  'Callsign': 'Indicativo',
  'Registration': 'Matrícula',
  'Type': 'Tipo',
  'Country': 'País',
  'Military': 'Militar',
  'Squawk': 'Squawk',
  'Score': 'Puntuación',
  'Zones now': 'Zonas ahora',
  'none': 'ninguna',
  'Altitude': 'Altitud',
  'on the ground': 'en tierra',
  'Ground speed': 'Velocidad respecto al suelo',
  'Track': 'Rumbo',
  'Vertical rate': 'Velocidad vertical',
  'Position': 'Posición',
  'Last update': 'Última actualización',
  '{time} ({age} ago)': '{time} (hace {age})',
  'Positions': 'Posiciones',
  'yes': 'sí',
  'no': 'no',
  'Event': 'Evento',
  'Id': 'Id',
  'Time': 'Hora',
  'Between': 'Entre',
  '{a} and {b}': '{a} y {b}',
  'Time inside': 'Tiempo dentro',
  'Next zone': 'Zona siguiente',
  'Distance': 'Distancia',
  'Start': 'Inicio',
  'Duration': 'Duración',
  'Shape': 'Forma',
  'Radius': 'Radio',
  'Turns': 'Vueltas',
  'Direction': 'Dirección',
  'Altitude band': 'Banda de altitud',
  'Legs': 'Tramos',
  'Committed': 'Registrado',
  'Acknowledged': 'Reconocido',
  'Incident report ↗': 'Informe del incidente ↗',
  'Evidence': 'Evidencia',
  'This event cites no positions.': 'Este evento no cita posiciones.',
  'global CPR pair (two frames)': 'par CPR global (dos tramas)',
  'local CPR (one frame)': 'CPR local (una trama)',
  'archive row': 'fila de archivo',
  'line {n}': 'línea {n}',
  'row {n}': 'fila {n}',
  'record {n}': 'registro {n}',
  // receivers and heard
  'clock synced': 'reloj sincronizado',
  'clock not synced': 'reloj no sincronizado',
  '{n} clock jumps': '{n} saltos de reloj',
  '{n} inconsistent': '{n} incoherentes',
  '{n} given twice': '{n} duplicadas',
  'no multilateration': 'sin multilateración',
  'connected': 'conectado',
  'not connected': 'no conectado',
  'data {age} s ago': 'datos hace {age} s',
  'no data yet': 'aún sin datos',
  '{n} connections lost': '{n} conexiones perdidas',
  '{n} failed attempts': '{n} intentos fallidos',
  '{rate} msg/s · {n} aircraft · {range} NM': '{rate} msj/s · {n} aeronaves · {range} NM',
  'squawk {code}': 'squawk {code}',
  'heard by {by} since {since} UTC, {n} replies': 'oída por {by} desde las {since} UTC, {n} respuestas',
  // replay
  'Loading flight {id}…': 'Cargando el vuelo {id}…',
  'Cannot load flight {id}: {reason}': 'No se puede cargar el vuelo {id}: {reason}',
  'Choose a start and an end time (UTC), the end after the start.':
    'Elija una hora de inicio y una de fin (UTC), el fin después del inicio.',
  'Loading flights…': 'Cargando vuelos…',
  'No flight in that window.': 'Ningún vuelo en esa ventana.',
  'Cannot load the window: {reason}': 'No se puede cargar la ventana: {reason}',
  'No stored positions to replay.': 'No hay posiciones guardadas que repetir.',
  // table
  'Hex': 'Hex',
  'Altitude ft': 'Altitud ft',
  'Speed kt': 'Velocidad kt',
  'Zones': 'Zonas',
  // times
  '{clock} local, UTC{offset}': '{clock} hora local, UTC{offset}',
};

const TABLES = { en: {}, es: SPANISH };

/** The language chosen: `?lang=`, else this browser's earlier choice, else its preferences. */
function initialLanguage() {
  const asked = new URLSearchParams(globalThis.location?.search ?? '').get('lang');
  if (asked && Object.hasOwn(TABLES, asked)) return asked;
  const stored = globalThis.localStorage?.getItem(STORAGE_KEY);
  if (stored && Object.hasOwn(TABLES, stored)) return stored;
  for (const tag of globalThis.navigator?.languages ?? []) {
    const base = String(tag).toLowerCase().split('-')[0];
    if (Object.hasOwn(TABLES, base)) return base;
  }
  return 'en';
}

let current = initialLanguage();

/** The language shown (`en`, `es`). */
export function language() {
  return current;
}

/**
 * The text of `key` (English) in the language shown, with `{name}` filled from `vars`. A key
 * missing from the table shows in English (a test lists every key the code uses).
 */
export function t(key, vars = {}) {
  const text = TABLES[current][key] ?? key;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in vars ? String(vars[name]) : whole));
}

/** Set the text of every element under `root` marked with `data-i18n*` attributes. */
export function translatePage(root = document) {
  document.documentElement.lang = current;
  for (const node of root.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n);
  for (const [data, attribute] of [['i18nPlaceholder', 'placeholder'], ['i18nAriaLabel', 'aria-label'], ['i18nTitle', 'title']]) {
    const selector = `[data-${data.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}]`;
    for (const node of root.querySelectorAll(selector)) node.setAttribute(attribute, t(node.dataset[data]));
  }
  if (document.querySelector('title[data-i18n]')) document.title = t(document.querySelector('title').dataset.i18n);
}

const listeners = [];

/** Call `fn` after every change of language (to redraw what was built from text). */
export function onLanguageChange(fn) {
  listeners.push(fn);
}

/** Show `lang`, remember it in this browser, and redraw. */
export function setLanguage(lang) {
  if (!Object.hasOwn(TABLES, lang) || lang === current) return;
  current = lang;
  globalThis.localStorage?.setItem(STORAGE_KEY, lang);
  translatePage();
  for (const fn of listeners) fn(lang);
}
