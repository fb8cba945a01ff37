//! Any bytes as an aircraft database (OpenSky `aircraftDatabase.csv` or tar1090-db CSV):
//! whatever reads is used to identify addresses, and written out as `vigia aircraft-db import`
//! installs it reads back the same. Nothing may panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vigia_detect::identity::aircraft_db::MAX_FIELD_BYTES;
use vigia_detect::identity::{AircraftDb, IdentityResolver};
use vigia_modes::IcaoAddress;

fuzz_target!(|data: &[u8]| {
    let Ok(db) = AircraftDb::read(data) else {
        return;
    };
    for (line, why) in &db.rejected_lines {
        let _ = format!("{line}: {why}");
    }
    // The installed form reads back: every aircraft, and each value unchanged where it was
    // within the length written.
    let mut text = Vec::new();
    db.write_csv(&mut text).expect("writing to memory");
    let again = AircraftDb::read(text.as_slice()).expect("the written header");
    assert_eq!(again.rejected, 0);
    assert_eq!(again.len(), db.len());
    for ((a, r), (b, s)) in db.iter().zip(again.iter()) {
        assert_eq!(a, b);
        assert_eq!(r.military, s.military);
        let short = [&r.registration, &r.type_designator, &r.operator]
            .iter()
            .all(|v| v.as_deref().is_none_or(|v| v.len() <= MAX_FIELD_BYTES && !v.contains('"')));
        if short {
            assert_eq!(r, s);
        }
    }
    let resolver = IdentityResolver::new(Some(db));
    for address in [0, 0xae01c5, 0x0d0abc, 0xffffff] {
        let identity = resolver.identify(IcaoAddress::new(address));
        let _ = identity.military();
    }
});
