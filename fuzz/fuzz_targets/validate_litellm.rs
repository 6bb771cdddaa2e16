//! Fuzz target: any text as a LiteLLM proxy config goes through the `litellm-proxy` validator
//! without a panic or a hang, and every finding is located inside the text.
#![no_main]

use errbook::validators;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let validator = validators::find("litellm-proxy").expect("registered");
    let findings = validator.validate(text);
    let lines = text.split('\n').count().max(1);
    for f in &findings {
        assert!(f.line >= 1 && f.column >= 1, "{f:?}");
        assert!(f.line <= lines, "{f:?} past the last line {lines}");
        assert!(validator.rules().iter().any(|r| r.id == f.rule), "{f:?}");
    }
});
