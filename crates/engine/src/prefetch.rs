//! A hint to the memory system: start loading a cache line that will be read soon.
//!
//! The engine's state for a crowded district (tracks, the encounter grid's cell
//! lists) is larger than the caches, so most messages wait on memory several times.
//! [`crate::Engine::process_batch`] asks for the track of the message four places
//! ahead, and the encounter scan for its cell lists before it reads them, so those
//! waits overlap with work.

/// Asks for the cache line holding `p`. Never reads through `p` in the program's
/// sense: an address that is dangling or null is harmless (the hint is dropped).
#[inline(always)]
fn prefetch<T>(p: *const T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: `prefetcht0` is a hint; it does not fault on any address and has no
    // architectural effect, so any pointer value is allowed.
    unsafe {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        _mm_prefetch::<_MM_HINT_T0>(p.cast::<i8>());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}

/// [`prefetch`] for the `lines` cache lines from `p` on.
#[inline(always)]
pub(crate) fn prefetch_lines<T>(p: *const T, lines: usize) {
    let p = p.cast::<u8>();
    for line in 0..lines {
        prefetch(p.wrapping_add(line * 64));
    }
}
