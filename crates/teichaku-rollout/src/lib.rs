//! The teichaku rollout engine: a playbook drawn as a graph today; the instantiated activity
//! graph, schedule, readiness and next actions build on it.
//!
//! ```
//! # fn playbook() -> teichaku_model::Playbook { unimplemented!() }
//! # if false {
//! let mermaid = teichaku_rollout::playbook_mermaid(&playbook(), teichaku_model::Lang::En);
//! assert!(mermaid.starts_with("flowchart TD"));
//! # }
//! ```

#![forbid(unsafe_code)]

mod graph;

pub use graph::{playbook_dot, playbook_mermaid};
