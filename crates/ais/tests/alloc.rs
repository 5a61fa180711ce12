//! The hot path allocates nothing: decoding single-sentence position
//! reports (with tag blocks) performs zero heap allocations once the
//! decoder exists. Checked with a global allocator that counts the
//! allocations of the measuring thread only (the test harness allocates on
//! its own threads meanwhile).

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

struct Counting;

thread_local! {
    static MEASURING: Cell<bool> = const { Cell::new(false) };
    static ALLOCS: Cell<usize> = const { Cell::new(0) };
}

fn note() {
    if MEASURING.with(Cell::get) {
        ALLOCS.with(|a| a.set(a.get() + 1));
    }
}

fn allocs() -> usize {
    ALLOCS.with(Cell::get)
}

/// Runs `f` with this thread's allocations counted; returns how many it made.
fn allocations_in(f: impl FnOnce()) -> usize {
    let before = allocs();
    MEASURING.with(|m| m.set(true));
    f();
    MEASURING.with(|m| m.set(false));
    allocs() - before
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note();
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note();
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

#[test]
fn position_reports_do_not_allocate() {
    let lines: [&[u8]; 4] = [
        b"\\s:2573238,c:1733782034*0A\\!BSVDM,1,1,,A,13o4g`00000I2ENRH4g83S0L088C,0*3F",
        b"\\s:reencoded,c:1593475200*43\\!AIVDM,1,1,,A,B5MwrC0006c>mQ5l6qJs9s040000,0*54",
        b"!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A\r\n",
        b"!AIVDM,1,1,,A,KCQ9r=hrFUnH7P00,0*41",
    ];
    let mut dec = jinghai_ais::Decoder::new();
    let mut n = 0;
    let made = allocations_in(|| {
        for _ in 0..1000 {
            for l in lines {
                if let Ok(Some(d)) = dec.decode_line(l) {
                    n += d.message.fix().is_some() as usize;
                }
            }
        }
    });
    assert_eq!(n, 4000);
    assert_eq!(made, 0, "allocations on the hot path");
}

/// The message type of each line, decoded by a fresh decoder (each line
/// must decode to a message).
fn types_of(lines: &[&[u8]]) -> Vec<u8> {
    let mut dec = jinghai_ais::Decoder::new();
    lines
        .iter()
        .map(|l| dec.decode_line(l).unwrap().unwrap().message.msg_type())
        .collect()
}

/// Acknowledgements (7), interrogations (15), assigned-mode commands (16)
/// and data link management (20), a base station's routine, keep their
/// short lists inline: no allocation either, moved or lent.
#[test]
fn short_lists_do_not_allocate() {
    let lines: [&[u8]; 5] = [
        b"!AIVDM,1,1,,A,73dnov00OEH=,0*4E",
        b"!AIVDM,1,1,,B,?3oL?R0p<6I0D00,2*12",
        b"!AIVDM,1,1,,A,@01uEOPhqwEP<P00,0*5F",
        b"!BSVDM,1,1,,B,D025bvh5hDfr<`D00AdT0000000,2*65",
        b"!AIVDM,1,1,,B,D02;bFA?`@01?`@01?`@01?`@00,2*3E",
    ];
    assert_eq!(types_of(&lines), [7, 15, 16, 20, 20]);
    let mut moved = jinghai_ais::Decoder::new();
    let mut lent = jinghai_ais::Decoder::new();
    let mut n = 0;
    let made = allocations_in(|| {
        for _ in 0..1000 {
            for l in lines {
                n += moved.decode_line(l).is_ok_and(|d| d.is_some()) as usize;
                n += lent.decode_line_ref(l).is_ok_and(|d| d.is_some()) as usize;
            }
        }
    });
    assert_eq!(n, 10_000);
    assert_eq!(made, 0, "allocations for types 7, 15, 16, 20");
}

/// A lent binary message (types 6 and 8, raw data bytes) reuses the bytes
/// of the one before, whatever came between.
#[test]
fn lent_binary_reuses_its_bytes() {
    let lines: [&[u8]; 4] = [
        b"!AIVDM,1,1,,A,83aEQw@j2d<dtttM=B9Q3gbh00P0,0*1B",
        b"!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A",
        b"!BSVDM,1,1,,A,63@oGaP0QNUB005115DW@wV?30PL0P4h<C0nAD@kATA6,0*58",
        b"!AIVDM,1,1,,A,83aC4PPj2d<ttL=<<@D0N@2E4d00,0*57",
    ];
    assert_eq!(types_of(&lines), [8, 1, 6, 8]);
    let mut lent = jinghai_ais::Decoder::new();
    let mut want = Vec::new();
    for l in lines {
        want.push(lent.decode_line_ref(l).unwrap().cloned());
    }
    let mut n = 0;
    let made = allocations_in(|| {
        for _ in 0..1000 {
            for (l, w) in lines.iter().zip(&want) {
                let got = lent.decode_line_ref(l).unwrap();
                n += usize::from(got == w.as_ref());
            }
        }
    });
    assert_eq!(n, 4000);
    assert_eq!(made, 0, "allocations for lent binary messages");
}

#[test]
fn the_counter_works() {
    let mut v = Vec::new();
    let made = allocations_in(|| v = std::hint::black_box(vec![1u8; 100]));
    drop(v);
    assert!(made >= 1);
}

/// A two-sentence type 5 allocates its box and nothing else (its texts are
/// inline; reassembly reuses its buffers), with or without tag blocks.
#[test]
fn static_voyage_allocates_its_box_only() {
    let lines: [&[u8]; 4] = [
        b"!AIVDM,2,1,1,,53cMa3@000010WSW?V105=<45B2222222222220t388151:9e2UiDm851DTh,0*65",
        b"!AIVDM,2,2,1,,j1C32CQp888,2*17",
        b"\\c:1593475200*53\\!AIVDM,2,1,3,B,55NBjP01mtGIL@CW;SM<D60P5Ld000000000000P0000000000000000000000,0*6B",
        b"!AIVDM,2,2,3,B,00000000000,2*24",
    ];
    let mut dec = jinghai_ais::Decoder::new();
    // Warm up: the reassembly table and its buffers.
    for l in lines {
        let _ = dec.decode_line(l);
    }
    let mut n = 0;
    let made = allocations_in(|| {
        for _ in 0..1000 {
            for l in lines {
                if let Ok(Some(d)) = dec.decode_line(l) {
                    n += d.message.static_info().is_some() as usize;
                }
            }
        }
    });
    assert_eq!(n, 2000, "{}", dec.stats());
    assert_eq!(made, 2000, "allocations per type 5");
}

/// Lent (`decode_line_ref`), a type 5 message is decoded into the box of
/// the one before, and so is a type 24 (parts A and B), kept by the
/// decoder even while position reports pass between them: no allocation
/// at all once warm.
#[test]
fn lent_static_voyage_reuses_its_box() {
    let lines: [&[u8]; 8] = [
        b"!BSVDM,1,1,,B,H3@oOMDU3?=1B00H@4qmln000000,0*1B",
        b"!BSVDM,1,1,,B,H3@w7l4N>?B4C?0?GG=0004H8440,0*2C",
        b"!AIVDM,2,1,1,,53cMa3@000010WSW?V105=<45B2222222222220t388151:9e2UiDm851DTh,0*65",
        b"!AIVDM,2,2,1,,j1C32CQp888,2*17",
        b"!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A",
        b"\\c:1593475200*53\\!AIVDM,2,1,3,B,55NBjP01mtGIL@CW;SM<D60P5Ld000000000000P0000000000000000000000,0*6B",
        b"!AIVDM,2,2,3,B,00000000000,2*24",
        b"\\s:2573238,c:1733782034*0A\\!BSVDM,1,1,,A,13o4g`00000I2ENRH4g83S0L088C,0*3F",
    ];
    let mut dec = jinghai_ais::Decoder::new();
    let mut moved = jinghai_ais::Decoder::new();
    // Warm up, and the same messages as `decode_line`'s.
    for l in lines {
        assert_eq!(
            dec.decode_line_ref(l).map(|d| d.cloned()),
            moved.decode_line(l)
        );
    }
    let (mut statics, mut fixes) = (0, 0);
    let made = allocations_in(|| {
        for _ in 0..1000 {
            for l in lines {
                if let Ok(Some(d)) = dec.decode_line_ref(l) {
                    statics += d.message.static_info().is_some() as usize;
                    fixes += d.message.fix().is_some() as usize;
                }
            }
        }
    });
    assert_eq!(dec.stats().by_type[24], 2 * 1001, "{}", dec.stats());
    assert_eq!((statics, fixes), (4000, 2000), "{}", dec.stats());
    assert_eq!(made, 0, "allocations, lent");
}
