//! `GET /api/openapi.json`: the API described as OpenAPI 3.1, written by hand beside the
//! handlers it describes (a test checks that every route is in it).

use serde_json::{json, Value};

fn get(summary: &str, params: Value, response: &str) -> Value {
    json!({"get": {"summary": summary, "parameters": params,
        "responses": {"200": {"description": response}, "404": {"description": "not found"}}}})
}

fn query(name: &str, kind: &str, description: &str) -> Value {
    json!({"name": name, "in": "query", "required": false, "schema": {"type": kind}, "description": description})
}

fn path_id(kind: &str) -> Value {
    json!({"name": "id", "in": "path", "required": true, "schema": {"type": kind}})
}

/// The document.
pub fn document() -> Value {
    let since = query("since", "number", "Unix seconds");
    let limit = query(
        "limit",
        "integer",
        "at most this many (default 1000, at most 10000; page with since or after_id)",
    );
    let token = json!([{"bearer": []}]);
    json!({
        "openapi": "3.1.0",
        "info": {"title": "vigia", "version": env!("CARGO_PKG_VERSION"),
            "description": "Live aircraft, flights and sovereignty events from open ADS-B/Mode S broadcasts. Times are Unix seconds; distances nautical miles; altitudes feet."},
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
            "description": "The token of the configuration file ([server] token)."}}},
        "paths": {
            "/api/aircraft": get("Live aircraft: position, track, altitude, callsign, identity, score, zones, last update.", json!([]),
                "{now, aircraft: [{icao24, callsign, squawk, lat, lon, altitude_ft, groundspeed_kt, track_deg, vertical_rate_fpm, on_ground, last_update, flight_id, positions, zones, score, military, country, registration, type_designator}]}"),
            "/api/receivers": get("Each receiver (source): position, frames, messages per second, aircraft heard in the last minute, range by bearing (36 sectors of 10°, NM), for a receivers file its multilateration clock status, and when it is a source of this service its link (connected now, seconds since its last data, connections made, failed, lost, stalled).", json!([]),
                "{now, receivers: [{id, position, frames, messages_per_s, aircraft, range_nm, mlat: {synced, used, inconsistent, clock_jumps, duplicates} | null, link?: {connected, last_data_s, connects, connect_failures, disconnects, stalls}}]}"),
            "/api/heard": get("Aircraft heard through Mode S replies but without a position: present within reach of the receivers listed.", json!([]),
                "{now, heard: [{icao24, country, military, altitude_ft, squawk, callsign, receivers, first_heard, last_heard, replies}]}"),
            "/api/coverage": get("The coverage model learned from the traffic (saved every minute): GeoJSON squares of 0.05° per altitude band with position broadcasts expected and received.", json!([query("altitude", "number", "only the band holding this altitude, feet"), query("min_expected", "number", "only cells resting on at least this many expected broadcasts"), query("receiver", "string", "one receiver's own model (default: the network's)")]),
                "GeoJSON FeatureCollection"),
            "/api/flights": get("Flights, latest first; a full page has a `next` cursor to pass as `before`.", json!([since, query("icao24", "string", "ICAO address (hex)"), query("zone", "string", "zone name"), limit, query("before", "string", "the previous page's `next` cursor (END_TS,ID)")]),
                "{flights: [{id, icao24, callsign, start_ts, end_ts, positions, last, zones, score, military, ended}], next: string | null}"),
            "/api/flights/{id}": get("One flight's track as a GeoJSON Feature (LineString) with per-point times and altitudes.", json!([path_id("string")]), "GeoJSON Feature"),
            "/api/events": get("Events, newest first.", json!([query("type", "string", "zone_entry, zone_presence, zone_exit, zone_transit, closest_approach, orbit, survey, flight, flood, spoofing_suspected, heard_without_position, signal_lost, signal_regained, inferred_crossing, appeared_inside"), query("zone", "string", "zone name"), since, query("icao24", "string", "ICAO address"), query("after_id", "integer", "only ids above this"), limit]),
                "{events: [event with id]}"),
            "/api/events/{id}": get("One event with its evidence (positions and raw frames as hex).", json!([path_id("integer")]), "event"),
            "/api/events/{id}/report": get("The event's incident report: a self-contained HTML page (map, timeline, identity, evidence frames, how to verify).", json!([path_id("integer")]), "text/html"),
            "/api/events/{id}/ack": {"post": {"summary": "Acknowledge an event.", "security": token,
                "parameters": [path_id("integer")],
                "responses": {"200": {"description": "acknowledged"}, "401": {"description": "token missing or wrong"}, "403": {"description": "no token configured"}, "404": {"description": "no such event"}}}},
            "/api/zones": get("The zones watched, as a GeoJSON FeatureCollection.", json!([]), "GeoJSON FeatureCollection"),
            "/api/zones/reload": {"post": {"summary": "Reload the zones from the configuration.", "security": token,
                "responses": {"200": {"description": "reloaded"}, "401": {"description": "token missing or wrong"}, "403": {"description": "no token configured"}, "500": {"description": "the zones could not be loaded"}}}},
            "/api/stream": get("Server-Sent Events: `aircraft` (changed aircraft, removed addresses), `event` (committed events with id), `lagged`.", json!([]), "text/event-stream"),
            "/api/openapi.json": get("This document.", json!([]), "OpenAPI document"),
            "/metrics": get("Prometheus metrics: frames/s per source, decode errors, tracked aircraft, queue depths, events, alert sink failures, alert latency.", json!([]), "text/plain; version=0.0.4"),
            "/data/aircraft.json": get("Live aircraft in readsb's aircraft.json schema (now, messages, aircraft[]: hex, type, flight, alt_baro, gs, track, baro_rate, squawk, lat, lon, seen, seen_pos, messages, rssi, mlat, tisb; vigia's additions under `vigia`), for tar1090 and the ecosystem's tools; aircraft heard without a position have type mode_s.", json!([]), "{now, messages, aircraft}"),
            "/data/receiver.json": get("The receiver as readsb describes it: version, refresh (ms), history, lat, lon.", json!([]), "{version, refresh, history, lat, lon}"),
            "/healthz": get("Liveness and a short status: `ok`, or `degraded` with the problems (no receiver connected, the store's writer behind); always 200 while the process answers.", json!([]), "{status, problems, uptime_s, sources, sources_connected, queue_depth, writer_queue}"),
        }
    })
}
