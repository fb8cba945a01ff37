//! Integration tests of vigia-zones: the bundled boundaries, known places, a differential test against georust
//! `geo`, property tests, and crossings on synthetic paths and a real flight.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod bundled;
mod crossings;
mod differential;
mod export;
mod places;
mod properties;
mod support;

#[cfg(unix)]
#[test]
fn an_endless_zone_file_is_refused_at_the_limit() {
    // `--zones /dev/zero` read until memory ran out.
    let error = vigia_zones::ZoneSet::from_geojson("/dev/zero").unwrap_err();
    assert!(error.to_string().contains("larger than 128 MiB"), "{error}");
}
