//! The daily report in its official layout (seed 001, attachment 2), as XLSX
//! and CSV bytes. No IO: the caller decides where the bytes go.
//!
//! Layout: the office title with the date on the right; the form's name; then
//! the indicators in two blocks of equal width, each with a section row
//! ("内容" + section names spanning their indicators), an indicator row (name
//! and unit) and a "数量" row of values.

use jinghai_domain::report::{format_day, format_value, Indicator, Section};
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, XlsxError};

use crate::reports::Rollup;

/// The office that issues the form for a region, e.g. 北仑区防范打击非法入境“净海”行动办公室.
pub fn office_title(region_name: &str) -> String {
    format!("{region_name}防范打击非法入境“净海”行动办公室")
}

fn period_label(r: &Rollup) -> String {
    if r.from == r.to {
        format_day(r.from)
    } else {
        format!("{} 至 {}", format_day(r.from), format_day(r.to))
    }
}

/// The indicator's heading: its name, with the unit in brackets as the
/// official form prints it (counts of times carry no unit there).
fn label(i: &Indicator) -> String {
    if i.unit.is_empty() || i.unit == "次" {
        i.zh.clone()
    } else {
        format!("{}（{}）", i.zh, i.unit)
    }
}

/// The indicators in form order, split into the two blocks of the official form.
fn blocks(r: &Rollup) -> [Vec<(&Section, &Indicator)>; 2] {
    let all: Vec<_> = r.form.def.indicators().collect();
    let half = all.len().div_ceil(2);
    [all[..half].to_vec(), all[half..].to_vec()]
}

/// The roll-up as an XLSX workbook in the official layout.
pub fn xlsx(r: &Rollup) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("日报表")?;
    let font = "SimSun";
    let base = Format::new().set_font_name(font).set_font_size(10);
    let cell = base
        .clone()
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_text_wrap();
    let head = cell.clone().set_bold();
    let title = base
        .clone()
        .set_font_size(12)
        .set_bold()
        .set_align(FormatAlign::Left)
        .set_align(FormatAlign::VerticalCenter);
    let date = base
        .clone()
        .set_font_size(12)
        .set_align(FormatAlign::Right)
        .set_align(FormatAlign::VerticalCenter);
    let form_title = base
        .clone()
        .set_font_size(16)
        .set_bold()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter);

    let [b1, b2] = blocks(r);
    let width = b1.len().max(b2.len()) as u16;
    ws.set_column_width(0, 8)?;
    for c in 1..=width {
        ws.set_column_width(c, 9)?;
    }
    let last = width;
    let split = (last * 2 / 3).max(1);
    ws.merge_range(0, 0, 0, split, &office_title(&r.region.name), &title)?;
    ws.merge_range(
        0,
        split + 1,
        0,
        last,
        &format!("日期：{}", period_label(r)),
        &date,
    )?;
    ws.set_row_height(1, 30)?;
    ws.merge_range(1, 0, 1, last, &r.form.def.zh, &form_title)?;

    let mut row = 3u32;
    for block in [&b1, &b2] {
        ws.write_string_with_format(row, 0, "内容", &head)?;
        // Section names spanning their indicators.
        let mut col = 1u16;
        let mut i = 0;
        while i < block.len() {
            let sec = block[i].0;
            let mut j = i;
            while j < block.len() && block[j].0.key == sec.key {
                j += 1;
            }
            let span = (j - i) as u16;
            if span == 1 {
                ws.write_string_with_format(row, col, &sec.zh, &head)?;
            } else {
                ws.merge_range(row, col, row, col + span - 1, &sec.zh, &head)?;
            }
            col += span;
            i = j;
        }
        ws.set_row_height(row + 1, 64)?;
        ws.write_string_with_format(row + 1, 0, "", &head)?;
        ws.write_string_with_format(row + 2, 0, "数量", &head)?;
        for (k, (_, ind)) in block.iter().enumerate() {
            let c = k as u16 + 1;
            ws.write_string_with_format(row + 1, c, label(ind), &head)?;
            let v = r.value(&ind.key);
            ws.write_number_with_format(row + 2, c, v as f64 / 1000.0, &cell)?;
        }
        row += 4;
    }
    ws.set_landscape();
    ws.set_paper_size(9); // A4
    ws.set_print_fit_to_pages(1, 1);
    wb.save_to_buffer()
}

/// The roll-up as CSV: one row per indicator (section, indicator, unit, value).
pub fn csv(r: &Rollup) -> String {
    let esc = |s: &str| {
        if s.contains([',', '"', '\n']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s.to_string()
        }
    };
    let mut out = String::from("region,from,to,section,indicator_key,indicator,unit,value\n");
    for (sec, ind) in r.form.def.indicators() {
        out.push_str(&format!(
            "{},{},{},{},{},{},{},{}\n",
            esc(&r.region.name),
            format_day(r.from),
            format_day(r.to),
            esc(&sec.zh),
            ind.key,
            esc(&ind.zh),
            esc(&ind.unit),
            format_value(ind, r.value(&ind.key))
        ));
    }
    out
}

/// A plain table (a header row and rows of text) as an XLSX sheet.
pub fn table_xlsx(sheet: &str, head: &[&str], rows: &[Vec<String>]) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(sheet)?;
    let base = Format::new()
        .set_font_name("SimSun")
        .set_font_size(10)
        .set_border(FormatBorder::Thin)
        .set_text_wrap();
    let bold = base.clone().set_bold().set_align(FormatAlign::Center);
    for (c, h) in head.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &bold)?;
        ws.set_column_width(c as u16, 14)?;
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            ws.write_string_with_format(r as u32 + 1, c as u16, v, &base)?;
        }
    }
    wb.save_to_buffer()
}
