//! Short replies in long containers: some receivers store every reply as 112 bits, so DF0/4/5/11
//! replies arrive as 14 bytes whose first 7 are the reply. The DF defines the length; vigia
//! decodes the first 56 bits, exactly as it decodes the 56-bit reply itself, and so does rs1090
//! (compared in the same run). Every real short reply of the corpus is padded two ways: with
//! zeros, and with the bytes of the next frame (what a receiver's buffer might hold).

use rs1090::prelude::*;
use vigia_modes::{decode, is_long_container};

#[test]
fn short_replies_padded_to_112_bits_decode_as_the_reply() {
    let frames = super::corpus::load();
    let short: Vec<&[u8]> = frames
        .iter()
        .map(|f| f.bytes.as_slice())
        .filter(|b| b.len() == 7)
        .collect();
    assert!(
        short.len() > 10_000,
        "corpus has {} short replies",
        short.len()
    );
    let mut rs1090_agrees = 0usize;
    let mut rs1090_compared = 0usize;
    for (i, reply) in short.iter().enumerate() {
        let next = short[(i + 1) % short.len()];
        for pad in [[0u8; 7].as_slice(), next] {
            let mut long = reply.to_vec();
            long.extend_from_slice(pad);
            assert!(is_long_container(&long));
            // The same outcome as the 56-bit reply, message for message (or the same error).
            assert_eq!(decode(&long), decode(reply), "{long:02x?}");
            if let Ok(ours) = decode(&long) {
                if let Ok((_, theirs)) = Message::from_bytes((&long, 0)) {
                    rs1090_compared += 1;
                    let v = serde_json::to_value(&theirs).expect("rs1090 serialises");
                    let icao = v.get("icao24").and_then(|x| x.as_str()).map(str::to_owned);
                    rs1090_agrees += usize::from(icao == Some(ours.address.to_string()));
                }
            }
        }
    }
    // rs1090 reads the padded replies too and finds the same address.
    assert!(rs1090_compared > 10_000, "rs1090 decoded {rs1090_compared}");
    assert_eq!(rs1090_agrees, rs1090_compared);
    // A true 112-bit reply is not a long container; a short reply in 7 bytes is not either.
    let long_reply = frames.iter().find(|f| f.bytes.len() == 14).unwrap();
    assert!(!is_long_container(&long_reply.bytes));
    assert!(!is_long_container(short[0]));
}
