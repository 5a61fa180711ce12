//! A small PDF writer for official-style Chinese documents: A4 pages of
//! text, rules, tables and bar charts, with one CJK font embedded as a
//! subset (only the glyphs used) so a bulletin stays small.
//!
//! The font is read by the caller (the server, from a configurable path)
//! and handed in as bytes: TrueType (`glyf`, e.g. WenQuanYi Zen Hei from
//! `fonts-wqy-zenhei`) is embedded as a CIDFontType2 with `FontFile2`; CFF
//! OpenType (e.g. Noto Sans CJK from `fonts-noto-cjk`) as a CIDFontType0
//! with `FontFile3/OpenType`. Collections (`.ttc`) take a face index. Text
//! is written with Identity-H encoding (two-byte glyph ids of the subset)
//! and carries a ToUnicode map, so it can be searched and copied.
//!
//! Bold is drawn as fill-and-stroke of the same glyphs (official documents
//! use a heavier face; one regular face keeps the dependency on a single
//! font file).

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::sync::Arc;

use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, TextRenderingMode, UnicodeCmap};
use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, Str};

/// Why a PDF could not be made.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("font: {0}")]
    Font(String),
    #[error("font subset: {0}")]
    Subset(String),
}

/// A loaded font face.
#[derive(Clone)]
pub struct Font {
    data: Arc<Vec<u8>>,
    index: u32,
    cff: bool,
    units_per_em: f32,
    name: String,
}

impl std::fmt::Debug for Font {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Font({}, {} bytes)", self.name, self.data.len())
    }
}

impl Font {
    /// Checks the face: it must parse and have Chinese glyphs.
    pub fn new(data: Vec<u8>, index: u32) -> Result<Font, PdfError> {
        let face =
            ttf_parser::Face::parse(&data, index).map_err(|e| PdfError::Font(e.to_string()))?;
        if face.glyph_index('中').is_none() || face.glyph_index('海').is_none() {
            return Err(PdfError::Font("the font has no Chinese glyphs".into()));
        }
        let cff = face.tables().cff.is_some() && face.tables().glyf.is_none();
        if !cff && face.tables().glyf.is_none() {
            return Err(PdfError::Font(
                "the font has neither TrueType nor CFF outlines".into(),
            ));
        }
        let name = face
            .names()
            .into_iter()
            .find(|n| n.name_id == ttf_parser::name_id::POST_SCRIPT_NAME)
            .and_then(|n| n.to_string())
            .unwrap_or_else(|| "CJKFont".into())
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect();
        let units_per_em = face.units_per_em() as f32;
        Ok(Font {
            cff,
            units_per_em,
            name,
            index,
            data: Arc::new(data),
        })
    }

    fn face(&self) -> ttf_parser::Face<'_> {
        // Checked in `new`.
        ttf_parser::Face::parse(&self.data, self.index).expect("font checked at load")
    }

    /// Width of `text` at `size` points.
    pub fn width(&self, text: &str, size: f32) -> f32 {
        let face = self.face();
        text.chars()
            .map(|c| {
                face.glyph_index(c)
                    .and_then(|g| face.glyph_hor_advance(g))
                    .unwrap_or((self.units_per_em / 2.0) as u16) as f32
            })
            .sum::<f32>()
            * size
            / self.units_per_em
    }
}

/// An RGB colour, 0–1.
pub type Rgb = [f32; 3];
pub const BLACK: Rgb = [0.0, 0.0, 0.0];
/// The red of an official document's header and rule.
pub const RED: Rgb = [0.85, 0.0, 0.0];
pub const GREY: Rgb = [0.45, 0.45, 0.45];

#[derive(Debug, Clone)]
enum Op {
    Text {
        x: f32,
        y: f32,
        size: f32,
        color: Rgb,
        bold: bool,
        text: String,
    },
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        color: Rgb,
    },
    Line {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        width: f32,
        color: Rgb,
    },
}

pub const A4: (f32, f32) = (595.28, 841.89);

/// A document laid out top to bottom with a cursor, breaking pages as it
/// goes. Margins follow GB/T 9704 roughly (top 37 mm, left 28 mm).
pub struct Doc {
    font: Font,
    pages: Vec<Vec<Op>>,
    y: f32,
    pub left: f32,
    pub right: f32,
    top: f32,
    bottom: f32,
}

impl Doc {
    pub fn new(font: Font) -> Doc {
        Doc {
            font,
            pages: vec![Vec::new()],
            y: A4.1 - 100.0,
            left: 79.0,
            right: A4.0 - 74.0,
            top: A4.1 - 100.0,
            bottom: 80.0,
        }
    }

    pub fn font(&self) -> &Font {
        &self.font
    }

    fn page(&mut self) -> &mut Vec<Op> {
        self.pages.last_mut().expect("a page")
    }

    /// Starts a new page when less than `need` points remain.
    pub fn ensure(&mut self, need: f32) {
        if self.y - need < self.bottom {
            self.pages.push(Vec::new());
            self.y = self.top;
        }
    }

    pub fn space(&mut self, h: f32) {
        self.y -= h;
    }

    pub fn text_at(&mut self, x: f32, y: f32, size: f32, color: Rgb, bold: bool, text: &str) {
        self.page().push(Op::Text {
            x,
            y,
            size,
            color,
            bold,
            text: text.to_string(),
        });
    }

    /// One line, centred.
    pub fn centered(&mut self, text: &str, size: f32, color: Rgb, bold: bool) {
        self.ensure(size * 1.6);
        self.y -= size * 1.3;
        let w = self.font.width(text, size);
        let x = self.left + ((self.right - self.left) - w).max(0.0) / 2.0;
        let y = self.y;
        self.text_at(x, y, size, color, bold, text);
        self.y -= size * 0.3;
    }

    /// One line, right-aligned.
    pub fn right_aligned(&mut self, text: &str, size: f32) {
        self.ensure(size * 1.6);
        self.y -= size * 1.3;
        let w = self.font.width(text, size);
        let (x, y) = (self.right - w, self.y);
        self.text_at(x, y, size, BLACK, false, text);
        self.y -= size * 0.3;
    }

    /// A horizontal rule across the text block.
    pub fn rule(&mut self, color: Rgb, width: f32) {
        self.ensure(8.0);
        self.y -= 4.0;
        let (l, r, y) = (self.left, self.right, self.y);
        self.page().push(Op::Line {
            x1: l,
            y1: y,
            x2: r,
            y2: y,
            width,
            color,
        });
        self.y -= 4.0;
    }

    /// Splits text into lines no wider than `width`: CJK breaks anywhere,
    /// Latin words stay whole where they fit.
    pub fn wrap(&self, text: &str, size: f32, width: f32, first_indent: f32) -> Vec<String> {
        let mut lines = Vec::new();
        let mut line = String::new();
        let mut avail = width - first_indent;
        let mut tokens: Vec<String> = Vec::new();
        let mut word = String::new();
        for c in text.chars() {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                word.push(c);
            } else {
                if !word.is_empty() {
                    tokens.push(std::mem::take(&mut word));
                }
                tokens.push(c.to_string());
            }
        }
        if !word.is_empty() {
            tokens.push(word);
        }
        for tok in tokens {
            let candidate = format!("{line}{tok}");
            if self.font.width(&candidate, size) > avail && !line.is_empty() {
                lines.push(std::mem::take(&mut line));
                avail = width;
                line = tok.trim_start().to_string();
            } else {
                line = candidate;
            }
        }
        if !line.is_empty() {
            lines.push(line);
        }
        lines
    }

    /// A paragraph; `indent` two characters on the first line, as official text is set.
    pub fn paragraph(&mut self, text: &str, size: f32, indent: bool) {
        let first = if indent { size * 2.0 } else { 0.0 };
        let lines = self.wrap(text, size, self.right - self.left, first);
        for (i, l) in lines.iter().enumerate() {
            self.ensure(size * 1.8);
            self.y -= size * 1.6;
            let x = self.left + if i == 0 { first } else { 0.0 };
            let y = self.y;
            self.text_at(x, y, size, BLACK, false, l);
        }
        self.y -= size * 0.3;
    }

    /// A heading line (bold, left).
    pub fn heading(&mut self, text: &str, size: f32) {
        self.ensure(size * 4.0);
        self.y -= size * 1.8;
        let (x, y) = (self.left + size * 2.0, self.y);
        self.text_at(x, y, size, BLACK, true, text);
        self.y -= size * 0.3;
    }

    /// A table with a bold header row; columns sized by `weights`.
    pub fn table(&mut self, head: &[&str], rows: &[Vec<String>], weights: &[f32], size: f32) {
        let total: f32 = weights.iter().sum();
        let width = self.right - self.left;
        let cols: Vec<f32> = weights.iter().map(|w| w / total * width).collect();
        let pad = 3.0;
        let draw_row = |doc: &mut Doc, cells: &[String], bold: bool| {
            let wrapped: Vec<Vec<String>> = cells
                .iter()
                .zip(&cols)
                .map(|(c, w)| doc.wrap(c, size, w - 2.0 * pad, 0.0))
                .collect();
            let lines = wrapped.iter().map(|w| w.len().max(1)).max().unwrap_or(1);
            let h = lines as f32 * size * 1.35 + 2.0 * pad;
            doc.ensure(h + 2.0);
            let top = doc.y;
            let mut x = doc.left;
            for (k, cell) in wrapped.iter().enumerate() {
                for (i, l) in cell.iter().enumerate() {
                    let ty = top - pad - size * 1.05 - i as f32 * size * 1.35;
                    doc.text_at(x + pad, ty, size, BLACK, bold, l);
                }
                x += cols[k];
            }
            let (l, r) = (doc.left, doc.right);
            let bottom = top - h;
            let mut lines_ops = vec![
                Op::Line {
                    x1: l,
                    y1: top,
                    x2: r,
                    y2: top,
                    width: 0.6,
                    color: BLACK,
                },
                Op::Line {
                    x1: l,
                    y1: bottom,
                    x2: r,
                    y2: bottom,
                    width: 0.6,
                    color: BLACK,
                },
            ];
            let mut x = l;
            for c in cols.iter().chain(std::iter::once(&0.0)) {
                lines_ops.push(Op::Line {
                    x1: x,
                    y1: top,
                    x2: x,
                    y2: bottom,
                    width: 0.6,
                    color: BLACK,
                });
                x += c;
            }
            doc.page().extend(lines_ops);
            doc.y = bottom;
        };
        let head: Vec<String> = head.iter().map(|s| s.to_string()).collect();
        draw_row(self, &head, true);
        for r in rows {
            draw_row(self, r, false);
        }
        self.y -= size;
    }

    /// A horizontal bar chart of signed values, labels on the left.
    pub fn bar_chart(&mut self, items: &[(String, f64)], size: f32) {
        if items.is_empty() {
            return;
        }
        let label_w = items
            .iter()
            .map(|(l, _)| self.font.width(l, size))
            .fold(0.0_f32, f32::max)
            .min((self.right - self.left) * 0.35)
            + 8.0;
        let max = items
            .iter()
            .map(|(_, v)| v.abs())
            .fold(0.0_f64, f64::max)
            .max(1.0);
        let has_neg = items.iter().any(|(_, v)| *v < 0.0);
        let has_pos = items.iter().any(|(_, v)| *v > 0.0);
        let area_l = self.left + label_w;
        let area_w = self.right - area_l - 40.0;
        let zero = match (has_neg, has_pos) {
            (true, true) => area_l + area_w / 2.0,
            (true, false) => area_l + area_w,
            _ => area_l,
        };
        let scale = if has_neg && has_pos {
            area_w / 2.0
        } else {
            area_w
        } / max as f32;
        let bar_h = size * 1.1;
        for (label, v) in items {
            self.ensure(bar_h + 6.0);
            self.y -= bar_h + 4.0;
            let y = self.y;
            let lx = self.left;
            self.text_at(lx, y + bar_h * 0.2, size, BLACK, false, label);
            let w = (*v as f32 * scale).abs();
            let (x, color) = if *v >= 0.0 {
                (zero, [0.20, 0.45, 0.75])
            } else {
                (zero - w, [0.85, 0.30, 0.25])
            };
            self.page().push(Op::Rect {
                x,
                y,
                w: w.max(0.5),
                h: bar_h,
                color,
            });
            let value = format!("{v}");
            let vx = if *v >= 0.0 {
                zero + w + 3.0
            } else {
                zero + 3.0
            };
            self.text_at(vx, y + bar_h * 0.2, size * 0.9, GREY, false, &value);
        }
        let (top, bottom) = (self.y + (bar_h + 4.0) * items.len() as f32, self.y);
        self.page().push(Op::Line {
            x1: zero,
            y1: top + 2.0,
            x2: zero,
            y2: bottom - 2.0,
            width: 0.6,
            color: GREY,
        });
        self.y -= size;
    }

    /// Page footers ("— 1 —") and the finished file.
    pub fn render(mut self) -> Result<Vec<u8>, PdfError> {
        let n = self.pages.len();
        for (i, p) in self.pages.iter_mut().enumerate() {
            let label = format!("— {} —", i + 1);
            let w = self.font.width(&label, 10.0);
            p.push(Op::Text {
                x: (A4.0 - w) / 2.0,
                y: 40.0,
                size: 10.0,
                color: GREY,
                bold: false,
                text: label,
            });
        }
        let _ = n;
        render(&self.font, &self.pages)
    }
}

fn deflate(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    // Writing to a Vec cannot fail.
    let _ = e.write_all(data);
    e.finish().unwrap_or_default()
}

fn render(font: &Font, pages: &[Vec<Op>]) -> Result<Vec<u8>, PdfError> {
    let face = font.face();
    // The glyphs used, and the characters they stand for.
    let mut chars: BTreeSet<char> = BTreeSet::new();
    for p in pages {
        for op in p {
            if let Op::Text { text, .. } = op {
                chars.extend(text.chars());
            }
        }
    }
    let mut remapper = subsetter::GlyphRemapper::new();
    let mut to_new: BTreeMap<char, u16> = BTreeMap::new();
    for c in &chars {
        let old = face.glyph_index(*c).map(|g| g.0).unwrap_or(0);
        to_new.insert(*c, remapper.remap(old));
    }
    let subset = subsetter::subset(&font.data, font.index, &remapper)
        .map_err(|e| PdfError::Subset(e.to_string()))?;

    let mut next = 1;
    let mut alloc = || {
        let r = Ref::new(next);
        next += 1;
        r
    };
    let catalog = alloc();
    let tree = alloc();
    let type0 = alloc();
    let cid = alloc();
    let descriptor = alloc();
    let file = alloc();
    let cmap = alloc();
    let page_ids: Vec<(Ref, Ref)> = pages.iter().map(|_| (alloc(), alloc())).collect();

    let mut pdf = Pdf::new();
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree)
        .kids(page_ids.iter().map(|(p, _)| *p))
        .count(pages.len() as i32);
    let font_name = Name(b"F1");
    let base = format!("JHSUBS+{}", font.name);
    let system = SystemInfo {
        registry: Str(b"Adobe"),
        ordering: Str(b"Identity"),
        supplement: 0,
    };
    pdf.type0_font(type0)
        .base_font(Name(base.as_bytes()))
        .encoding_predefined(Name(b"Identity-H"))
        .descendant_font(cid)
        .to_unicode(cmap);
    let scale = 1000.0 / font.units_per_em;
    {
        let mut c = pdf.cid_font(cid);
        c.subtype(if font.cff {
            CidFontType::Type0
        } else {
            CidFontType::Type2
        })
        .base_font(Name(base.as_bytes()))
        .system_info(system)
        .font_descriptor(descriptor)
        .default_width(0.0);
        if !font.cff {
            c.cid_to_gid_map_predefined(Name(b"Identity"));
        }
        let mut widths: Vec<(u16, f32)> = to_new
            .iter()
            .map(|(ch, new)| {
                let w = face
                    .glyph_index(*ch)
                    .and_then(|g| face.glyph_hor_advance(g))
                    .unwrap_or(0) as f32
                    * scale;
                (*new, w)
            })
            .collect();
        widths.sort_by_key(|(g, _)| *g);
        widths.dedup_by_key(|(g, _)| *g);
        let mut w = c.widths();
        for (g, width) in widths {
            w.consecutive(g, [width]);
        }
    }
    let bbox = face.global_bounding_box();
    let mut fd = pdf.font_descriptor(descriptor);
    fd.name(Name(base.as_bytes()))
        .flags(FontFlags::SYMBOLIC)
        .bbox(Rect::new(
            bbox.x_min as f32 * scale,
            bbox.y_min as f32 * scale,
            bbox.x_max as f32 * scale,
            bbox.y_max as f32 * scale,
        ))
        .italic_angle(0.0)
        .ascent(face.ascender() as f32 * scale)
        .descent(face.descender() as f32 * scale)
        .cap_height(face.capital_height().unwrap_or(face.ascender()) as f32 * scale)
        .stem_v(80.0);
    if font.cff {
        fd.font_file3(file);
    } else {
        fd.font_file2(file);
    }
    fd.finish();
    let packed = deflate(&subset);
    let mut stream = pdf.stream(file, &packed);
    stream.filter(Filter::FlateDecode);
    if font.cff {
        stream.pair(Name(b"Subtype"), Name(b"OpenType"));
    } else {
        stream.pair(Name(b"Length1"), subset.len() as i32);
    }
    stream.finish();
    let mut uni = UnicodeCmap::new(Name(b"Custom"), system);
    for (ch, new) in &to_new {
        uni.pair(*new, *ch);
    }
    let uni = uni.finish();
    pdf.cmap(cmap, &uni);

    for (p, (page_id, content_id)) in pages.iter().zip(&page_ids) {
        let mut c = Content::new();
        for op in p {
            match op {
                Op::Rect { x, y, w, h, color } => {
                    c.set_fill_rgb(color[0], color[1], color[2])
                        .rect(*x, *y, *w, *h)
                        .fill_nonzero();
                }
                Op::Line {
                    x1,
                    y1,
                    x2,
                    y2,
                    width,
                    color,
                } => {
                    c.set_stroke_rgb(color[0], color[1], color[2])
                        .set_line_width(*width)
                        .move_to(*x1, *y1)
                        .line_to(*x2, *y2)
                        .stroke();
                }
                Op::Text {
                    x,
                    y,
                    size,
                    color,
                    bold,
                    text,
                } => {
                    let mut glyphs = Vec::with_capacity(text.len() * 2);
                    for ch in text.chars() {
                        let g = to_new.get(&ch).copied().unwrap_or(0);
                        glyphs.extend_from_slice(&g.to_be_bytes());
                    }
                    c.set_fill_rgb(color[0], color[1], color[2]);
                    if *bold {
                        c.set_stroke_rgb(color[0], color[1], color[2])
                            .set_line_width(size * 0.035);
                    }
                    c.begin_text()
                        .set_font(font_name, *size)
                        .set_text_rendering_mode(if *bold {
                            TextRenderingMode::FillStroke
                        } else {
                            TextRenderingMode::Fill
                        })
                        .next_line(*x, *y)
                        .show(Str(&glyphs))
                        .end_text();
                }
            }
        }
        let data = deflate(&c.finish().into_vec());
        pdf.stream(*content_id, &data).filter(Filter::FlateDecode);
        let mut page = pdf.page(*page_id);
        page.parent(tree)
            .media_box(Rect::new(0.0, 0.0, A4.0, A4.1))
            .contents(*content_id);
        page.resources().fonts().pair(font_name, type0);
        page.finish();
    }
    Ok(pdf.finish())
}

/// Font files tried when none is configured, TrueType first.
pub const DEFAULT_FONT_PATHS: &[&str] = &[
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
];

/// The face of a collection to use: for Noto CJK collections the
/// Simplified Chinese face, otherwise the first.
pub fn pick_face(data: &[u8]) -> u32 {
    let count = ttf_parser::fonts_in_collection(data).unwrap_or(1);
    for i in 0..count {
        if let Ok(face) = ttf_parser::Face::parse(data, i) {
            let sc = face.names().into_iter().any(|n| {
                n.name_id == ttf_parser::name_id::FAMILY
                    && n.to_string().is_some_and(|s| s.ends_with(" SC"))
            });
            if sc {
                return i;
            }
        }
    }
    0
}

/// Loads the bulletin font: `path` when configured (an error names it),
/// else the first of [`DEFAULT_FONT_PATHS`] that loads.
pub fn load_font(path: Option<&std::path::Path>) -> Result<Font, String> {
    let load = |p: &std::path::Path| -> Result<Font, String> {
        let data = std::fs::read(p).map_err(|e| format!("{}: {e}", p.display()))?;
        let index = pick_face(&data);
        Font::new(data, index).map_err(|e| format!("{}: {e}", p.display()))
    };
    match path {
        Some(p) => load(p),
        None => DEFAULT_FONT_PATHS
            .iter()
            .find_map(|p| load(std::path::Path::new(p)).ok())
            .ok_or_else(|| {
                format!(
                    "no CJK font found (tried {})",
                    DEFAULT_FONT_PATHS.join(", ")
                )
            }),
    }
}
