//! What PostgreSQL writes need besides the statements: day partitions, positions by binary
//! `COPY`, flights upserted together, events' geometries.

use serde_json::Value;
use tokio_postgres::types::{ToSql, Type};

use super::conn::Tx;
use super::{sql, DAY};
use crate::error::StoreError;
use crate::rows::{FlightRow, PositionRow, ZoneColumn};

/// First second of the (UTC) day of `ts`.
pub(super) fn day_of(ts: f64) -> i64 {
    ((ts / DAY).floor() * DAY) as i64
}

/// `positions_YYYYMMDD` (`positions_m…` for days before 1970, as receiver clocks can be).
pub(super) fn partition_name(day: i64) -> String {
    let (y, m, d) = vigia_modes::civil::civil_from_days(day.div_euclid(86_400));
    if day < 0 {
        format!("positions_m{}", -day / 86_400)
    } else {
        format!("positions_{y:04}{m:02}{d:02}")
    }
}

pub(super) fn create_partition(tx: &Tx<'_>, day: i64) -> Result<(), StoreError> {
    let name = partition_name(day);
    tx.batch_execute(&format!(
        "CREATE TABLE IF NOT EXISTS {name} PARTITION OF positions
         FOR VALUES FROM ({day}) TO ({})",
        day + DAY as i64
    ))
    .map_err(sql("creating a day partition"))
}

pub(super) fn partitions(tx: &Tx<'_>) -> Result<Vec<(String, i64)>, StoreError> {
    let rows = tx
        .query(
            "SELECT c.relname, pg_get_expr(c.relpartbound, c.oid)
             FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
             WHERE i.inhparent = 'positions'::regclass ORDER BY 1",
            &[],
        )
        .map_err(sql("listing partitions"))?;
    Ok(rows
        .iter()
        .filter_map(|r| {
            let name: String = r.get(0);
            let bound: String = r.get(1);
            // FOR VALUES FROM ('1700006400') TO ('1700092800')
            let start = bound
                .split("FROM (")
                .nth(1)?
                .split(')')
                .next()?
                .trim_matches(|c| c == '\'' || c == ' ')
                .parse::<f64>()
                .ok()?;
            Some((name, start as i64))
        })
        .collect())
}

pub(super) fn copy_positions(tx: &Tx<'_>, positions: &[PositionRow]) -> Result<(), StoreError> {
    tx.copy_in(
        "COPY positions (flight_id, icao24, ts, lat, lon, altitude_ft, groundspeed_kt,
         track_deg, vertical_rate_fpm, on_ground) FROM STDIN BINARY",
        &[
            Type::TEXT,
            Type::TEXT,
            Type::FLOAT8,
            Type::FLOAT8,
            Type::FLOAT8,
            Type::FLOAT8,
            Type::FLOAT8,
            Type::FLOAT8,
            Type::FLOAT8,
            Type::BOOL,
        ],
        positions.iter().map(|p| {
            vec![
                &p.flight_id as &(dyn ToSql + Sync),
                &p.icao24,
                &p.ts,
                &p.lat,
                &p.lon,
                &p.altitude_ft,
                &p.groundspeed_kt,
                &p.track_deg,
                &p.vertical_rate_fpm,
                &p.on_ground,
            ]
        }),
    )
    .map_err(sql("inserting positions"))?;
    Ok(())
}

/// Insert or grow `flights`: the zones each was in merged with those stored (one query for
/// all of them), then every upsert pipelined.
pub(super) fn upsert_flights(tx: &Tx<'_>, flights: &[FlightRow]) -> Result<(), StoreError> {
    if flights.is_empty() {
        return Ok(());
    }
    let with_zones: Vec<&str> = flights
        .iter()
        .filter(|f| !f.zones.is_empty())
        .map(|f| f.id.as_str())
        .collect();
    let mut stored: std::collections::HashMap<String, Vec<String>> =
        std::collections::HashMap::new();
    if !with_zones.is_empty() {
        for r in tx
            .query(
                "SELECT id, zones FROM flights WHERE id = ANY($1)",
                &[&with_zones],
            )
            .map_err(sql("reading flights' zones"))?
        {
            let zones: String = r.get(1);
            stored.insert(r.get(0), ZoneColumn::parse(&zones));
        }
    }
    let mut zones: Vec<Option<String>> = Vec::with_capacity(flights.len());
    let mut summaries: Vec<Option<String>> = Vec::with_capacity(flights.len());
    let mut counts: Vec<i64> = Vec::with_capacity(flights.len());
    for f in flights {
        // A flight twice in one batch: the second merges with the first's zones too.
        zones.push(
            (!f.zones.is_empty())
                .then(|| ZoneColumn::merge(stored.entry(f.id.clone()).or_default(), &f.zones)),
        );
        summaries.push(f.summary_json()?);
        counts.push(f.positions as i64);
    }
    let lasts: Vec<(Option<f64>, Option<f64>, Option<f64>)> = flights
        .iter()
        .map(|f| {
            (
                f.last.map(|l| l.0),
                f.last.map(|l| l.1),
                f.last.and_then(|l| l.2),
            )
        })
        .collect();
    let upsert = tx
        .prepare(
            "INSERT INTO flights AS f (id, icao24, callsign, start_ts, end_ts, positions, last_lat,
             last_lon, last_altitude_ft, zones, score, military, ended, summary)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, coalesce($10, ''), $11, $12, $13,
             $14::text::jsonb)
             ON CONFLICT (id) DO UPDATE SET
               callsign = coalesce(excluded.callsign, f.callsign),
               start_ts = least(f.start_ts, excluded.start_ts),
               end_ts = greatest(f.end_ts, excluded.end_ts),
               positions = greatest(f.positions, excluded.positions),
               last_lat = coalesce(excluded.last_lat, f.last_lat),
               last_lon = coalesce(excluded.last_lon, f.last_lon),
               last_altitude_ft = coalesce(excluded.last_altitude_ft, f.last_altitude_ft),
               zones = coalesce($10, f.zones),
               score = coalesce(excluded.score, f.score),
               military = coalesce(excluded.military, f.military),
               ended = f.ended OR excluded.ended,
               summary = coalesce(excluded.summary, f.summary)
             RETURNING 1",
        )
        .map_err(sql("preparing flight upserts"))?;
    tx.pipeline(
        &upsert,
        flights.iter().enumerate().map(|(k, f)| {
            vec![
                &f.id as &(dyn ToSql + Sync),
                &f.icao24,
                &f.callsign,
                &f.start_ts,
                &f.end_ts,
                &counts[k],
                &lasts[k].0,
                &lasts[k].1,
                &lasts[k].2,
                &zones[k],
                &f.score,
                &f.military,
                &f.ended,
                &summaries[k],
            ]
        }),
    )
    .map_err(sql("writing flights"))?;
    Ok(())
}

/// An event document's geometries as WKT: where it happened, and the track between the
/// positions its evidence cites (two or more).
pub(super) fn geometries(document: &Value) -> (Option<String>, Option<String>) {
    let point_of = |v: &Value| {
        let lat = v.get("latitude")?.as_f64()?;
        let lon = v.get("longitude")?.as_f64()?;
        (lat.is_finite() && lon.is_finite()).then_some((lon, lat))
    };
    let point = point_of(document).map(|(x, y)| format!("POINT({x} {y})"));
    let mut cited: Vec<(f64, f64)> = document
        .pointer("/evidence/positions")
        .and_then(Value::as_array)
        .map(|ps| ps.iter().filter_map(point_of).collect())
        .unwrap_or_default();
    // Two positions at one place make no line PostGIS finds valid.
    cited.dedup();
    let segment = (cited.len() >= 2).then(|| {
        let coords: Vec<String> = cited.iter().map(|(x, y)| format!("{x} {y}")).collect();
        format!("LINESTRING({})", coords.join(", "))
    });
    (point, segment)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partitions_are_named_by_their_day() {
        assert_eq!(
            partition_name(day_of(1_700_000_000.0)),
            "positions_20231114"
        );
        assert_eq!(day_of(1_700_000_000.0), 1_699_920_000);
        assert_eq!(partition_name(day_of(3_600.0)), "positions_19700101");
    }

    #[test]
    fn an_events_geometries_come_from_its_document() {
        let doc = serde_json::json!({"latitude": 31.0, "longitude": -117.0, "evidence":
            {"positions": [{"latitude": 30.9, "longitude": -117.1}, {"latitude": 31.1, "longitude": -116.9}]}});
        let (p, s) = geometries(&doc);
        assert_eq!(p.as_deref(), Some("POINT(-117 31)"));
        assert_eq!(s.as_deref(), Some("LINESTRING(-117.1 30.9, -116.9 31.1)"));
        assert_eq!(
            geometries(&serde_json::json!({"type": "flight"})),
            (None, None)
        );
    }
}
