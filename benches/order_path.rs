//! Per-order CPU without the network (make bench): parse, validate, price and render both
//! emails, for a JSON body and a form-encoded one.

use criterion::{Criterion, criterion_group, criterion_main};

#[path = "../examples/support/order_path.rs"]
mod order_path;

fn order_path(c: &mut Criterion) {
    let trainers = order_path::trainers();
    let mut group = c.benchmark_group("order_path");
    for (name, sample) in [
        ("json", order_path::json_order()),
        ("form", order_path::form_order()),
    ] {
        group.bench_function(name, |b| {
            b.iter(|| order_path::process(std::hint::black_box(&sample), &trainers))
        });
    }
    group.finish();
}

criterion_group!(benches, order_path);
criterion_main!(benches);
