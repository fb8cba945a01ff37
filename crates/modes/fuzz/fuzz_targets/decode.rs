//! Any bytes, cut to a 7- or 14-byte reply, through the decoder (with and without single-bit
//! repair) and through Comm-B inference with an arbitrary context: nothing may panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vigia_modes::commb::{infer, CommBContext};
use vigia_modes::{decode_with, DecodeOptions};

fuzz_target!(|data: &[u8]| {
    for len in [7usize, 14] {
        if data.len() >= len {
            let frame = &data[..len];
            for fix_single_bit in [false, true] {
                let _ = decode_with(frame, DecodeOptions { fix_single_bit });
            }
        }
    }
    let _ = decode_with(data, DecodeOptions::default());
    if data.len() >= 8 + 24 {
        let mb = u64::from_be_bytes(data[..8].try_into().unwrap_or([0; 8])) & 0x00FF_FFFF_FFFF_FFFF;
        let f = |i: usize| f64::from_be_bytes(data[8 + 8 * i..16 + 8 * i].try_into().unwrap_or([0; 8]));
        let ctx = CommBContext {
            groundspeed_kt: Some(f(0)),
            track_deg: Some(f(1)),
            vertical_rate_fpm: Some(f(2)),
            callsign: None,
        };
        let _ = infer(mb, Some(&ctx));
    }
});
