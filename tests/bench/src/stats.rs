//! Small statistics and formatting helpers.

use std::time::Duration;

/// The median (mean of the two middle values for an even count).
pub fn median(values: &[f64]) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

/// CPU time consumed so far by the calling thread, in seconds.
///
/// The measuring process runs its client on one thread (a current-thread
/// Tokio runtime), so this is the client's own work, unaffected by time
/// spent waiting for the server or for a CPU taken by another process.
pub fn thread_cpu() -> f64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    if rc != 0 {
        return f64::NAN;
    }
    ts.tv_sec as f64 + ts.tv_nsec as f64 * 1e-9
}

/// Wall-clock and thread CPU time of one measured round.
#[derive(Debug, Clone, Copy)]
pub struct Sample {
    pub wall: f64,
    pub cpu: f64,
}

/// Starts timing a round; [`Timer::stop`] divides by the repetitions.
pub struct Timer {
    wall: std::time::Instant,
    cpu: f64,
}

impl Timer {
    pub fn start() -> Timer {
        Timer {
            cpu: thread_cpu(),
            wall: std::time::Instant::now(),
        }
    }

    pub fn stop(self, reps: usize) -> Sample {
        let wall = secs(self.wall.elapsed());
        let cpu = thread_cpu() - self.cpu;
        Sample {
            wall: wall / reps as f64,
            cpu: cpu / reps as f64,
        }
    }
}

/// Interleaved rounds of two sides: the generated client and the hand-written code.
#[derive(Debug, Default)]
pub struct Pair {
    pub generated: Vec<Sample>,
    pub hand: Vec<Sample>,
}

impl Pair {
    pub fn push(&mut self, generated: Sample, hand: Sample) {
        self.generated.push(generated);
        self.hand.push(hand);
    }

    fn ratios(&self, f: fn(&Sample) -> f64) -> Vec<f64> {
        self.generated
            .iter()
            .zip(&self.hand)
            .map(|(g, h)| f(g) / f(h))
            .collect()
    }

    /// Median over rounds of generated / hand-written wall-clock time.
    pub fn wall_ratio(&self) -> f64 {
        median(&self.ratios(|s| s.wall))
    }

    /// Median over rounds of generated / hand-written thread CPU time.
    pub fn cpu_ratio(&self) -> f64 {
        median(&self.ratios(|s| s.cpu))
    }

    /// The middle half of the per-round wall-clock ratios, as text.
    pub fn wall_spread(&self) -> String {
        quartiles(&self.ratios(|s| s.wall))
    }

    /// The middle half of the per-round CPU ratios, as text.
    pub fn cpu_spread(&self) -> String {
        quartiles(&self.ratios(|s| s.cpu))
    }
}

fn quartiles(ratios: &[f64]) -> String {
    let mut v = ratios.to_vec();
    v.sort_by(f64::total_cmp);
    let q = |f: f64| v[((v.len() - 1) as f64 * f).round() as usize];
    format!("{} … {}", pct(q(0.25)), pct(q(0.75)))
}

/// Median wall-clock and CPU time of samples.
pub fn median_sample(samples: &[Sample]) -> Sample {
    Sample {
        wall: median(&samples.iter().map(|s| s.wall).collect::<Vec<_>>()),
        cpu: median(&samples.iter().map(|s| s.cpu).collect::<Vec<_>>()),
    }
}

/// Seconds as f64.
pub fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

/// A duration in seconds, shown with a unit that keeps 3 significant digits.
pub fn time(s: f64) -> String {
    if s >= 1.0 {
        format!("{s:.2} s")
    } else if s >= 1e-3 {
        sig(s * 1e3, "ms")
    } else if s >= 1e-6 {
        sig(s * 1e6, "µs")
    } else {
        sig(s * 1e9, "ns")
    }
}

fn sig(v: f64, unit: &str) -> String {
    if v >= 100.0 {
        format!("{v:.0} {unit}")
    } else if v >= 10.0 {
        format!("{v:.1} {unit}")
    } else {
        format!("{v:.2} {unit}")
    }
}

/// Bytes, in KiB or MiB.
pub fn bytes(b: f64) -> String {
    if b.abs() >= 1024.0 * 1024.0 {
        format!("{:.2} MiB", b / (1024.0 * 1024.0))
    } else {
        format!("{:.1} KiB", b / 1024.0)
    }
}

/// A ratio as a signed percentage difference (`1.032` → `+3.2 %`).
pub fn pct(ratio: f64) -> String {
    format!("{:+.1} %", (ratio - 1.0) * 100.0)
}

/// A goal and whether this run met it, for the summary table.
#[derive(Debug, Clone)]
pub struct Goal {
    pub name: String,
    pub measured: String,
    pub met: bool,
}

impl Goal {
    pub fn new(name: impl Into<String>, measured: impl Into<String>, met: bool) -> Goal {
        Goal {
            name: name.into(),
            measured: measured.into(),
            met,
        }
    }

    /// One tab-separated line (read back by `cargo xtask bench`).
    pub fn line(&self) -> String {
        let clean = |s: &str| s.replace(['\t', '\n'], " ");
        format!(
            "{}\t{}\t{}",
            clean(&self.name),
            clean(&self.measured),
            if self.met { "yes" } else { "no" }
        )
    }
}
