//! `vigia aircraft-db`: import, update over HTTP (a local stand-in with a redirect), look up;
//! the installed database used by `vigia analyze`.

use std::io::{BufRead, BufReader, Read, Write};
use std::time::Duration;

use serde_json::Value;

use super::vigia;

const OPENSKY: &str =
    "\"icao24\",\"registration\",\"manufacturericao\",\"typecode\",\"operator\"\n\
\"486257\",\"PH-BXA\",\"BOEING\",\"B738\",\"KLM Royal Dutch Airlines\"\n\
\"nothex\",\"X\",\"\",\"\",\"\"\n";
const TAR1090: &str = "AE01C5;10-0001;Q9;10;;;US Air Force\n486257;PH-BXA;B738;00;;;KLM\n";

fn gzip(text: &str) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(text.as_bytes()).unwrap();
    gz.finish().unwrap()
}

/// `vigia aircraft-db show --db DB ADDRESSES…`.
fn show(db: &std::path::Path, addresses: &[&str]) -> std::process::Output {
    let mut args = vec!["aircraft-db", "show", "--db", db.to_str().unwrap()];
    args.extend_from_slice(addresses);
    vigia(&args)
}

fn text(o: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn imported_databases_are_checked_merged_installed_and_used() {
    let dir = tempfile::tempdir().unwrap();
    let opensky = dir.path().join("aircraftDatabase.csv");
    std::fs::write(&opensky, OPENSKY).unwrap();
    let tar1090 = dir.path().join("aircraft.csv.gz");
    std::fs::write(&tar1090, gzip(TAR1090)).unwrap();
    let out = dir.path().join("installed.csv.gz");
    let o = vigia(&[
        "aircraft-db",
        "import",
        opensky.to_str().unwrap(),
        tar1090.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let said = text(&o);
    assert!(
        said.contains("aircraftDatabase.csv:3: skipped"),
        "a bad line is named by file and line: {said}"
    );
    assert!(
        said.contains("2 aircraft (2 with a type, 2 with an operator, 1 flagged military)"),
        "{said}"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&out).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o644, "readable by the service's user");
    }
    let o = show(&out, &["ae01c5", "486257"]);
    assert!(o.status.success(), "{}", text(&o));
    let shown = String::from_utf8_lossy(&o.stdout);
    assert!(shown
        .contains("ae01c5  registration 10-0001  type Q9  operator US Air Force  military yes"));
    assert!(shown.contains("486257  registration PH-BXA  type B738  operator KLM  military no"));
    let o = show(&out, &["0d0abc"]);
    assert!(!o.status.success(), "an address not in it fails the lookup");

    // `vigia analyze` reads the installed (gzip) file: the real KLM flight gets its
    // registration and type.
    let events = dir.path().join("events.jsonl");
    let o = vigia(&[
        "analyze",
        "--aircraft-db",
        out.to_str().unwrap(),
        "--out",
        events.to_str().unwrap(),
        "tests/data/long_flight.csv.zst",
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let klm: Value = std::fs::read_to_string(&events)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .find(|e| e["type"] == "flight" && e["callsign"] == "KLM1302")
        .unwrap_or_else(|| {
            panic!(
                "the KLM flight: {}",
                std::fs::read_to_string(&events).unwrap()
            )
        });
    assert_eq!(klm["registration"], "PH-BXA", "{klm}");
    assert_eq!(klm["type_designator"], "B738", "{klm}");

    // A file in neither layout installs nothing and says why; the installed one stays.
    let junk = dir.path().join("junk.csv");
    std::fs::write(&junk, "a,b,c\n1,2,3\n").unwrap();
    let o = vigia(&[
        "aircraft-db",
        "import",
        junk.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    assert!(text(&o).contains("junk.csv"), "{}", text(&o));
    assert!(show(&out, &["486257"]).status.success());
}

/// Serve `/db` with a redirect to `/files/aircraft.csv.gz`, then the file; the paths asked.
fn serve(body: Vec<u8>) -> (String, std::sync::mpsc::Receiver<String>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for _ in 0..2 {
            let Ok((mut conn, _)) = listener.accept() else {
                return;
            };
            conn.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
            let mut reader = BufReader::new(conn.try_clone().unwrap());
            let mut request = String::new();
            reader.read_line(&mut request).unwrap();
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap() == 0 || line == "\r\n" {
                    break;
                }
            }
            let path = request.split_whitespace().nth(1).unwrap_or("").to_string();
            tx.send(path.clone()).unwrap();
            if path == "/db" {
                write!(
                    conn,
                    "HTTP/1.1 302 Found\r\nLocation: /files/aircraft.csv.gz\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                )
                .unwrap();
            } else {
                write!(
                    conn,
                    "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                )
                .unwrap();
                conn.write_all(&body).unwrap();
            }
            let _ = reader.read(&mut [0u8; 1]);
        }
    });
    (base, rx)
}

#[test]
fn update_downloads_follows_a_redirect_and_installs() {
    let dir = tempfile::tempdir().unwrap();
    let (base, paths) = serve(gzip(TAR1090));
    let out = dir.path().join("aircraft.csv.gz");
    let o = vigia(&[
        "aircraft-db",
        "update",
        "--source",
        &format!("{base}/db"),
        "--out",
        out.to_str().unwrap(),
        "--timeout",
        "10",
    ]);
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(paths.recv().unwrap(), "/db");
    assert_eq!(paths.recv().unwrap(), "/files/aircraft.csv.gz");
    let o = show(&out, &["ae01c5"]);
    assert!(String::from_utf8_lossy(&o.stdout).contains("type Q9"));
    // Nothing left behind but the database.
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(names, ["aircraft.csv.gz"]);
    // A server that answers 404: a clear error, nothing installed over the database.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        if let Ok((mut conn, _)) = listener.accept() {
            let mut buf = [0u8; 1024];
            let _ = conn.read(&mut buf);
            let _ = write!(
                conn,
                "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            );
        }
    });
    let o = vigia(&[
        "aircraft-db",
        "update",
        "--source",
        &format!("http://{address}/missing"),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    assert!(text(&o).contains("the server answered 404"), "{}", text(&o));
    assert!(show(&out, &["ae01c5"]).status.success());
}
