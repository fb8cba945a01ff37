//! Reports of events kept in the store: look up the event, its flight record and track, the
//! zones to draw, and render.

use vigia_store::{Store, StoreError};
use vigia_zones::ZoneSet;

use crate::incident::{render, Incident, TrackPoint, ZoneShape};

/// Render the report of stored event `id`; `None` when there is no such event.
///
/// `zones` supplies the polygons drawn: the event's zone first, then the others of the set.
pub fn report_from_store(
    store: &Store,
    id: i64,
    zones: &ZoneSet,
    generator: &str,
) -> Result<Option<String>, StoreError> {
    let Some(event) = store.event(id)? else {
        return Ok(None);
    };
    let flight = store.flight(&event.flight_id)?;
    let track: Vec<TrackPoint> = store
        .flight_track(&event.flight_id)?
        .iter()
        .map(|p| TrackPoint {
            ts: p.ts,
            lat: p.lat,
            lon: p.lon,
            altitude_ft: p.altitude_ft,
        })
        .collect();
    let mut shapes: Vec<ZoneShape> = zones
        .zones()
        .iter()
        .map(|z| ZoneShape {
            name: &z.name,
            geometry: &z.geometry,
        })
        .collect();
    if let Some(zone) = &event.zone {
        shapes.sort_by_key(|s| s.name != zone.as_str());
    }
    let summary = flight.as_ref().and_then(|f| f.row.summary.as_ref());
    let receivers = store.receivers()?;
    let receiver = receivers
        .iter()
        .map(|r| r.id.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    Ok(Some(render(&Incident {
        event: &event.document,
        flight: summary,
        track: &track,
        zones: shapes,
        receiver: (!receiver.is_empty()).then_some(receiver.as_str()),
        generator,
    })))
}
