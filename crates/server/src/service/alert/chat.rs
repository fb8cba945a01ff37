//! Chat presets for the alert sinks: Telegram, Discord, Slack-compatible, Matrix and ntfy.
//!
//! Owns turning one alert document (the line a webhook would post) into the text people read —
//! what happened, to which aircraft, where, when, how strong the evidence is, the rule, and
//! links to the map and the incident report — in English or Spanish, and into the HTTP request
//! each service documents:
//!
//! - Telegram Bot API `sendMessage` (`POST {api}/bot{token}/sendMessage`, JSON `chat_id`,
//!   `text`);
//! - Discord webhooks (`POST url`, JSON `content`, mentions disabled);
//! - Slack incoming webhooks and their compatibles, Mattermost and Rocket.Chat (`POST url`,
//!   JSON `text`);
//! - Matrix client-server API (`PUT {homeserver}/_matrix/client/v3/rooms/{room}/send/
//!   m.room.message/{txn}` with a bearer token; the transaction id is derived from the alert,
//!   so a retry of a message the server already took is not posted twice);
//! - ntfy JSON publishing (`POST {server}` with `topic`, `title`, `message`, `tags`,
//!   `priority`, `click`; optional bearer token).
//!
//! Delivery — queue, retries, spool, counters — is the webhook's ([`super::webhook`]): a preset
//! only says how one alert is posted.

use hyper::Method;
use serde_json::{json, Value};

use crate::settings::{Language, SinkSettings};

/// How one alert is posted: method, address, headers, body.
#[derive(Debug, Clone, PartialEq)]
pub struct ChatRequest {
    /// POST or PUT.
    pub method: Method,
    /// Where.
    pub url: String,
    /// Extra headers (the content type is always `application/json`).
    pub headers: Vec<(&'static str, String)>,
    /// The JSON body.
    pub body: String,
}

/// A chat service and its addressing.
#[derive(Debug, Clone, PartialEq)]
pub enum Preset {
    /// Telegram: the Bot API's base URL, the bot token, the chat.
    Telegram {
        /// `https://api.telegram.org` unless a stand-in.
        api_url: String,
        /// The bot's token.
        bot_token: String,
        /// A chat id or `@channel`.
        chat_id: String,
    },
    /// A Discord webhook URL.
    Discord {
        /// `https://discord.com/api/webhooks/…`.
        url: String,
    },
    /// A Slack-compatible incoming webhook URL.
    Slack {
        /// `https://hooks.slack.com/services/…` or a Mattermost/Rocket.Chat hook.
        url: String,
    },
    /// A Matrix room.
    Matrix {
        /// `https://matrix.example.org`.
        homeserver: String,
        /// `!room:example.org`.
        room_id: String,
        /// The posting account's access token.
        access_token: String,
    },
    /// An ntfy topic.
    Ntfy {
        /// `https://ntfy.sh` or a self-hosted server.
        url: String,
        /// The topic.
        topic: String,
        /// An access token, if the topic is protected.
        token: Option<String>,
    },
}

/// A preset with what every message needs: its language and the map's public address.
#[derive(Debug, Clone, PartialEq)]
pub struct Chat {
    /// The service.
    pub preset: Preset,
    /// Language of the text.
    pub language: Language,
    /// Where people open the map (`https://vigia.example.org`), no trailing slash.
    pub public_url: String,
}

impl Chat {
    /// The chat sink of `settings`, if it is one; `public_url` is where the links point.
    pub fn from_settings(settings: &SinkSettings, public_url: &str) -> Option<Self> {
        let trim = |s: &str| s.trim_end_matches('/').to_string();
        let (preset, language) = match settings {
            SinkSettings::Telegram {
                bot_token,
                chat_id,
                api_url,
                language,
                ..
            } => (
                Preset::Telegram {
                    api_url: trim(api_url),
                    bot_token: bot_token.clone(),
                    chat_id: chat_id.clone(),
                },
                *language,
            ),
            SinkSettings::Discord { url, language, .. } => {
                (Preset::Discord { url: url.clone() }, *language)
            }
            SinkSettings::Slack { url, language, .. } => {
                (Preset::Slack { url: url.clone() }, *language)
            }
            SinkSettings::Matrix {
                homeserver,
                room_id,
                access_token,
                language,
                ..
            } => (
                Preset::Matrix {
                    homeserver: trim(homeserver),
                    room_id: room_id.clone(),
                    access_token: access_token.clone(),
                },
                *language,
            ),
            SinkSettings::Ntfy {
                url,
                topic,
                token,
                language,
                ..
            } => (
                Preset::Ntfy {
                    url: trim(url),
                    topic: topic.clone(),
                    token: token.clone(),
                },
                *language,
            ),
            SinkSettings::Stdout | SinkSettings::File { .. } | SinkSettings::Webhook { .. } => {
                return None
            }
        };
        Some(Self {
            preset,
            language,
            public_url: trim(public_url),
        })
    }

    /// The request that posts the alert `line` (an alert document), or `None` when the line
    /// is not one (the delivery then drops it, counted as a failure).
    pub fn request(&self, line: &str) -> Option<ChatRequest> {
        let alert: Value = serde_json::from_str(line).ok()?;
        let message = Message::of(&alert, self.language, &self.public_url)?;
        let text = message.text();
        let post = |url: String, body: Value| ChatRequest {
            method: Method::POST,
            url,
            headers: Vec::new(),
            body: body.to_string(),
        };
        Some(match &self.preset {
            Preset::Telegram {
                api_url,
                bot_token,
                chat_id,
            } => post(
                format!("{api_url}/bot{bot_token}/sendMessage"),
                json!({ "chat_id": chat_id, "text": text, "disable_web_page_preview": true }),
            ),
            // Discord refuses content over 2 000 characters; no @everyone from an alert.
            Preset::Discord { url } => post(
                url.clone(),
                json!({ "content": clip(&text, 2000), "allowed_mentions": { "parse": [] } }),
            ),
            Preset::Slack { url } => post(url.clone(), json!({ "text": text })),
            Preset::Matrix {
                homeserver,
                room_id,
                access_token,
            } => ChatRequest {
                method: Method::PUT,
                url: format!(
                    "{homeserver}/_matrix/client/v3/rooms/{}/send/m.room.message/vigia-{:016x}",
                    percent_encode(room_id),
                    fnv1a(line.as_bytes())
                ),
                headers: vec![("authorization", format!("Bearer {access_token}"))],
                body: json!({ "msgtype": "m.text", "body": text }).to_string(),
            },
            Preset::Ntfy { url, topic, token } => {
                let mut body = json!({
                    "topic": topic,
                    "title": message.title,
                    "message": message.body_lines().join("\n"),
                    "tags": [message.tag],
                    "priority": message.priority,
                });
                if let Some(link) = &message.map_link {
                    body["click"] = json!(link);
                    body["actions"] = json!([{ "action": "view", "label":
                        message.words.report, "url": message.report_link }]);
                }
                let mut request = post(url.clone(), body);
                if let Some(token) = token {
                    request
                        .headers
                        .push(("authorization", format!("Bearer {token}")));
                }
                request
            }
        })
    }
}

/// The words of one language.
struct Words {
    held_back: &'static str,
    stored: &'static str,
    rule: &'static str,
    score: &'static str,
    map: &'static str,
    report: &'static str,
    observed: &'static str,
    mlat: &'static str,
    mlat_possible: &'static str,
    inferred: &'static str,
    in_zone: &'static str,
    events: &'static str,
}

const EN: Words = Words {
    held_back: "alerts held back (over the rule's budget)",
    stored: "all are in the store",
    rule: "rule",
    score: "score",
    map: "Map",
    report: "Report",
    observed: "observed (ADS-B positions)",
    mlat: "multilaterated, ±",
    mlat_possible: "possible (multilaterated, within its error of the boundary), ±",
    inferred: "inferred across a gap in the signal, not observed",
    in_zone: "zone",
    events: "events",
};

const ES: Words = Words {
    held_back: "alertas retenidas (por encima del límite de la regla)",
    stored: "todas están guardadas",
    rule: "regla",
    score: "puntuación",
    map: "Mapa",
    report: "Informe",
    observed: "observado (posiciones ADS-B)",
    mlat: "multilaterado, ±",
    mlat_possible: "posible (multilaterado, dentro de su error respecto al límite), ±",
    inferred: "inferido a través de una interrupción de la señal, no observado",
    in_zone: "zona",
    events: "eventos",
};

/// An event type as people read it.
fn event_label(kind: &str, language: Language) -> &str {
    let (en, es) = match kind {
        "zone_entry" => ("Zone entry", "Entrada en zona"),
        "zone_presence" => ("Present in zone", "Presencia en zona"),
        "zone_exit" => ("Zone exit", "Salida de zona"),
        "zone_transit" => ("Zone transit", "Tránsito por zona"),
        "closest_approach" => ("Closest approach", "Máximo acercamiento"),
        "orbit" => ("Orbit", "Órbita"),
        "survey" => ("Survey pattern", "Patrón de reconocimiento"),
        "flight" => ("Flight", "Vuelo"),
        "flood" => ("Flood of events", "Avalancha de eventos"),
        "spoofing_suspected" => ("Spoofing suspected", "Posible suplantación"),
        "heard_without_position" => ("Heard without a position", "Oído sin posición"),
        "signal_lost" => ("Signal lost", "Señal perdida"),
        "signal_regained" => ("Signal regained", "Señal recuperada"),
        "inferred_crossing" => ("Inferred crossing", "Cruce inferido"),
        "appeared_inside" => ("Appeared inside", "Apareció dentro"),
        other => (other, other),
    };
    match language {
        Language::En => en,
        Language::Es => es,
    }
}

/// One alert as a message: a title line, detail lines, links.
struct Message {
    title: String,
    lines: Vec<String>,
    map_link: Option<String>,
    report_link: Option<String>,
    /// An ntfy tag (emoji short code).
    tag: &'static str,
    /// ntfy priority 1–5.
    priority: u8,
    words: &'static Words,
}

impl Message {
    fn of(alert: &Value, language: Language, public_url: &str) -> Option<Self> {
        let words = match language {
            Language::En => &EN,
            Language::Es => &ES,
        };
        let rule = alert.pointer("/alert/rule").and_then(Value::as_str)?;
        if let Some(held) = alert.pointer("/alert/suppressed") {
            let count = held.get("count").and_then(Value::as_u64).unwrap_or(0);
            let first = held.get("first_event_id").and_then(Value::as_i64);
            let last = held.get("last_event_id").and_then(Value::as_i64);
            let mut lines = vec![format!("{}: {rule}", words.rule)];
            if let (Some(a), Some(b)) = (first, last) {
                lines.push(format!("{} #{a}–#{b}; {}", words.events, words.stored));
            }
            return Some(Self {
                title: format!("vigia: {count} {}", words.held_back),
                lines,
                map_link: None,
                report_link: None,
                tag: "warning",
                priority: 3,
                words,
            });
        }
        let event = alert.get("event")?;
        let id = event.get("id").and_then(Value::as_i64)?;
        let kind = event.get("type").and_then(Value::as_str).unwrap_or("event");
        let icao = event.get("icao24").and_then(Value::as_str).unwrap_or("?");
        let who = match event.get("callsign").and_then(Value::as_str) {
            Some(c) if !c.trim().is_empty() => format!("{} ({icao})", c.trim()),
            _ => icao.to_string(),
        };
        let mut title = format!("vigia: {} — {who}", event_label(kind, language));
        if let Some(zone) = event.get("zone").and_then(Value::as_str) {
            title.push_str(&format!(" · {} {zone}", words.in_zone));
        }
        let mut lines = Vec::new();
        if let Some(ts) = event.get("ts").and_then(Value::as_f64) {
            lines.push(vigia_report::time::utc(ts).replace('Z', " UTC"));
        }
        let basis = if kind == "inferred_crossing" {
            Some(words.inferred.to_string())
        } else if let Some(mlat) = event.get("mlat").filter(|m| !m.is_null()) {
            let error = mlat
                .get("uncertainty_m")
                .and_then(Value::as_f64)
                .unwrap_or(f64::NAN);
            let possible = mlat.get("confidence").and_then(Value::as_str) == Some("possible");
            let head = if possible {
                words.mlat_possible
            } else {
                words.mlat
            };
            Some(format!("{head}{error:.0} m"))
        } else if event.get("evidence").is_some()
            && matches!(
                kind,
                "zone_entry" | "zone_presence" | "zone_exit" | "zone_transit"
            )
        {
            Some(words.observed.to_string())
        } else {
            None
        };
        lines.extend(basis);
        let mut facts = format!("{}: {rule}", words.rule);
        if let Some(score) = event.get("score").and_then(Value::as_f64) {
            // A decimal point in Spanish too: Mexico writes it so.
            facts.push_str(&format!(" · {}: {score:.2}", words.score));
        }
        lines.push(facts);
        let sovereign = matches!(
            kind,
            "zone_entry"
                | "zone_presence"
                | "zone_transit"
                | "inferred_crossing"
                | "appeared_inside"
        );
        Some(Self {
            title,
            lines,
            map_link: Some(format!("{public_url}/?event={id}")),
            report_link: Some(format!("{public_url}/api/events/{id}/report")),
            tag: if sovereign {
                "rotating_light"
            } else {
                "airplane"
            },
            priority: if sovereign { 4 } else { 3 },
            words,
        })
    }

    /// The detail lines and the links, without the title.
    fn body_lines(&self) -> Vec<String> {
        let mut out = self.lines.clone();
        if let Some(link) = &self.map_link {
            out.push(format!("{}: {link}", self.words.map));
        }
        if let Some(link) = &self.report_link {
            out.push(format!("{}: {link}", self.words.report));
        }
        out
    }

    /// The whole message as plain text.
    fn text(&self) -> String {
        let mut out = vec![self.title.clone()];
        out.extend(self.body_lines());
        out.join("\n")
    }
}

/// At most `max` characters.
fn clip(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((cut, _)) => text[..cut].to_string(),
        None => text.to_string(),
    }
}

/// Percent-encode everything but unreserved characters (a Matrix room id in a path).
fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// FNV-1a, 64 bits: a Matrix transaction id that is the same for the same alert.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alert() -> String {
        json!({
            "alert": {"rule": "military near or in MEX", "sent_at": 1.0, "latency_ms": 3.0},
            "event": {"id": 42, "icao24": "ae01c5", "flight_id": "ae01c5-1",
                "callsign": "RCH123  ", "ts": 1_698_140_962.1, "score": 0.72,
                "type": "zone_entry", "zone": "MEX", "evidence": {"frames": []}}
        })
        .to_string()
    }

    fn chat(preset: Preset, language: Language) -> Chat {
        Chat {
            preset,
            language,
            public_url: "https://vigia.example.org".into(),
        }
    }

    #[test]
    fn telegram_text_names_the_aircraft_the_zone_the_time_the_evidence_and_the_links() {
        let c = chat(
            Preset::Telegram {
                api_url: "https://api.telegram.org".into(),
                bot_token: "123:abc".into(),
                chat_id: "-100".into(),
            },
            Language::En,
        );
        let r = c.request(&alert()).unwrap();
        assert_eq!(r.method, Method::POST);
        assert_eq!(r.url, "https://api.telegram.org/bot123:abc/sendMessage");
        let body: Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(body["chat_id"], "-100");
        let text = body["text"].as_str().unwrap();
        assert_eq!(
            text,
            "vigia: Zone entry — RCH123 (ae01c5) · zone MEX\n2023-10-24 09:49:22 UTC\n\
             observed (ADS-B positions)\nrule: military near or in MEX · score: 0.72\n\
             Map: https://vigia.example.org/?event=42\n\
             Report: https://vigia.example.org/api/events/42/report"
        );
    }

    #[test]
    fn spanish_words_with_mexicos_decimal_point() {
        let c = chat(
            Preset::Slack {
                url: "https://hooks.example/x".into(),
            },
            Language::Es,
        );
        let body: Value = serde_json::from_str(&c.request(&alert()).unwrap().body).unwrap();
        let text = body["text"].as_str().unwrap();
        assert!(text.starts_with("vigia: Entrada en zona — RCH123 (ae01c5) · zona MEX"));
        assert!(text.contains("puntuación: 0.72"), "{text}");
        assert!(text.contains("Informe: https://vigia.example.org/api/events/42/report"));
    }

    #[test]
    fn matrix_retries_of_one_alert_reuse_one_transaction() {
        let c = chat(
            Preset::Matrix {
                homeserver: "https://m.example".into(),
                room_id: "!abc:example.org".into(),
                access_token: "tok".into(),
            },
            Language::En,
        );
        let a = c.request(&alert()).unwrap();
        assert_eq!(a, c.request(&alert()).unwrap());
        assert_eq!(a.method, Method::PUT);
        assert!(a.url.starts_with(
            "https://m.example/_matrix/client/v3/rooms/%21abc%3Aexample.org/send/m.room.message/vigia-"
        ));
        assert_eq!(a.headers, vec![("authorization", "Bearer tok".to_string())]);
        let other = alert().replace("\"id\":42", "\"id\":43");
        assert_ne!(a.url, c.request(&other).unwrap().url);
    }

    #[test]
    fn ntfy_publishes_json_with_a_click_link_and_priority() {
        let c = chat(
            Preset::Ntfy {
                url: "https://ntfy.sh".into(),
                topic: "border".into(),
                token: None,
            },
            Language::En,
        );
        let r = c.request(&alert()).unwrap();
        let body: Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(body["topic"], "border");
        assert_eq!(body["priority"], 4);
        assert_eq!(body["click"], "https://vigia.example.org/?event=42");
        assert!(body["title"].as_str().unwrap().contains("RCH123"));
        assert!(r.headers.is_empty());
    }

    #[test]
    fn summaries_discord_limits_and_lines_that_are_not_alerts() {
        let c = chat(
            Preset::Discord {
                url: "https://discord.example/hook".into(),
            },
            Language::En,
        );
        let summary = json!({"alert": {"rule": "r", "suppressed": {"count": 7,
            "first_event_id": 3, "last_event_id": 9}}})
        .to_string();
        let body: Value = serde_json::from_str(&c.request(&summary).unwrap().body).unwrap();
        let content = body["content"].as_str().unwrap();
        assert!(
            content.starts_with("vigia: 7 alerts held back"),
            "{content}"
        );
        assert!(content.contains("#3–#9"));
        assert_eq!(body["allowed_mentions"]["parse"], json!([]));
        assert!(c.request("not json").is_none());
        assert!(c.request("{\"n\":1}").is_none());
        let long = alert().replace("RCH123  ", &"X".repeat(5000));
        let body: Value = serde_json::from_str(&c.request(&long).unwrap().body).unwrap();
        assert_eq!(body["content"].as_str().unwrap().chars().count(), 2000);
    }
}
