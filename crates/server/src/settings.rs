//! The service's settings that this crate reads: the pipeline's knobs, the alert rules and
//! sinks, and when going dark is an event (`[dark]`). Plain serde structs with defaults (the
//! binary's TOML file embeds them; its flags override them), checked by
//! [`AlertSettings::validate`].

use hyper::Uri;
use serde::{Deserialize, Serialize};

/// Settings of the pipeline thread.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PipelineSettings {
    /// Records the queue between sources and pipeline holds before dropping the oldest.
    /// Default 65 536: a third of a second at 200 k frames/s, which also bounds how stale a
    /// frame can be when it is processed (and so the alert latency under overload).
    pub queue_capacity: usize,
    /// The same frame from several receivers within this many seconds is kept once.
    /// Default 0.25.
    pub dedup_window_s: f64,
    /// Positions are written in one transaction every this many milliseconds. Default 250.
    pub flush_ms: u64,
    /// Keep at most one position per aircraft per this many seconds in the store (events keep
    /// their own evidence). Default 1.
    pub position_interval_s: f64,
    /// The live aircraft snapshot (API, stream) is published every this many milliseconds.
    /// Default 1000.
    pub snapshot_ms: u64,
    /// Aircraft not heard for this long leave the live table, seconds. Default 60.
    pub live_timeout_s: f64,
    /// Events of one type stored one by one at once before the budget applies. Default 30.
    pub flood_burst: u32,
    /// Events of one type stored one by one per minute past the burst; more, from aircraft
    /// first heard minutes before, are counted into one `flood` event. Default 60.
    pub flood_events_per_minute: u32,
}

impl Default for PipelineSettings {
    fn default() -> Self {
        Self {
            queue_capacity: 1 << 16,
            dedup_window_s: 0.25,
            flush_ms: 250,
            position_interval_s: 1.0,
            snapshot_ms: 1000,
            live_timeout_s: 60.0,
            flood_burst: 30,
            flood_events_per_minute: 60,
        }
    }
}

/// Alert rules and where alerts go.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AlertSettings {
    /// Rules; an event alerts once per rule it matches (subject to hysteresis).
    pub rules: Vec<AlertRule>,
    /// Sinks; every alert goes to every sink.
    pub sinks: Vec<SinkSettings>,
    /// Alerts one rule sends per minute (a third of them at once); past it, alerts are not
    /// sent one by one but counted, and one summary alert per minute names how many and the
    /// range of their event ids (the events are all in the store). Default 60.
    pub max_per_minute: u32,
    /// Where people open the map (`https://vigia.example.org`): the links in chat alerts
    /// point there. Default `http://` and the server's listen address.
    pub public_url: Option<String>,
}

impl Default for AlertSettings {
    fn default() -> Self {
        Self {
            rules: Vec::new(),
            sinks: Vec::new(),
            max_per_minute: 60,
            public_url: None,
        }
    }
}

/// Which events alert.
///
/// Conditions combine with AND; the identity conditions (`military`, `isr_type`,
/// `watchlist`) combine with OR among themselves: a rule with `military = true` and a
/// watchlist alerts for military aircraft *and* for the listed ones.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AlertRule {
    /// Name shown in alerts.
    pub name: String,
    /// Event types (`zone_entry`, `zone_presence`, `zone_exit`, `zone_transit`, `closest_approach`, `orbit`,
    /// `survey`, `flight`, `flood`, `spoofing_suspected`, `heard_without_position`); empty means
    /// all but `flight` and `heard_without_position`.
    pub types: Vec<String>,
    /// Zones (by name); empty means any (and events without a zone).
    pub zones: Vec<String>,
    /// Lowest surveillance score, 0–1.
    pub min_score: f64,
    /// Require a military aircraft (address block or database flag).
    pub military: bool,
    /// Require a surveillance-capable type (aircraft database).
    pub isr_type: bool,
    /// ICAO addresses (hex) that match whatever their identity.
    pub watchlist: Vec<String>,
    /// Receiver ids: only events heard by one of them match — an aircraft heard without a
    /// position (the receivers that heard it) or a claim resting on multilateration (the
    /// receivers of its positions). Empty means any; events that name no receiver (a single
    /// receiver's ADS-B) do not match a rule that lists some.
    pub receivers: Vec<String>,
    /// A flight that leaves a zone and comes back within this many seconds is still in the
    /// same episode (no second alert). Default 1800.
    pub rearm_after_s: f64,
}

impl Default for AlertRule {
    fn default() -> Self {
        Self {
            name: "alert".into(),
            types: Vec::new(),
            zones: Vec::new(),
            min_score: 0.0,
            military: false,
            isr_type: false,
            watchlist: Vec::new(),
            receivers: Vec::new(),
            rearm_after_s: 1800.0,
        }
    }
}

/// Where alerts go.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum SinkSettings {
    /// One JSON object per line on standard output.
    Stdout,
    /// One JSON object per line appended to a file.
    File {
        /// The file.
        path: String,
    },
    /// HTTP POST of each alert as JSON, retried with backoff, never blocking the pipeline.
    Webhook {
        /// `http://host:port/path` or `https://…` (certificates checked against the Mozilla
        /// root store bundled in the binary).
        url: String,
        /// Attempts after the first. Default 5.
        #[serde(default = "default_retries")]
        retries: u32,
        /// Per-attempt timeout, seconds. Default 5.
        #[serde(default = "default_timeout_s")]
        timeout_s: f64,
    },
    /// A Telegram chat, through a bot (Bot API `sendMessage`).
    Telegram {
        /// The bot's token (from @BotFather).
        bot_token: String,
        /// The chat: a numeric id (`-100…` for groups and channels) or `@channelname`.
        chat_id: String,
        /// The Bot API's address. Default `https://api.telegram.org`.
        #[serde(default = "default_telegram_api")]
        api_url: String,
        /// Language of the messages. Default `en`.
        #[serde(default)]
        language: Language,
        /// Attempts after the first. Default 5.
        #[serde(default = "default_retries")]
        retries: u32,
        /// Per-attempt timeout, seconds. Default 5.
        #[serde(default = "default_timeout_s")]
        timeout_s: f64,
    },
    /// A Discord channel's webhook.
    Discord {
        /// `https://discord.com/api/webhooks/ID/TOKEN`.
        url: String,
        /// Language of the messages. Default `en`.
        #[serde(default)]
        language: Language,
        /// Attempts after the first. Default 5.
        #[serde(default = "default_retries")]
        retries: u32,
        /// Per-attempt timeout, seconds. Default 5.
        #[serde(default = "default_timeout_s")]
        timeout_s: f64,
    },
    /// A Slack incoming webhook, or a compatible one (Mattermost, Rocket.Chat).
    Slack {
        /// `https://hooks.slack.com/services/…`.
        url: String,
        /// Language of the messages. Default `en`.
        #[serde(default)]
        language: Language,
        /// Attempts after the first. Default 5.
        #[serde(default = "default_retries")]
        retries: u32,
        /// Per-attempt timeout, seconds. Default 5.
        #[serde(default = "default_timeout_s")]
        timeout_s: f64,
    },
    /// A Matrix room (client-server API, an account's access token).
    Matrix {
        /// The homeserver, `https://matrix.example.org`.
        homeserver: String,
        /// The room, `!opaque:example.org` (the account must have joined it).
        room_id: String,
        /// The posting account's access token.
        access_token: String,
        /// Language of the messages. Default `en`.
        #[serde(default)]
        language: Language,
        /// Attempts after the first. Default 5.
        #[serde(default = "default_retries")]
        retries: u32,
        /// Per-attempt timeout, seconds. Default 5.
        #[serde(default = "default_timeout_s")]
        timeout_s: f64,
    },
    /// An ntfy topic (push notifications to phones).
    Ntfy {
        /// The server, `https://ntfy.sh` or a self-hosted one.
        url: String,
        /// The topic.
        topic: String,
        /// An access token for a protected topic.
        #[serde(default)]
        token: Option<String>,
        /// Language of the messages. Default `en`.
        #[serde(default)]
        language: Language,
        /// Attempts after the first. Default 5.
        #[serde(default = "default_retries")]
        retries: u32,
        /// Per-attempt timeout, seconds. Default 5.
        #[serde(default = "default_timeout_s")]
        timeout_s: f64,
    },
}

impl SinkSettings {
    /// The address it posts to, retries and per-attempt timeout, for the sinks that post.
    pub fn delivery(&self) -> Option<(&str, u32, f64)> {
        match self {
            SinkSettings::Stdout | SinkSettings::File { .. } => None,
            SinkSettings::Webhook {
                url,
                retries,
                timeout_s,
            }
            | SinkSettings::Discord {
                url,
                retries,
                timeout_s,
                ..
            }
            | SinkSettings::Slack {
                url,
                retries,
                timeout_s,
                ..
            }
            | SinkSettings::Ntfy {
                url,
                retries,
                timeout_s,
                ..
            }
            | SinkSettings::Telegram {
                api_url: url,
                retries,
                timeout_s,
                ..
            }
            | SinkSettings::Matrix {
                homeserver: url,
                retries,
                timeout_s,
                ..
            } => Some((url, *retries, *timeout_s)),
        }
    }
}

/// The language of messages people read (chat alerts).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    /// English.
    #[default]
    En,
    /// Spanish.
    Es,
}

fn default_telegram_api() -> String {
    "https://api.telegram.org".into()
}

fn default_retries() -> u32 {
    5
}

fn default_timeout_s() -> f64 {
    5.0
}

/// Event type names an alert rule may list.
pub const EVENT_TYPES: [&str; 15] = [
    "zone_entry",
    "zone_presence",
    "zone_exit",
    "zone_transit",
    "closest_approach",
    "orbit",
    "survey",
    "flight",
    "flood",
    "spoofing_suspected",
    "heard_without_position",
    "signal_lost",
    "signal_regained",
    "inferred_crossing",
    "appeared_inside",
];

impl AlertSettings {
    /// Problems a person must fix, each naming the rule or sink (`alerts.rules[0].types`).
    pub fn validate(&self) -> Vec<String> {
        let mut problems = Vec::new();
        for (i, rule) in self.rules.iter().enumerate() {
            for t in &rule.types {
                if !EVENT_TYPES.contains(&t.as_str()) {
                    problems.push(format!(
                        "alerts.rules[{i}].types: unknown event type {t:?}; expected one of {}",
                        EVENT_TYPES.join(", ")
                    ));
                }
            }
            if !(0.0..=1.0).contains(&rule.min_score) {
                problems.push(format!(
                    "alerts.rules[{i}].min_score: {} is not between 0 and 1",
                    rule.min_score
                ));
            }
            for a in &rule.watchlist {
                if a.len() != 6 || !a.chars().all(|c| c.is_ascii_hexdigit()) {
                    problems.push(format!(
                        "alerts.rules[{i}].watchlist: {a:?} is not a 24-bit ICAO address (6 hex digits)"
                    ));
                }
            }
            if rule.rearm_after_s.is_nan() || rule.rearm_after_s < 0.0 {
                problems.push(format!(
                    "alerts.rules[{i}].rearm_after_s: must be 0 or more seconds"
                ));
            }
        }
        if !(1..=100_000).contains(&self.max_per_minute) {
            problems.push(format!(
                "alerts.max_per_minute: {} is not within 1..=100000",
                self.max_per_minute
            ));
        }
        if let Some(url) = &self.public_url {
            if let Err(e) = parse_http_url(url) {
                problems.push(format!("alerts.public_url: {e}"));
            }
        }
        for (i, sink) in self.sinks.iter().enumerate() {
            if let Some((url, _, timeout_s)) = sink.delivery() {
                let key = match sink {
                    SinkSettings::Telegram { .. } => "api_url",
                    SinkSettings::Matrix { .. } => "homeserver",
                    _ => "url",
                };
                if let Err(e) = parse_http_url(url) {
                    problems.push(format!("alerts.sinks[{i}].{key}: {e}"));
                }
                if timeout_s.is_nan() || timeout_s <= 0.0 {
                    problems.push(format!(
                        "alerts.sinks[{i}].timeout_s: must be more than 0 seconds"
                    ));
                }
            }
        }
        problems
    }
}

/// Check that `url` is `http(s)://host[:port]/path` (a sink's address). Errors show the
/// address without its path, query or user (a webhook's path carries its token).
pub fn parse_http_url(url: &str) -> Result<Uri, String> {
    let shown = redacted(url);
    let uri: Uri = url
        .parse()
        .map_err(|e| format!("{shown:?} is not a URL: {e}"))?;
    match uri.scheme_str() {
        Some("http" | "https") => {}
        _ => return Err(format!("{shown:?}: expected http(s)://HOST[:PORT]/PATH")),
    }
    if uri.host().is_none_or(str::is_empty) {
        return Err(format!("{shown:?}: no host"));
    }
    Ok(uri)
}

/// `scheme://host[:port]/…` of a URL: no user, password, path or query.
pub fn redacted(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let tail = if rest.len() > authority.len() {
        "/…"
    } else {
        ""
    };
    if scheme.is_empty() {
        format!("{host}{tail}")
    } else {
        format!("{scheme}://{host}{tail}")
    }
}

/// `[dark]`: when a gap in a flight's signal, or a flight first heard inside a zone, is an
/// event (`vigia_detect::dark`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DarkSettings {
    /// Learn the coverage model and raise `signal_lost`, `signal_regained`,
    /// `inferred_crossing` and `appeared_inside`.
    pub enabled: bool,
    /// Share of position broadcasts the receivers must hear where a gap or an appearance is
    /// judged, 0–1. Default 0.99 (a network); one receiver rarely reaches it: 0.8 suits a
    /// single station.
    pub min_coverage: f64,
    /// Broadcasts that share must rest on. Default 100.
    pub min_expected: f64,
    /// Share of its broadcasts a flight must have been heard at in the minute before a gap.
    /// Default 0.8.
    pub reliable_ratio: f64,
}

impl Default for DarkSettings {
    fn default() -> Self {
        let d = vigia_detect::dark::DarkConfig::default();
        Self {
            enabled: d.enabled,
            min_coverage: d.min_coverage,
            min_expected: d.min_expected,
            reliable_ratio: d.reliable_ratio,
        }
    }
}

impl DarkSettings {
    /// The detection stage's settings.
    pub fn detect(&self) -> vigia_detect::dark::DarkConfig {
        vigia_detect::dark::DarkConfig {
            enabled: self.enabled,
            min_coverage: self.min_coverage,
            min_expected: self.min_expected,
            reliable_ratio: self.reliable_ratio,
            ..vigia_detect::dark::DarkConfig::default()
        }
    }
}
