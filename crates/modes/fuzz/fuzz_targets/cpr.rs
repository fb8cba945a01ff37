//! Arbitrary CPR coordinates and reference positions (NaN, infinities, out of range
//! included) through every CPR decoder and the encoder: nothing may panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vigia_modes::cpr::{self, CprFormat, CprPosition, LatLon};

fuzz_target!(|data: &[u8]| {
    if data.len() < 8 + 8 + 16 + 1 {
        return;
    }
    let word = |i: usize| u32::from_be_bytes(data[i..i + 4].try_into().unwrap_or([0; 4])) & 0x1FFFF;
    let float = |i: usize| f64::from_be_bytes(data[i..i + 8].try_into().unwrap_or([0; 8]));
    let even = CprPosition { format: CprFormat::Even, lat_cpr: word(0), lon_cpr: word(4) };
    let odd = CprPosition { format: CprFormat::Odd, lat_cpr: word(8), lon_cpr: word(12) };
    let reference = LatLon { lat: float(16), lon: float(24) };
    let newest = if data[32] & 1 == 1 { CprFormat::Odd } else { CprFormat::Even };
    let _ = cpr::airborne_global(even, odd, newest);
    let _ = cpr::surface_global(even, odd, newest, reference);
    let _ = cpr::local(even, reference, false);
    let _ = cpr::local(odd, reference, true);
    let _ = cpr::encode(reference.lat, reference.lon, newest, data[32] & 2 == 2);
    let _ = cpr::nl(reference.lat);
});
