//! Benchmark: the `litellm-proxy` validator on a generated config with 1,000 model groups and
//! 1,000 fallback entries (one long fallback chain closed into a cycle, so cycle detection walks
//! every group). Prints the time per validation.
//!
//! Run: `cargo bench --bench validate_litellm` (optionally `-- <groups> <iterations>`).

use std::fmt::Write;
use std::time::Instant;

use errbook::validators;

// The allocator of the errbook binary, so the figures are the command's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// A config with `groups` model groups of one deployment each, and one fallback entry per group
/// pointing at the next two groups; the last points back at the first.
fn generated_config(groups: usize) -> String {
    let mut text = String::from("model_list:\n");
    for i in 0..groups {
        let _ = write!(
            text,
            "  - model_name: group-{i}\n    litellm_params:\n      model: openai/model-{i}\n      api_key: os.environ/OPENAI_KEY_{}\n      rpm: {}\n    model_info:\n      id: deployment-{i}\n",
            i % 10,
            100 + i
        );
    }
    text.push_str(
        "router_settings:\n  routing_strategy: simple-shuffle\n  num_retries: 2\n  fallbacks:\n",
    );
    for i in 0..groups {
        let next = (i + 1) % groups;
        let after = (i + 2) % groups;
        let _ = writeln!(
            text,
            "    - {{\"group-{i}\": [\"group-{next}\", \"group-{after}\"]}}"
        );
    }
    text
}

fn main() {
    let mut args = std::env::args().skip(1).filter(|a| !a.starts_with("--"));
    let groups: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(1000);
    let iterations: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(200);
    let text = generated_config(groups);
    let validator = validators::find("litellm-proxy").expect("registered");

    let findings = validator.validate(&text);
    let mut per_rule = std::collections::BTreeMap::new();
    for f in &findings {
        *per_rule.entry(f.rule).or_insert(0usize) += 1;
    }
    println!(
        "config: {groups} model groups, {groups} fallback entries, {} bytes, {} lines; findings: {per_rule:?}",
        text.len(),
        text.lines().count()
    );

    let mut times = Vec::with_capacity(iterations);
    for _ in 0..iterations {
        let started = Instant::now();
        let findings = validator.validate(&text);
        times.push(started.elapsed());
        std::hint::black_box(findings);
    }
    times.sort();
    let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
    let mean = times.iter().map(|d| ms(*d)).sum::<f64>() / times.len() as f64;
    println!(
        "validate: {iterations} runs, min {:.2} ms, median {:.2} ms, mean {mean:.2} ms, max {:.2} ms",
        ms(times[0]),
        ms(times[times.len() / 2]),
        ms(times[times.len() - 1])
    );
}
