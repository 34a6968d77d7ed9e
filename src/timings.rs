//! How long each step of a command took, printed by `--verbose`: where
//! the time of a large build goes, without a profiler.

use std::cell::RefCell;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

static ON: AtomicBool = AtomicBool::new(false);

thread_local! {
    /// The steps of this thread in the order they started: name, nesting
    /// depth, time taken.
    static STEPS: RefCell<Steps> = const {
        RefCell::new(Steps {
            list: Vec::new(),
            depth: 0,
        })
    };
}

struct Steps {
    list: Vec<(&'static str, usize, Option<Duration>)>,
    depth: usize,
}

/// Starts recording steps (`--verbose`).
pub fn enable() {
    ON.store(true, Ordering::Relaxed);
}

/// Runs `f` as the step `name`; steps run inside it are nested under it.
pub fn step<T>(name: &'static str, f: impl FnOnce() -> T) -> T {
    if !ON.load(Ordering::Relaxed) {
        return f();
    }
    let index = STEPS.with_borrow_mut(|s| {
        let depth = s.depth;
        s.list.push((name, depth, None));
        s.depth += 1;
        s.list.len() - 1
    });
    let started = Instant::now();
    let result = f();
    let took = started.elapsed();
    STEPS.with_borrow_mut(|s| {
        s.list[index].2 = Some(took);
        s.depth -= 1;
    });
    result
}

/// This thread's finished steps, one per line, indented by nesting; they
/// are forgotten.
pub fn take_report() -> String {
    let list = STEPS.with_borrow_mut(|s| std::mem::take(&mut s.list));
    let mut out = String::new();
    for (name, depth, took) in list {
        if let Some(took) = took {
            let ms = took.as_secs_f64() * 1000.0;
            out.push_str(&format!(
                "{:indent$}{name}: {ms:.1} ms\n",
                "",
                indent = 2 + 2 * depth
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_nest_and_are_listed_in_the_order_they_started() {
        enable();
        let v = step("outer", || step("inner", || 7) + step("second", || 1));
        assert_eq!(v, 8);
        let report = take_report();
        let lines: Vec<&str> = report.lines().collect();
        let names: Vec<&str> = lines
            .iter()
            .map(|l| l.trim_start().split(':').next().unwrap())
            .collect();
        assert_eq!(names, ["outer", "inner", "second"]);
        assert!(lines[0].starts_with("  outer: ") && lines[1].starts_with("    inner: "));
        assert!(lines.iter().all(|l| l.ends_with(" ms")));
        assert_eq!(take_report(), "", "a report is given once");
    }
}
