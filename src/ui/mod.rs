//! What the user sees: styling, prompts, progress, and the report types (one per JSON line,
//! each with its human rendering).

pub mod output;
pub mod progress;
pub mod prompt;
pub mod report;
