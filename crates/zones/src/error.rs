//! Errors and warnings of loading zones: which file, which feature, what is wrong with it.
//!
//! Owns the error vocabulary of the crate. Queries on a built index never fail (a point that is not a
//! coordinate is answered `false` / `None`), so every enum here is about input files and zone specs.

use std::fmt;

/// Where a feature sits in its file: its index among the file's features and, once known, its name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeatureRef {
    /// Zero-based index of the feature in the file's `features` array (0 for a bare geometry).
    pub index: usize,
    /// The zone name read from the feature's properties, when it has one.
    pub name: Option<String>,
}

impl fmt::Display for FeatureRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.name {
            Some(name) => write!(f, "feature #{} (\"{name}\")", self.index),
            None => write!(f, "feature #{}", self.index),
        }
    }
}

/// What is wrong with one feature's geometry or properties.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum GeometryProblem {
    /// The feature has no geometry, or a polygon without rings, or only empty rings.
    #[error("empty geometry")]
    Empty,
    /// A geometry type other than `Polygon` or `MultiPolygon`.
    #[error("unsupported geometry type `{0}` (zones are Polygon or MultiPolygon)")]
    UnsupportedType(String),
    /// The JSON shape is not that of GeoJSON coordinates (e.g. a position that is not an array of numbers).
    #[error("malformed coordinates: {0}")]
    Malformed(&'static str),
    /// A longitude outside [-180, 180] or a latitude outside [-90, 90].
    #[error("ring {ring}, vertex {vertex}: coordinate out of range (longitude {longitude}, latitude {latitude})")]
    OutOfRange {
        /// Zero-based ring index within the feature (exteriors and holes counted in file order).
        ring: usize,
        /// Zero-based vertex index within the ring.
        vertex: usize,
        /// The offending longitude, degrees.
        longitude: f64,
        /// The offending latitude, degrees.
        latitude: f64,
    },
    /// A ring with fewer than three distinct vertices.
    #[error("ring {ring}: fewer than 3 distinct vertices")]
    TooFewVertices {
        /// Zero-based ring index within the feature.
        ring: usize,
    },
    /// Two edges cross each other or overlap along a stretch (touching at a point is allowed).
    #[error(
        "self-intersection: ring {ring_a} edge {edge_a} crosses ring {ring_b} edge {edge_b} \
         near longitude {longitude:.6}, latitude {latitude:.6}"
    )]
    SelfIntersection {
        /// Ring of the first edge.
        ring_a: usize,
        /// Edge index (from vertex `edge_a` to the next) within `ring_a`.
        edge_a: usize,
        /// Ring of the second edge.
        ring_b: usize,
        /// Edge index within `ring_b`.
        edge_b: usize,
        /// Approximate longitude of the intersection, degrees.
        longitude: f64,
        /// Approximate latitude of the intersection, degrees.
        latitude: f64,
    },
    /// A property vigia reads (`kind`, `floor_ft`, `ceiling_ft`) has a value it cannot use.
    #[error("property `{property}`: {reason}")]
    BadProperty {
        /// The property's key.
        property: &'static str,
        /// Why the value is not usable.
        reason: &'static str,
    },
}

/// Why a GeoJSON file or text could not be loaded as zones.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LoadError {
    /// The file could not be read. (The cause is part of the message rather than a `source()`, so that
    /// error chains do not print it twice.)
    #[error("{file}: cannot read: {cause}")]
    Io {
        /// The path as given.
        file: String,
        /// The I/O error.
        cause: std::io::Error,
    },
    /// A bundled file could not be decompressed (a build problem, not a user one).
    #[error("{file}: cannot decompress the bundled data: {cause}")]
    Decompress {
        /// The bundled file's name.
        file: String,
        /// The decoder's error.
        cause: std::io::Error,
    },
    /// The text is not JSON.
    #[error("{file}: invalid JSON: {cause}")]
    Json {
        /// The path or bundled name.
        file: String,
        /// The parser's error, with line and column.
        cause: serde_json::Error,
    },
    /// The JSON is not a GeoJSON FeatureCollection, Feature, Polygon or MultiPolygon.
    #[error("{file}: not GeoJSON: {reason}")]
    NotGeoJson {
        /// The path or bundled name.
        file: String,
        /// What was expected.
        reason: &'static str,
    },
    /// The file holds no feature at all.
    #[error("{file}: no features")]
    NoFeatures {
        /// The path or bundled name.
        file: String,
    },
    /// One feature is unusable.
    #[error("{file}: {feature}: {problem}")]
    Feature {
        /// The path or bundled name.
        file: String,
        /// Which feature.
        feature: FeatureRef,
        /// What is wrong with it.
        problem: GeometryProblem,
    },
}

/// Why a zone spec such as `MEX,USA+12nm,area.geojson` could not be turned into zones.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SpecError {
    /// The spec, or one of its comma-separated items, is empty.
    #[error("empty zone spec item in `{spec}`")]
    Empty {
        /// The whole spec.
        spec: String,
    },
    /// Neither a bundled zone name nor an existing `.geojson`/`.json` path.
    #[error("unknown zone `{item}`: not a bundled zone ({bundled}) nor a .geojson file")]
    Unknown {
        /// The item as written.
        item: String,
        /// The bundled names, comma separated, for the message.
        bundled: String,
    },
    /// A `+N nm` buffer suffix that is not a non-negative number of nautical miles.
    #[error("bad buffer in `{item}`: expected `+<number>nm`, e.g. `MEX+12nm`")]
    BadBuffer {
        /// The item as written.
        item: String,
    },
    /// A file named in the spec could not be loaded.
    #[error(transparent)]
    Load(#[from] LoadError),
}

/// A problem vigia repaired while loading, reported so the user can fix the source file.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadWarning {
    /// The path or bundled name.
    pub file: String,
    /// Which feature.
    pub feature: FeatureRef,
    /// What was repaired.
    pub repair: Repair,
}

/// The repairs vigia makes instead of refusing a file.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Repair {
    /// A ring whose last position differs from its first was closed by joining them.
    ClosedRing {
        /// Zero-based ring index within the feature.
        ring: usize,
    },
    /// Consecutive repeated positions were dropped (they carry no edge).
    DroppedRepeatedVertices {
        /// How many positions were dropped across the feature.
        count: usize,
    },
}

impl fmt::Display for LoadWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.repair {
            Repair::ClosedRing { ring } => write!(
                f,
                "{}: {}: ring {ring} was not closed; closed it by joining its last vertex to its first",
                self.file, self.feature
            ),
            Repair::DroppedRepeatedVertices { count } => write!(
                f,
                "{}: {}: dropped {count} repeated consecutive vertices",
                self.file, self.feature
            ),
        }
    }
}
