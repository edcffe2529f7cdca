//! Fake identities drawn per second with `Identity::fake`, as the simulator draws one for every
//! `dummyStatus` token request, from one long-lived seeded stream.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use idenfy_gen::{Identity, rng_from_seed};

fn identity(c: &mut Criterion) {
    let mut group = c.benchmark_group("identity");
    group.throughput(Throughput::Elements(1));
    let mut rng = rng_from_seed(1);
    group.bench_function("fake", |b| b.iter(|| black_box(Identity::fake(&mut rng))));
    group.finish();
}

criterion_group!(benches, identity);
criterion_main!(benches);
