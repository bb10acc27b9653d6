//! A global allocator that can count live heap bytes and their peak.
//!
//! Counting is off by default (one relaxed load per allocation), so timed
//! measurements pay nothing for it; [`Tracking::start`] turns it on for a
//! memory measurement. Bytes are counted from the moment counting starts:
//! freeing memory allocated before that only lowers the count, so peaks are
//! reported above the level at the start.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, AtomicIsize, AtomicUsize, Ordering::Relaxed};

pub struct Counting;

static ON: AtomicBool = AtomicBool::new(false);
static LIVE: AtomicIsize = AtomicIsize::new(0);
static PEAK: AtomicIsize = AtomicIsize::new(0);
static CALLS: AtomicUsize = AtomicUsize::new(0);
static BYTES: AtomicUsize = AtomicUsize::new(0);

fn grow(bytes: usize) {
    if ON.load(Relaxed) {
        CALLS.fetch_add(1, Relaxed);
        BYTES.fetch_add(bytes, Relaxed);
        let now = LIVE.fetch_add(bytes as isize, Relaxed) + bytes as isize;
        PEAK.fetch_max(now, Relaxed);
    }
}

fn shrink(bytes: usize) {
    if ON.load(Relaxed) {
        LIVE.fetch_sub(bytes as isize, Relaxed);
    }
}

// SAFETY: every call is forwarded unchanged to the system allocator; the
// counters are only bookkeeping.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            grow(layout.size());
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            grow(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        shrink(layout.size());
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            if new_size >= layout.size() {
                grow(new_size - layout.size());
            } else {
                shrink(layout.size() - new_size);
            }
        }
        p
    }
}

/// A memory measurement in progress: counting is on until it is finished.
pub struct Tracking {
    start: isize,
}

impl Tracking {
    /// Turns counting on; the current level becomes the reference.
    pub fn start() -> Tracking {
        LIVE.store(0, Relaxed);
        PEAK.store(0, Relaxed);
        CALLS.store(0, Relaxed);
        BYTES.store(0, Relaxed);
        ON.store(true, Relaxed);
        Tracking {
            start: LIVE.load(Relaxed),
        }
    }

    /// Bytes live now, above the level at the start (may be negative when
    /// older memory was freed).
    pub fn live(&self) -> isize {
        LIVE.load(Relaxed) - self.start
    }

    /// Makes the current level the peak, so that [`peak`](Self::peak)
    /// reports the highest level reached from now on.
    pub fn reset_peak(&self) {
        PEAK.store(LIVE.load(Relaxed), Relaxed);
    }

    /// The highest level reached since the start or the last reset, above
    /// the level at the start.
    pub fn peak(&self) -> isize {
        PEAK.load(Relaxed) - self.start
    }
}

impl Tracking {
    /// Allocations (and growing reallocations) so far, and the bytes they
    /// asked for.
    pub fn allocations(&self) -> (usize, usize) {
        (CALLS.load(Relaxed), BYTES.load(Relaxed))
    }
}

impl Drop for Tracking {
    fn drop(&mut self) {
        ON.store(false, Relaxed);
    }
}
