//! Solves per second on one core: six receivers with the altitude, a reply inside the network.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use vigia_mlat::geodesy::{distance, C};
use vigia_mlat::{solve, Altitude, Arrival, Geodetic, SolverConfig};

fn bench(c: &mut Criterion) {
    let receivers: Vec<_> = [
        (32.69, -114.62, 60.0),
        (32.37, -112.86, 550.0),
        (31.34, -110.94, 1_200.0),
        (31.34, -109.55, 1_200.0),
        (32.35, -108.71, 1_300.0),
        (31.76, -106.49, 1_150.0),
    ]
    .iter()
    .map(|&(lat, lon, h)| Geodetic::new(lat, lon, h).to_ecef())
    .collect();
    // A fixed pattern of ±80 ns offsets.
    let replies: Vec<Vec<Arrival>> = (0..256)
        .map(|k| {
            let (row, col) = ((k % 16) as f64, (k / 16) as f64);
            let truth = Geodetic::new(31.0 + row * 0.1, -112.0 + col * 0.3, 6_000.0).to_ecef();
            receivers
                .iter()
                .enumerate()
                .map(|(i, r)| Arrival {
                    receiver: *r,
                    time_s: 10.0
                        + distance(*r, truth) / C
                        + 80e-9 * (((k * 7 + i * 13) % 11) as f64 / 5.0 - 1.0),
                    sigma_s: 80e-9,
                })
                .collect()
        })
        .collect();
    let altitude = Some(Altitude {
        height_m: 6_000.0,
        sigma_m: 50.0,
    });
    let config = SolverConfig::default();
    let mut group = c.benchmark_group("mlat");
    group.throughput(Throughput::Elements(replies.len() as u64));
    group.bench_function("solve_6_receivers_with_altitude", |b| {
        b.iter(|| {
            replies
                .iter()
                .filter(|arrivals| solve(arrivals, altitude, &config).is_ok())
                .count()
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
