//! People named in records (persons aboard a vessel, owners): the checks on
//! their identity numbers and phone numbers.

use crate::FieldError;

/// Weights of the first 17 digits of a resident identity number (GB 11643-1999).
const ID_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/// The check character for each remainder mod 11.
const ID_CHECK: &[u8; 11] = b"10X98765432";

/// Checks an 18-character resident identity number: 17 digits, a check
/// character (digit or X) that matches the ISO 7064 MOD 11-2 checksum, and a
/// plausible birth date. Returns it upper-cased.
pub fn check_id_number(field: &str, text: &str) -> Result<String, FieldError> {
    let s = text.trim().to_ascii_uppercase();
    let b = s.as_bytes();
    let shape_ok = b.len() == 18
        && b[..17].iter().all(u8::is_ascii_digit)
        && (b[17].is_ascii_digit() || b[17] == b'X');
    if !shape_ok {
        return Err(FieldError::new(
            field,
            format!("身份证号 {s} 格式错误：须为 18 位（前 17 位数字，末位数字或 X）"),
            format!("ID number {s} is malformed: 18 characters, 17 digits then a digit or X"),
        ));
    }
    let sum: u32 = b[..17]
        .iter()
        .zip(ID_WEIGHTS)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    let expected = ID_CHECK[(sum % 11) as usize];
    if b[17] != expected {
        return Err(FieldError::new(
            field,
            format!("身份证号 {s} 校验位错误（应为 {}）", expected as char),
            format!(
                "ID number {s} fails its checksum (the last character should be {})",
                expected as char
            ),
        ));
    }
    let num = |r: std::ops::Range<usize>| s[r].parse::<u32>().unwrap_or(0);
    let (year, month, day) = (num(6..10), num(10..12), num(12..14));
    if !(1900..=2100).contains(&year) || !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return Err(FieldError::new(
            field,
            format!("身份证号 {s} 中的出生日期无效"),
            format!("ID number {s} has an invalid birth date"),
        ));
    }
    Ok(s)
}

/// Checks a phone number: 7 to 15 digits, optionally with `+`, `-` and spaces.
pub fn check_phone(field: &str, text: &str) -> Result<String, FieldError> {
    let s = text.trim();
    let digits = s.bytes().filter(u8::is_ascii_digit).count();
    let chars_ok = s
        .bytes()
        .all(|c| c.is_ascii_digit() || matches!(c, b'+' | b'-' | b' '));
    if !(chars_ok && (7..=15).contains(&digits)) {
        return Err(FieldError::new(
            field,
            format!("电话号码 {s} 格式错误（7–15 位数字）"),
            format!("phone number {s} is malformed (7–15 digits)"),
        ));
    }
    Ok(s.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_numbers() {
        // The GB 11643 example number.
        assert_eq!(
            check_id_number("id", "11010519491231002x").unwrap(),
            "11010519491231002X"
        );
        assert!(check_id_number("id", "110105194912310021").is_err());
        assert!(check_id_number("id", "11010519491231002").is_err());
        assert!(check_id_number("id", "1101051949123100AX").is_err());
        let e = check_id_number("persons", "110105194912310021").unwrap_err();
        assert!(
            e.en.contains("checksum") && e.zh.contains("校验位"),
            "{e:?}"
        );
    }

    #[test]
    fn phones() {
        assert!(check_phone("p", "13800138000").is_ok());
        assert!(check_phone("p", "0574-86801234").is_ok());
        assert!(check_phone("p", "12").is_err());
        assert!(check_phone("p", "call me").is_err());
    }
}
