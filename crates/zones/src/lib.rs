//! Airspace zones for vigia: sovereign, land and custom polygons; an exact O(1) point-in-zone index; geodesic
//! distance to a zone's boundary; boundary crossings between timed positions; buffered zones (`MEX+50nm`).
//!
//! This crate knows no aircraft and does no I/O beyond reading a GeoJSON file it is asked to read. It answers
//! the question at the heart of vigia — was this position inside that country's sovereign airspace, and when
//! exactly did the path cross the boundary — for the `detect` stage and the `vigia zones` command.
//!
//! ```
//! use vigia_zones::{Direction, TimedPoint, ZoneIndex, ZoneSet};
//!
//! let zones = ZoneSet::bundled(&["MEX", "USA"])?;
//! let index = ZoneIndex::new(&zones);
//! let (mex, usa) = (index.id("MEX").expect("bundled"), index.id("USA").expect("bundled"));
//! assert!(index.contains(mex, 32.5149, -117.0382)); // Tijuana
//! assert!(index.contains(usa, 32.7157, -117.1611)); // San Diego
//!
//! // Northbound over the border at San Ysidro, samples 60 s apart.
//! let before = TimedPoint { ts: 0.0, latitude: 32.50, longitude: -117.03 };
//! let after = TimedPoint { ts: 60.0, latitude: 32.58, longitude: -117.03 };
//! let crossing = index.crossings(mex, before, after);
//! assert_eq!(crossing.len(), 1);
//! assert_eq!(crossing[0].direction, Direction::Exit);
//! assert!(crossing[0].ts > 0.0 && crossing[0].ts < 60.0);
//! # Ok::<(), vigia_zones::SpecError>(())
//! ```
//!
//! Modules, in pipeline order: [`geojson`] reads files into [`polygon`]s; [`zone`] names and combines them;
//! [`grid`] (exact, per [`predicates`]) and [`distance`] (on the model of [`sphere`]) prepare them; [`index`]
//! answers point queries and [`crossing`] path queries; [`buffer`] draws buffered zones for export.
#![deny(missing_docs)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

pub mod buffer;
pub mod bundled;
pub mod crossing;
pub mod distance;
pub mod error;
pub mod geojson;
pub mod grid;
pub mod index;
pub mod polygon;
pub mod predicates;
pub mod simplify;
pub mod sphere;
#[cfg(test)]
mod testing;
pub mod zone;

pub use bundled::{BundledZone, BUNDLED};
pub use crossing::{ClosestApproach, Crossing, Direction, TimedPoint};
pub use distance::NearestBoundary;
pub use error::{FeatureRef, GeometryProblem, LoadError, LoadWarning, Repair, SpecError};
pub use geojson::ZoneKind;
pub use index::{LandTerritory, ZoneId, ZoneIndex};
pub use zone::{Zone, ZoneSet};
