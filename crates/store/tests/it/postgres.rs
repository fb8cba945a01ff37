//! What only the PostgreSQL backend does: day partitions and retention by dropping them,
//! PostGIS geometries QGIS opens, migrations shared by several processes, newer schemas
//! refused, no password in messages.

use vigia_store::{testing, Store, StoreError, WriteBatch};

use super::{event, position, Db};

#[test]
fn positions_go_to_day_partitions_that_retention_drops_whole() {
    let db = Db::postgres();
    let mut store = db.open();
    let day = 86_400.0;
    let first = 1_700_006_400.0; // 2023-11-15 00:00:00Z
    let mut batch = WriteBatch::default();
    for k in 0..5 {
        batch
            .positions
            .extend((0..10).map(|i| position(first + f64::from(k) * day + f64::from(i) * 60.0)));
    }
    store.commit(&batch).unwrap();
    let names: Vec<String> = store
        .partitions()
        .unwrap()
        .into_iter()
        .map(|p| p.0)
        .collect();
    assert_eq!(
        names,
        [
            "positions_20231115",
            "positions_20231116",
            "positions_20231117",
            "positions_20231118",
            "positions_20231119"
        ]
    );
    // Keep two days back from five minutes into the last day: two whole days go, and the rows
    // of the third before the cutoff (five of its ten).
    let now = first + 4.0 * day + 300.0;
    let removed = store.retain(2.0, now).unwrap();
    assert_eq!(removed, 20 + 5);
    let left: Vec<String> = store
        .partitions()
        .unwrap()
        .into_iter()
        .map(|p| p.0)
        .collect();
    assert_eq!(
        left,
        [
            "positions_20231117",
            "positions_20231118",
            "positions_20231119"
        ]
    );
    assert_eq!(store.counts().unwrap().0, 25);
    // A dropped day comes back when new rows need it.
    let mut late = WriteBatch::default();
    late.positions.push(position(first + 60.0));
    store.commit(&late).unwrap();
    assert_eq!(store.partitions().unwrap().len(), 4);
}

#[test]
fn events_carry_geometries_qgis_opens_and_positions_their_points() {
    let db = Db::postgres();
    let mut store = db.open();
    let mut batch = WriteBatch::default();
    // An entry resting on two positions, one each side of the boundary.
    let mut entry = event("zone_entry", Some("MEX"), 1_700_000_100.0);
    if let vigia_detect::contract::EventBody::ZoneEntry(c) = &mut entry.document.body {
        let mut after = c.evidence.positions[0].clone();
        after.latitude -= 0.02;
        c.evidence.positions.push(after);
    }
    batch.events.push(entry);
    batch.positions.push(position(1_700_000_000.0));
    let ids: Vec<i64> = store
        .commit(&batch)
        .unwrap()
        .into_iter()
        .flatten()
        .collect();
    let Db::Postgres(url) = &db else {
        unreachable!()
    };
    let mut client = testing::client(url);
    let row = client
        .query_one(
            "SELECT ST_AsText(geom), ST_SRID(geom), GeometryType(segment), ST_NPoints(segment),
             document->>'type' FROM events WHERE id = $1",
            &[&ids[0]],
        )
        .unwrap();
    let stored = store.event(ids[0]).unwrap().unwrap();
    let lat = serde_json::to_value(&stored.document).unwrap()["latitude"]
        .as_f64()
        .unwrap();
    let point: String = row.get(0);
    assert!(
        point.starts_with("POINT(") && point.contains(&format!(" {lat}")),
        "{point}"
    );
    assert_eq!(row.get::<_, i32>(1), 4326);
    assert_eq!(
        row.get::<_, Option<String>>(2).as_deref(),
        Some("LINESTRING")
    );
    assert_eq!(row.get::<_, Option<i32>>(3), Some(2));
    assert_eq!(row.get::<_, String>(4), "zone_entry");
    // Positions have their PostGIS point, usable in a spatial query.
    let near: i64 = client
        .query_one(
            "SELECT count(*) FROM positions
             WHERE ST_DWithin(geom::geography, ST_SetSRID(ST_MakePoint(-117.0, 32.5), 4326)::geography, 100)",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(near, 1);
    assert_eq!(store.integrity_check().unwrap(), "ok");
}

#[test]
fn several_processes_starting_together_migrate_once() {
    let db = Db::postgres();
    let address = db.address();
    let opened: Vec<_> = (0..4)
        .map(|_| {
            let a = address.clone();
            std::thread::spawn(move || Store::open(a).map(|s| s.schema_version().unwrap()))
        })
        .collect();
    for t in opened {
        assert_eq!(t.join().unwrap().unwrap(), 2);
    }
    let Db::Postgres(url) = &db else {
        unreachable!()
    };
    let applied: i64 = testing::client(url)
        .query_one("SELECT count(*) FROM migrations", &[])
        .unwrap()
        .get(0);
    assert_eq!(applied, 2);
}

#[test]
fn a_database_from_a_newer_vigia_is_refused() {
    let db = Db::postgres();
    drop(db.open());
    let Db::Postgres(url) = &db else {
        unreachable!()
    };
    testing::client(url)
        .execute("INSERT INTO migrations VALUES (99, 0)", &[])
        .unwrap();
    match Store::open(db.address()) {
        Err(e @ StoreError::NewerSchema { .. }) => {
            assert!(e.to_string().contains("newer than this vigia knows"), "{e}");
        }
        Err(other) => panic!("unexpected error {other}"),
        Ok(_) => panic!("a newer schema was accepted"),
    }
}

#[test]
fn a_wrong_password_or_host_is_a_clear_error_without_the_password() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("postgres://vigia:s3cret@127.0.0.1:{port}/vigia");
    let Err(e) = Store::open(&url) else {
        panic!("nothing listens there")
    };
    let text = e.to_string();
    assert!(text.contains("cannot connect to PostgreSQL"), "{text}");
    assert!(
        text.contains(&format!("postgres://vigia@127.0.0.1:{port}/vigia")),
        "{text}"
    );
    assert!(!text.contains("s3cret"), "{text}");
}

#[test]
fn a_lost_connection_is_opened_again_by_the_next_call() {
    // The server ends the connection (as a restart would): the call that finds it gone may
    // fail, the next one connects again — the service's writer retries a failed commit.
    let db = Db::postgres();
    let mut store = db.open();
    let Db::Postgres(url) = &db else {
        unreachable!()
    };
    let mut batch = WriteBatch::default();
    batch
        .events
        .push(event("zone_entry", Some("MEX"), 1_700_000_000.0));
    store.commit(&batch).unwrap();
    let ended: i64 = testing::client(url)
        .query_one(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
             WHERE datname = current_database() AND pid <> pg_backend_pid()",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(ended, 1);
    std::thread::sleep(std::time::Duration::from_millis(200));
    batch.events[0].ts += 1.0;
    let committed = (0..3).find_map(|_| store.commit(&batch).ok());
    assert_eq!(committed.map(|ids| ids.len()), Some(1));
    assert_eq!(store.counts().unwrap().2, 2);
}

#[test]
fn a_reader_with_select_only_opens_the_database() {
    let db = Db::postgres();
    drop(db.open());
    let Db::Postgres(url) = &db else {
        unreachable!()
    };
    let role = format!("analyst_{}", std::process::id());
    let mut admin = testing::client(url);
    admin
        .batch_execute(&format!(
            "CREATE ROLE {role} LOGIN; GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role};
             REVOKE CREATE ON SCHEMA public FROM PUBLIC;"
        ))
        .unwrap();
    let analyst = url.replacen("postgres://postgres@", &format!("postgres://{role}@"), 1);
    let reader = Store::open_read_only(&analyst).unwrap();
    assert_eq!(reader.schema_version().unwrap(), 2);
    assert!(reader.events(&Default::default()).unwrap().is_empty());
}
