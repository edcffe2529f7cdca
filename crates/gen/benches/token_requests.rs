//! Valid token requests generated and serialized per second, beside the cost of serializing
//! one fixed request of median size in the same run: the ratio is what generation adds.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use idenfy_gen::{arb_token_request, runner_from_seed, sample};
use proptest::strategy::{Strategy, ValueTree};

fn token_requests(c: &mut Criterion) {
    let strategy = arb_token_request();
    let mut fixed = sample(&strategy, 1, 101);
    fixed.sort_by_key(|request| serde_json::to_vec(request).map_or(0, |json| json.len()));
    let fixed = fixed.swap_remove(fixed.len() / 2);

    let mut group = c.benchmark_group("token_requests");
    group.throughput(Throughput::Elements(1));
    let mut runner = runner_from_seed(1);
    let mut buffer = Vec::with_capacity(4096);
    group.bench_function("generate_and_serialize", |b| {
        b.iter(|| {
            let request = strategy
                .new_tree(&mut runner)
                .expect("never rejects")
                .current();
            buffer.clear();
            serde_json::to_writer(&mut buffer, &request).expect("serializes");
            black_box(buffer.len())
        })
    });
    group.bench_function("serialize_fixed", |b| {
        b.iter(|| {
            buffer.clear();
            serde_json::to_writer(&mut buffer, black_box(&fixed)).expect("serializes");
            black_box(buffer.len())
        })
    });
    group.finish();
}

criterion_group!(benches, token_requests);
criterion_main!(benches);
