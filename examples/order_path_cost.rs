//! `order_path_cost FORMAT N`: processes the sample order (json or form) N times, for
//! `valgrind --tool=callgrind` in make bench. The instructions of one order are the difference
//! between two counts divided by the difference of their N, so start-up cancels out.

#[path = "support/order_path.rs"]
mod order_path;

fn main() {
    let mut args = std::env::args().skip(1);
    let sample = match args.next().as_deref() {
        Some("json") => order_path::json_order(),
        Some("form") => order_path::form_order(),
        _ => {
            eprintln!("usage: order_path_cost json|form N");
            std::process::exit(2);
        }
    };
    let times: u32 = args.next().and_then(|n| n.parse().ok()).unwrap_or(1);
    let trainers = order_path::trainers();
    let mut bytes = 0;
    for _ in 0..times {
        let (customer, trainer) = order_path::process(&sample, &trainers);
        bytes += std::hint::black_box(customer.html.len() + trainer.html.len());
    }
    println!("{times} orders, {bytes} bytes of HTML");
}
