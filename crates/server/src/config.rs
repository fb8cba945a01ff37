//! The service's configuration (TOML): one serde struct with defaults, the single source of
//! truth that `vigia run`'s flags override, and [`Config::check`], which validates every value
//! and says precisely which key is wrong.
//!
//! Owns the schema of the whole service — zones, HTTP, store, receivers, sources and listeners,
//! network timing, and (from [`crate::settings`] and `vigia-track`) the pipeline, tracker and
//! alert settings. It opens nothing: [`crate::Service::new`] does, from a [`Checked`] config.
//!
//! ```toml
//! zones = "MEX,USA"
//! [server]
//! listen = "127.0.0.1:8080"
//! token = "a long random string"      # required to change state, and to listen beyond loopback
//! [store]
//! path = "vigia.db"
//! retain_days = 30
//! [receiver]                          # for local CPR decoding
//! lat = 32.5
//! lon = -117.0
//! [[sources]]
//! url = "beast://127.0.0.1:30005"
//! id = "roof"
//! [[listeners]]                       # receivers that push (readsb --net-connector)
//! bind = "127.0.0.1:30104"
//! format = "beast"
//! [[alerts.rules]]
//! name = "sovereignty"
//! types = ["zone_entry", "zone_transit"]
//! zones = ["MEX"]
//! min_score = 0.3
//! [[alerts.sinks]]
//! kind = "file"
//! path = "alerts.jsonl"
//! ```

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use vigia_feed::net::{ClientSettings, SourceSpec};
use vigia_feed::Format;
use vigia_track::TrackerConfig;

use crate::settings::{AlertSettings, DarkSettings, PipelineSettings};

/// An annotated configuration (what `vigia config default` prints): every default, with
/// comments, plus example receivers, alert rules (military near or in MEX, surveillance-like in
/// MEX, a watchlist) and sinks. Kept true by a test: it checks, and apart from its examples it
/// equals [`Config::default`].
pub const EXAMPLE: &str = include_str!("example.toml");

/// A configuration file that cannot be read or parsed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The file could not be read.
    #[error("{path}: cannot read the configuration: {source}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The file is not valid TOML for this schema (the message carries line and column).
    #[error("{path}: {message}")]
    Parse {
        /// The file.
        path: String,
        /// The parser's message, with the offending text.
        message: String,
    },
}

/// The whole configuration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Zones to watch: bundled names, buffers (`MEX+12nm`) or GeoJSON files.
    pub zones: String,
    /// Report closest approaches within this distance of a zone, nautical miles.
    pub approach_nm: f64,
    /// Aircraft database (OpenSky or tar1090-db CSV).
    pub aircraft_db: Option<PathBuf>,
    /// HTTP API.
    pub server: ServerConfig,
    /// Database.
    pub store: StoreConfig,
    /// The receiver's position (local CPR decoding of first frames).
    pub receiver: Option<Position>,
    /// A receivers file (`vigia_feed::Receivers`): each receiver's `connect` becomes a source
    /// (the first sources, in the file's order), and their frames are multilaterated.
    pub receivers: Option<PathBuf>,
    /// Receivers to connect to.
    pub sources: Vec<SourceConfig>,
    /// Ports receivers push to.
    pub listeners: Vec<ListenerConfig>,
    /// Reconnection and stall timing of sources.
    pub network: NetworkConfig,
    /// Pipeline knobs.
    pub pipeline: PipelineSettings,
    /// Tracker settings.
    pub tracker: TrackerConfig,
    /// Alert rules and sinks.
    pub alerts: AlertSettings,
    /// Going dark: gaps and appearances judged against the coverage learned from the traffic.
    pub dark: DarkSettings,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            zones: "MEX,USA".into(),
            approach_nm: 50.0,
            aircraft_db: None,
            server: ServerConfig::default(),
            store: StoreConfig::default(),
            receiver: None,
            receivers: None,
            sources: Vec::new(),
            listeners: Vec::new(),
            network: NetworkConfig::default(),
            pipeline: PipelineSettings::default(),
            tracker: TrackerConfig::default(),
            alerts: AlertSettings::default(),
            dark: DarkSettings::default(),
        }
    }
}

/// `[server]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServerConfig {
    /// Address of the HTTP API. Default 127.0.0.1:8080.
    pub listen: String,
    /// Token for requests that change state; required to listen beyond loopback.
    pub token: Option<String>,
    /// Host names the API may be reached by, besides IP addresses and `localhost`
    /// (`["vigia.example.org"]`). Requests naming another host are refused: that is how a web
    /// page on another site reaches a loopback service (DNS rebinding). Default none.
    pub allowed_hosts: Vec<String>,
    /// Tile servers the map may load images from, as origins (`https://tile.openstreetmap.org`,
    /// `https://*.tile.example.org`). Default none: the map draws the zones and land itself, and
    /// a link with `?tiles=` cannot make it fetch from another host.
    pub tile_hosts: Vec<String>,
    /// Most HTTP connections open at once; more are closed as they arrive (and counted).
    /// Default 1024 (each map keeps one event stream open).
    pub max_connections: usize,
    /// A client must send a request's headers within this, seconds. Default 10: a client
    /// that trickles them (slowloris) is cut off.
    pub header_timeout_s: f64,
    /// A connection with nothing read or written for this long is closed, seconds. Default
    /// 60 (the event stream sends a keep-alive every 15 s).
    pub idle_timeout_s: f64,
    /// At shutdown, requests in flight get this long to finish, seconds. Default 5.
    pub shutdown_timeout_s: f64,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            listen: "127.0.0.1:8080".into(),
            token: None,
            allowed_hosts: Vec::new(),
            tile_hosts: Vec::new(),
            max_connections: 1024,
            header_timeout_s: 10.0,
            idle_timeout_s: 60.0,
            shutdown_timeout_s: 5.0,
        }
    }
}

impl ServerConfig {
    /// The connection limits, as the HTTP server takes them.
    pub fn limits(&self) -> crate::http::ConnectionLimits {
        let s = |v: f64| std::time::Duration::from_secs_f64(v.clamp(0.1, 86_400.0));
        crate::http::ConnectionLimits {
            max_connections: self.max_connections.max(1),
            header_timeout: s(self.header_timeout_s),
            idle_timeout: s(self.idle_timeout_s),
            shutdown_timeout: s(self.shutdown_timeout_s),
        }
    }
}

/// `[store]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StoreConfig {
    /// The SQLite file. Default `vigia.db`.
    pub path: PathBuf,
    /// Positions older than this are deleted (events and their evidence are kept). Default 30.
    pub retain_days: f64,
}

impl Default for StoreConfig {
    fn default() -> Self {
        Self {
            path: "vigia.db".into(),
            retain_days: 30.0,
        }
    }
}

/// A position in degrees.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Position {
    /// Latitude.
    pub lat: f64,
    /// Longitude.
    pub lon: f64,
}

/// `[[sources]]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceConfig {
    /// `beast://host:30005`, `avr://host:30002`, `sbs://host:30003`.
    pub url: String,
    /// Receiver id (default: the URL).
    pub id: Option<String>,
    /// Receiver latitude.
    pub lat: Option<f64>,
    /// Receiver longitude.
    pub lon: Option<f64>,
    /// Antenna height above the WGS-84 ellipsoid, metres. A Beast source with an id, a
    /// position and a height is a receiver of the network: it is multilaterated with the
    /// others (as in a receivers file).
    #[serde(default)]
    pub alt_m: Option<f64>,
    /// Its counter: `12mhz` (default), `gps`, `none`.
    #[serde(default)]
    pub clock: Option<String>,
}

/// `[[listeners]]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListenerConfig {
    /// Address to listen on.
    pub bind: String,
    /// `beast` (default), `avr` or `sbs`.
    #[serde(default = "default_listener_format")]
    pub format: String,
    /// Receiver id (default: `listen:ADDRESS`).
    pub id: Option<String>,
}

fn default_listener_format() -> String {
    "beast".into()
}

/// `[network]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NetworkConfig {
    /// Give up a connection attempt after this long, seconds. Default 5.
    pub connect_timeout_s: f64,
    /// A connection silent this long is replaced, seconds. Default 90: longer than the 60 s
    /// heartbeat dump1090 sends on a quiet Beast port, so a receiver with no traffic in range
    /// is not reconnected every minute.
    pub stall_timeout_s: f64,
    /// First reconnection delay, seconds (doubles, with jitter). Default 0.5.
    pub backoff_initial_s: f64,
    /// Longest reconnection delay, seconds. Default 30.
    pub backoff_max_s: f64,
}

impl Default for NetworkConfig {
    fn default() -> Self {
        Self {
            connect_timeout_s: 5.0,
            stall_timeout_s: 90.0,
            backoff_initial_s: 0.5,
            backoff_max_s: 30.0,
        }
    }
}

/// A source or listener, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckedSource {
    /// What and where.
    pub spec: SourceSpec,
    /// Listen rather than connect.
    pub listen: bool,
    /// A receiver of the receivers file that pushes: no task of its own, its frames arrive
    /// through a listener, told apart by the id it announces in band.
    pub pushes: bool,
}

/// Everything `vigia run` needs, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Checked {
    /// The configuration.
    pub config: Config,
    /// API address.
    pub listen: SocketAddr,
    /// Sources and listeners, in index order.
    pub sources: Vec<CheckedSource>,
    /// The receivers of the receivers file, if one was given: source `i` is receiver `i`.
    pub network: Vec<vigia_feed::Receiver>,
    /// Source timing.
    pub client: ClientSettings,
}

impl Checked {
    /// What is allowed but risky: a frame listener reachable beyond this machine lets anyone
    /// who can reach the port inject invented aircraft.
    pub fn warnings(&self) -> Vec<String> {
        self.sources
            .iter()
            .filter(|s| s.listen)
            .filter(|s| {
                s.spec
                    .address
                    .parse::<SocketAddr>()
                    .map_or(true, |a| !a.ip().is_loopback())
            })
            .map(|s| {
                format!(
                    "source {:?} listens on {}: anyone who can reach that port can feed it \
                     invented aircraft; listen on 127.0.0.1 or firewall the port to your receivers",
                    s.spec.id, s.spec.address
                )
            })
            .collect()
    }
}

fn seconds(name: &str, value: f64, problems: &mut Vec<String>) -> Duration {
    if value.is_finite() && value > 0.0 && value < 86_400.0 {
        Duration::from_secs_f64(value)
    } else {
        problems.push(format!(
            "{name}: {value} is not a number of seconds between 0 and 86400"
        ));
        Duration::from_secs(1)
    }
}

impl Config {
    /// Read and parse a file (TOML errors carry line, column and the offending text).
    pub fn read(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.display().to_string(),
            source,
        })?;
        Self::parse(&text).map_err(|message| ConfigError::Parse {
            path: path.display().to_string(),
            message,
        })
    }

    /// Parse TOML text.
    pub fn parse(text: &str) -> Result<Config, String> {
        toml::from_str(text).map_err(|e| e.to_string())
    }

    /// Check everything that can be checked without opening sockets or files; every problem
    /// is listed with the key it concerns.
    pub fn check(self) -> std::result::Result<Checked, Vec<String>> {
        let mut problems = Vec::new();
        let listen: Option<SocketAddr> = match self.server.listen.parse() {
            Ok(a) => Some(a),
            Err(_) => {
                problems.push(format!(
                    "server.listen: {:?} is not an address like 127.0.0.1:8080",
                    self.server.listen
                ));
                None
            }
        };
        if let Some(a) = listen {
            if let Err(e) = crate::http::check_exposure(a, self.server.token.as_deref()) {
                problems.push(format!("server.listen: {e}"));
            }
        }
        if let Err(e) = vigia_zones::ZoneSet::parse_spec(&self.zones) {
            problems.push(format!("zones: {e}"));
        }
        if !(self.store.retain_days.is_finite() && self.store.retain_days > 0.0) {
            problems.push(format!(
                "store.retain_days: {} is not a positive number of days",
                self.store.retain_days
            ));
        }
        let position_ok =
            |lat: f64, lon: f64| (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon);
        if let Some(p) = self.receiver {
            if !position_ok(p.lat, p.lon) {
                problems.push(format!(
                    "receiver: {}, {} is not a latitude, longitude",
                    p.lat, p.lon
                ));
            }
        }
        let mut sources = Vec::new();
        let mut network = Vec::new();
        if let Some(path) = &self.receivers {
            match vigia_feed::Receivers::load(path) {
                Ok(receivers) => {
                    let beast_listener = self
                        .listeners
                        .iter()
                        .any(|l| l.format.parse::<Format>().is_ok_and(|f| f == Format::Beast));
                    for r in receivers.list {
                        let Some(url) = &r.connect else {
                            if r.tag.is_some() && beast_listener {
                                sources.push(CheckedSource {
                                    spec: SourceSpec {
                                        id: r.id.clone(),
                                        format: Format::Beast,
                                        address: "(pushes)".into(),
                                        position: Some((r.lat, r.lon)),
                                        alt_m: Some(r.alt_m),
                                        clock: Some(r.clock),
                                    },
                                    listen: false,
                                    pushes: true,
                                });
                                network.push(r);
                                continue;
                            }
                            problems.push(format!(
                                "receivers: {}: receiver {:?} has no connect = \"beast://HOST:PORT\" \
                                 (a receiver that pushes needs a uuid = \"…\" and a Beast listener, \
                                 [[listeners]] or --accept)",
                                path.display(),
                                r.id
                            ));
                            continue;
                        };
                        match url.parse::<SourceSpec>() {
                            Ok(mut spec) if spec.format == Format::Beast => {
                                spec.id = r.id.clone();
                                spec.position = Some((r.lat, r.lon));
                                spec.alt_m = Some(r.alt_m);
                                spec.clock = Some(r.clock);
                                sources.push(CheckedSource {
                                    spec,
                                    listen: false,
                                    pushes: false,
                                });
                                network.push(r);
                            }
                            Ok(_) => problems.push(format!(
                                "receivers: {}: receiver {:?}: multilateration needs a Beast feed (beast://)",
                                path.display(),
                                r.id
                            )),
                            Err(e) => problems.push(format!(
                                "receivers: {}: receiver {:?}: {e}",
                                path.display(),
                                r.id
                            )),
                        }
                    }
                }
                Err(e) => problems.push(format!("receivers: {e}")),
            }
        }
        let mut plain = Vec::new();
        for (i, s) in self.sources.iter().enumerate() {
            match s.url.parse::<SourceSpec>() {
                Ok(mut spec) => {
                    if let Some(id) = &s.id {
                        spec.id = id.clone();
                    }
                    match (s.lat, s.lon) {
                        (Some(lat), Some(lon)) if position_ok(lat, lon) => {
                            spec.position = Some((lat, lon))
                        }
                        (Some(lat), Some(lon)) => problems.push(format!(
                            "sources[{i}]: {lat}, {lon} is not a latitude, longitude in degrees"
                        )),
                        (None, None) => {}
                        _ => problems
                            .push(format!("sources[{i}]: give both lat and lon, or neither")),
                    }
                    spec.alt_m = s.alt_m.or(spec.alt_m);
                    if let Some(clock) = &s.clock {
                        match clock.parse() {
                            Ok(c) => spec.clock = Some(c),
                            Err(()) => problems.push(format!(
                                "sources[{i}].clock: {clock:?}; expected 12mhz, gps or none"
                            )),
                        }
                    }
                    if spec.alt_m.is_some() {
                        // A receiver of the network, described here rather than in a file.
                        match network_receiver(&spec) {
                            Ok(receiver) => {
                                sources.push(CheckedSource {
                                    spec,
                                    listen: false,
                                    pushes: false,
                                });
                                network.push(receiver);
                            }
                            Err(e) => problems.push(format!("sources[{i}]: {e}")),
                        }
                        continue;
                    }
                    plain.push(CheckedSource {
                        spec,
                        listen: false,
                        pushes: false,
                    });
                }
                Err(e) => problems.push(format!("sources[{i}].url: {e}")),
            }
        }
        sources.extend(plain);
        for (i, l) in self.listeners.iter().enumerate() {
            let format = match l.format.parse::<Format>() {
                Ok(f @ (Format::Beast | Format::Avr | Format::Sbs)) => Some(f),
                _ => {
                    problems.push(format!(
                        "listeners[{i}].format: {:?}; expected beast, avr or sbs",
                        l.format
                    ));
                    None
                }
            };
            match (l.bind.parse::<SocketAddr>(), format) {
                (Ok(_), None) => {}
                (Ok(a), Some(format)) => sources.push(CheckedSource {
                    spec: SourceSpec {
                        id: l.id.clone().unwrap_or_else(|| format!("listen:{a}")),
                        format,
                        address: a.to_string(),
                        position: None,
                        alt_m: None,
                        clock: None,
                    },
                    listen: true,
                    pushes: false,
                }),
                (Err(_), _) => problems.push(format!(
                    "listeners[{i}].bind: {:?} is not an address like 127.0.0.1:30104",
                    l.bind
                )),
            }
        }
        if sources.len() > usize::from(u16::MAX) {
            problems.push("sources: too many".into());
        }
        let mut ids: Vec<&str> = sources.iter().map(|s| s.spec.id.as_str()).collect();
        ids.sort_unstable();
        for w in ids.windows(2) {
            if w[0] == w[1] {
                problems.push(format!("sources: id {:?} is used twice", w[0]));
            }
        }
        let n = &self.network;
        let client = ClientSettings {
            connect_timeout: seconds(
                "network.connect_timeout_s",
                n.connect_timeout_s,
                &mut problems,
            ),
            stall_timeout: seconds("network.stall_timeout_s", n.stall_timeout_s, &mut problems),
            backoff_initial: seconds(
                "network.backoff_initial_s",
                n.backoff_initial_s,
                &mut problems,
            ),
            backoff_max: seconds("network.backoff_max_s", n.backoff_max_s, &mut problems),
        };
        let p = &self.pipeline;
        if p.queue_capacity == 0 {
            problems.push("pipeline.queue_capacity: must be at least 1".into());
        }
        for host in &self.server.tile_hosts {
            if !crate::http::web::valid_tile_host(host) {
                problems.push(format!(
                    "server.tile_hosts: {host:?} is not an origin like https://tile.example.org"
                ));
            }
        }
        // Every number has a range: NaN, negative or absurd values (a 1e-9 s backoff
        // reconnects thousands of times a second) are refused with the key named.
        let mut within = |key: &str, v: f64, lo: f64, hi: f64, unit: &str| {
            let named = problems.iter().any(|p| p.starts_with(key));
            if !(lo..=hi).contains(&v) && !named {
                problems.push(format!("{key}: {v} is not within {lo}..={hi} {unit}"));
            }
        };
        within(
            "network.connect_timeout_s",
            n.connect_timeout_s,
            0.1,
            300.0,
            "s",
        );
        within(
            "network.stall_timeout_s",
            n.stall_timeout_s,
            1.0,
            3600.0,
            "s",
        );
        within(
            "network.backoff_initial_s",
            n.backoff_initial_s,
            0.01,
            60.0,
            "s",
        );
        within(
            "network.backoff_max_s",
            n.backoff_max_s,
            n.backoff_initial_s.max(0.01),
            3600.0,
            "s (and at least backoff_initial_s)",
        );
        let v = &self.server;
        within(
            "server.max_connections",
            v.max_connections as f64,
            1.0,
            100_000.0,
            "",
        );
        within(
            "server.header_timeout_s",
            v.header_timeout_s,
            1.0,
            300.0,
            "s",
        );
        // Above the event stream's 15 s keep-alive, or quiet streams would be cut.
        within("server.idle_timeout_s", v.idle_timeout_s, 30.0, 3600.0, "s");
        within(
            "server.shutdown_timeout_s",
            v.shutdown_timeout_s,
            0.0,
            300.0,
            "s",
        );
        within(
            "pipeline.flood_burst",
            f64::from(p.flood_burst),
            1.0,
            100_000.0,
            "",
        );
        within(
            "pipeline.flood_events_per_minute",
            f64::from(p.flood_events_per_minute),
            1.0,
            1_000_000.0,
            "",
        );
        within("pipeline.dedup_window_s", p.dedup_window_s, 0.0, 10.0, "s");
        within("pipeline.flush_ms", p.flush_ms as f64, 10.0, 60_000.0, "ms");
        within(
            "pipeline.snapshot_ms",
            p.snapshot_ms as f64,
            100.0,
            60_000.0,
            "ms",
        );
        within(
            "pipeline.position_interval_s",
            p.position_interval_s,
            0.0,
            3600.0,
            "s",
        );
        within(
            "pipeline.live_timeout_s",
            p.live_timeout_s,
            1.0,
            86_400.0,
            "s",
        );
        let t = &self.tracker;
        within(
            "tracker.trusted_after",
            f64::from(t.trusted_after),
            1.0,
            10.0,
            "positions",
        );
        within("tracker.flight_gap_s", t.flight_gap_s, 60.0, 86_400.0, "s");
        within(
            "tracker.expire_after_s",
            t.expire_after_s,
            10.0,
            86_400.0,
            "s",
        );
        within(
            "tracker.reorder_window_s",
            t.reorder_window_s,
            0.0,
            60.0,
            "s",
        );
        within(
            "tracker.retrust_after_s",
            t.retrust_after_s,
            1.0,
            3600.0,
            "s",
        );
        within("tracker.ground_split_s", t.ground_split_s, 0.0, 3600.0, "s");
        within(
            "tracker.max_aircraft",
            t.max_aircraft as f64,
            100.0,
            10_000_000.0,
            "aircraft",
        );
        within(
            "tracker.unconfirmed_expire_s",
            t.unconfirmed_expire_s,
            1.0,
            86_400.0,
            "s",
        );
        within(
            "tracker.quiet_after_s",
            t.quiet_after_s,
            10.0,
            86_400.0,
            "s",
        );
        let d = &self.dark;
        within("dark.min_coverage", d.min_coverage, 0.0, 1.0, "");
        within("dark.min_expected", d.min_expected, 0.0, 1e9, "broadcasts");
        within("dark.reliable_ratio", d.reliable_ratio, 0.0, 1.0, "");
        problems.extend(self.alerts.validate());
        match (listen, problems.is_empty()) {
            (Some(listen), true) => Ok(Checked {
                config: self,
                listen,
                sources,
                network,
                client,
            }),
            _ => Err(problems),
        }
    }
}

/// A source that says where it is and how high (`alt_m`, or `alt=` in its URL) as a receiver
/// of the network, checked as a receivers file's entry would be.
fn network_receiver(spec: &SourceSpec) -> Result<vigia_feed::Receiver, String> {
    if spec.format != Format::Beast {
        return Err("multilateration needs a Beast feed (beast://)".into());
    }
    let Some((lat, lon)) = spec.position else {
        return Err("a receiver with alt_m needs lat and lon too".into());
    };
    if spec.id.contains("://") {
        return Err(format!(
            "{}: a receiver of the network needs an id (id = \"…\" or ?id= in its URL)",
            spec.url()
        ));
    }
    let entry = format!(
        "[[receiver]]\nid = {:?}\nlat = {lat}\nlon = {lon}\nalt_m = {}\nclock = {:?}\nconnect = {:?}\n",
        spec.id,
        spec.alt_m.unwrap_or(0.0),
        spec.clock.unwrap_or(vigia_feed::ClockName::Beast12MHz).name(),
        spec.url()
    );
    vigia_feed::Receivers::parse(&entry, &spec.id, Path::new("."))
        .map_err(|e| e.to_string())?
        .pop()
        .ok_or_else(|| "no receiver".to_string())
}

/// The multilateration stations of a receivers file's receivers, in its order (jitter: the
/// file's, else the clock kind's typical).
pub fn mlat_stations(receivers: &[vigia_feed::Receiver]) -> Vec<vigia_mlat::Station> {
    receivers
        .iter()
        .map(|r| {
            let clock = match r.clock {
                vigia_feed::ClockName::Beast12MHz => vigia_mlat::ClockKind::Beast12MHz,
                vigia_feed::ClockName::Gps => vigia_mlat::ClockKind::Gps,
                vigia_feed::ClockName::None => vigia_mlat::ClockKind::None,
            };
            vigia_mlat::Station {
                position: vigia_mlat::Geodetic::new(r.lat, r.lon, r.alt_m),
                clock,
                jitter_s: r.jitter_ns.map_or(clock.jitter_s(), |ns| ns * 1e-9),
            }
        })
        .collect()
}

#[cfg(test)]
#[path = "config_tests.rs"]
mod tests;
