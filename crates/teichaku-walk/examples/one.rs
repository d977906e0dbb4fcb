//! Runs one walk and prints its steps and violations: `cargo run -p teichaku-walk --example one -- sme-five-step hybrid five-units 3`.
//! A fifth argument `top` prints each step's top 10 actions too.

use std::io::Write;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let get = |i: usize, d: &str| args.get(i).cloned().unwrap_or_else(|| d.to_owned());
    let catalog = teichaku::Catalog::builtin();
    let pattern = match get(1, "hybrid").as_str() {
        "top_down" => teichaku::model::DeploymentPattern::TopDown,
        "bottom_up" => teichaku::model::DeploymentPattern::BottomUp,
        _ => teichaku::model::DeploymentPattern::Hybrid,
    };
    let shape = match get(2, "five-units").as_str() {
        "one-unit" => teichaku_walk::Shape::OneUnit,
        "forty-units" => teichaku_walk::Shape::FortyUnits,
        _ => teichaku_walk::Shape::FiveUnits,
    };
    let spec = teichaku_walk::WalkSpec::new(&get(0, "sme-five-step"), pattern, shape, get(3, "3").parse()?);
    let walk = teichaku_walk::run(&spec, &catalog)?;
    let mut out = std::io::stdout().lock();
    for s in &walk.steps {
        writeln!(
            out,
            "day {:>3} phase {:<28} waves {:?} wa {:?} habit {:?} barrier {}",
            s.day,
            s.current_phase.as_ref().map_or("-", |p| p.as_str()),
            s.waves_started,
            s.weekly_active.map(|v| (v * 100.0).round()),
            s.habit.map(|v| (v * 100.0).round()),
            s.barrier.as_ref().map_or("-", |c| c.as_str())
        )?;
        if get(4, "").as_str() == "top" {
            for line in &s.top {
                writeln!(out, "    {line}")?;
            }
        }
        for d in &s.done {
            writeln!(
                out,
                "      did {} @ {:?} completed={} effect={} appointed={}",
                d.code,
                d.scope,
                d.completed,
                d.effect.as_str(),
                d.appointed
            )?;
        }
    }
    for v in &walk.violations {
        write!(out, "{v}")?;
    }
    Ok(())
}
