//! Fuzz reading in pieces on several threads: arbitrary bytes as a file (hex or AVR lines when
//! they look like them, any format otherwise), read by `Inputs` on one thread and on three
//! with pieces of a size taken from the first two bytes — the items must be the same.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vigia_feed::{InputItem, Inputs};

fn read(path: &std::path::Path, threads: usize, piece: usize) -> Vec<String> {
    let mut inputs = Inputs::new(vec![path.to_path_buf()], None)
        .receiver_clock(true)
        .order_by_time(64)
        .threads(threads)
        .piece_bytes(piece);
    let mut items = Vec::new();
    while let Some(item) = inputs.next() {
        if let (true, InputItem::Record(vigia_feed::Record::Frame(frame), _)) =
            (inputs.decodes(), &item)
        {
            assert_eq!(
                inputs.message(),
                vigia_modes::decode(frame.message()).ok().as_ref()
            );
        }
        items.push(match item {
            InputItem::Bad(e) => format!("bad {e}"),
            other => format!("{other:?}"),
        });
    }
    items
}

fuzz_target!(|data: &[u8]| {
    let (piece, input) = match data {
        [high, low, rest @ ..] => (usize::from(*high) << 8 | usize::from(*low), rest),
        _ => (1, data),
    };
    let Ok(mut file) = tempfile::NamedTempFile::new() else {
        return;
    };
    if std::io::Write::write_all(&mut file, input).is_err() {
        return;
    }
    let one = read(file.path(), 1, piece);
    let three = read(file.path(), 3, piece);
    assert_eq!(one, three, "pieces of {piece} bytes");
});
