//! The bundled lists of surveillance-capable aircraft types (ICAO Doc 8643 designators) and of
//! military/state callsign prefixes, each row with its source (`data/isr_types.csv`,
//! `data/callsign_prefixes.csv`; provenance in `data/README.md`).

const ISR_TYPES_CSV: &str = include_str!("../../../../data/isr_types.csv");
const CALLSIGNS_CSV: &str = include_str!("../../../../data/callsign_prefixes.csv");

/// How strongly a type points to surveillance.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IsrWeight {
    /// Built for surveillance (MQ-9, RC-135, P-8, ...).
    Dedicated,
    /// A common civil airframe that surveillance variants are built on (King Air 350, PC-12).
    Airframe,
}

/// One surveillance-capable type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IsrType {
    /// ICAO Doc 8643 designator, e.g. `Q9`.
    pub designator: String,
    /// The aircraft, e.g. "General Atomics MQ-9 Reaper / Predator B".
    pub aircraft: String,
    /// Its role.
    pub role: String,
    /// How much it counts.
    pub weight: IsrWeight,
    /// Where the designator and role come from.
    pub source: String,
}

/// What a callsign prefix says about a flight.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CallsignKind {
    /// An official military/state designator (ICAO Doc 8585).
    Military,
    /// A mission callsign known from press reports only (unofficial).
    Isr,
}

/// One callsign prefix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallsignPrefix {
    /// The prefix, e.g. `RCH`.
    pub prefix: String,
    /// Who flies under it.
    pub operator: String,
    /// What it indicates.
    pub kind: CallsignKind,
    /// Where it comes from.
    pub source: String,
}

fn rows(csv: &str) -> impl Iterator<Item = Vec<&str>> {
    // These tables have no quoted fields; the last column (source) may hold commas.
    csv.lines().skip(1).map(|l| l.splitn(5, ',').collect())
}

/// The bundled ISR type list.
pub fn isr_types() -> Vec<IsrType> {
    rows(ISR_TYPES_CSV)
        .filter_map(|f| {
            Some(IsrType {
                designator: (*f.first()?).to_string(),
                aircraft: (*f.get(1)?).to_string(),
                role: (*f.get(2)?).to_string(),
                weight: match *f.get(3)? {
                    "dedicated" => IsrWeight::Dedicated,
                    _ => IsrWeight::Airframe,
                },
                source: (*f.get(4)?).to_string(),
            })
        })
        .collect()
}

/// The bundled callsign prefix list.
pub fn callsign_prefixes() -> Vec<CallsignPrefix> {
    CALLSIGNS_CSV
        .lines()
        .skip(1)
        .filter_map(|l| {
            let f: Vec<&str> = l.splitn(4, ',').collect();
            Some(CallsignPrefix {
                prefix: (*f.first()?).to_string(),
                operator: (*f.get(1)?).to_string(),
                kind: match *f.get(2)? {
                    "isr" => CallsignKind::Isr,
                    _ => CallsignKind::Military,
                },
                source: (*f.get(3)?).to_string(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_parse_with_sources() {
        let types = isr_types();
        assert!(types.len() >= 15);
        assert!(types.iter().all(|t| !t.source.is_empty()));
        let q9 = types.iter().find(|t| t.designator == "Q9").unwrap();
        assert_eq!(q9.weight, IsrWeight::Dedicated);
        let prefixes = callsign_prefixes();
        assert!(prefixes
            .iter()
            .any(|p| p.prefix == "RCH" && p.kind == CallsignKind::Military));
        assert!(prefixes.iter().all(|p| !p.source.is_empty()));
    }
}
