//! Writes `docs/walks.md`: every walk's timeline.
//!
//! ```text
//! cargo run -p teichaku-walk --example walks > docs/walks.md
//! ```

use std::io::Write;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let catalog = teichaku::Catalog::builtin();
    let specs = teichaku_walk::WalkSpec::all(&catalog);
    let walks = teichaku_walk::run_all(&specs, &catalog)?;
    let page = teichaku_walk::markdown(&walks);
    std::io::stdout().lock().write_all(page.as_bytes())?;
    Ok(())
}
