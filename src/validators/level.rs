//! How much a validation shows: errors only, warnings and errors (the default), or everything
//! including informational notes. The same choice is `errbook validate --level`, the preview
//! server's `?level=` and the widget's "Show" menu.

use std::fmt;
use std::str::FromStr;

use super::Finding;
use crate::diagnostic::Severity;

/// The least severe finding shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Level {
    Error,
    /// Warnings and errors: what is wrong, without the advice.
    #[default]
    Warning,
    /// Everything, including advice and listings (`info`).
    Info,
}

impl Level {
    pub const NAMES: [&'static str; 3] = ["error", "warning", "info"];

    fn least(self) -> Severity {
        match self {
            Level::Error => Severity::Error,
            Level::Warning => Severity::Warning,
            Level::Info => Severity::Info,
        }
    }

    /// Whether a finding of this severity is shown at this level.
    pub fn shows(self, severity: Severity) -> bool {
        severity >= self.least()
    }

    /// The findings shown at this level, in their order.
    pub fn filter(self, findings: Vec<Finding>) -> Vec<Finding> {
        findings
            .into_iter()
            .filter(|f| self.shows(f.severity))
            .collect()
    }
}

impl FromStr for Level {
    type Err = String;

    fn from_str(s: &str) -> Result<Level, String> {
        match s {
            "error" => Ok(Level::Error),
            "warning" => Ok(Level::Warning),
            "info" => Ok(Level::Info),
            _ => Err(format!(
                "unknown level `{s}`; use one of {}",
                Level::NAMES.join(", ")
            )),
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Info => "info",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_show_their_severity_and_above() {
        assert!(Level::Warning.shows(Severity::Error));
        assert!(Level::Warning.shows(Severity::Warning));
        assert!(!Level::Warning.shows(Severity::Info));
        assert!(Level::Info.shows(Severity::Info));
        assert!(!Level::Error.shows(Severity::Warning));
        assert_eq!("info".parse::<Level>(), Ok(Level::Info));
        assert!("notes".parse::<Level>().is_err());
        assert_eq!(Level::default(), Level::Warning);
    }
}
