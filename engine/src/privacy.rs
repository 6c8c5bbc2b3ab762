//! Personal data: resident identity numbers (GB 11643) are pseudonymised before they reach the
//! engine, and any that slip into an error message are redacted.
//!
//! A natural person appears in the relationship graph as a shareholder or key person. Graph
//! files travel far wider than the registry they come from, so the engine refuses an identity
//! number as a person key ([`crate::graph::PersonId`]) and offers [`person_key`]: a keyed hash
//! (HMAC-SHA-256) of the normalised number under a secret the platform keeps. The same number
//! and secret always give the same key, so edges from several departments still meet at one
//! person; without the secret the key cannot be reversed by trying the ~10¹¹ plausible numbers,
//! which an unkeyed hash would allow in hours.

use std::borrow::Cow;

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::error::{Error, Result};

/// Shortest secret [`person_key`] accepts, in bytes: 128 bits, so the key space is not the weak
/// point.
pub const MIN_SECRET_BYTES: usize = 16;

/// Prefix of every key [`person_key`] makes, so a pseudonym is recognisable as one.
pub const PERSON_KEY_PREFIX: &str = "pid-";

/// What replaces a resident identity number found in text.
pub const REDACTED: &str = "[ID number redacted]";

/// The GB 11643 weights of the first 17 characters, and the check character for each remainder
/// of the weighted sum modulo 11.
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK: [u8; 11] = *b"10X98765432";

/// The pseudonymous person key of a resident identity number: `pid-` and the first 32 hex
/// digits (128 bits) of HMAC-SHA-256(`secret`, normalised number).
///
/// The number is normalised first (surrounding spaces trimmed, a final `x` upper-cased) and must
/// pass the GB 11643 check, so two spellings of one number give one key and a mistyped number
/// is caught here rather than becoming a second person.
///
/// # Errors
/// `invalid_field` (path `id_number`) when the number is not 18 characters with a valid check
/// character, or (path `secret`) when the secret is shorter than [`MIN_SECRET_BYTES`]. The
/// message never repeats the number.
pub fn person_key(id_number: &str, secret: &[u8]) -> Result<String> {
    if secret.len() < MIN_SECRET_BYTES {
        return Err(Error::field(
            "secret",
            format!("the secret must be at least {MIN_SECRET_BYTES} bytes"),
        ));
    }
    let normalised = id_number.trim().to_ascii_uppercase();
    if !is_resident_id(&normalised) {
        return Err(Error::field(
            "id_number",
            "not a resident identity number (18 characters with a valid GB 11643 check character)",
        ));
    }
    let mut mac = Hmac::<Sha256>::new_from_slice(secret)
        .map_err(|_| Error::field("secret", "the secret cannot key HMAC-SHA-256"))?;
    mac.update(normalised.as_bytes());
    let digest = mac.finalize().into_bytes();
    let hex: String = digest.iter().take(16).map(|b| format!("{b:02x}")).collect();
    Ok(format!("{PERSON_KEY_PREFIX}{hex}"))
}

/// Whether `text` is exactly a GB 11643 resident identity number: 17 digits whose characters
/// 7 to 14 are a real birth date (1900 or later), and a check character (`0`-`9` or upper-case
/// `X`) that matches the weighted sum. The date test keeps all-digit USCCs and long decimal
/// fractions, which pass the check character one time in eleven, from counting as numbers.
pub fn is_resident_id(text: &str) -> bool {
    let b = text.as_bytes();
    if b.len() != 18 || !b[..17].iter().all(u8::is_ascii_digit) {
        return false;
    }
    let number = |range: std::ops::Range<usize>| {
        b[range].iter().fold(0u32, |n, &d| n * 10 + u32::from(d - b'0'))
    };
    let (year, month, day) = (number(6..10), number(10..12), number(12..14));
    let born =
        i32::try_from(year).ok().and_then(|y| chrono::NaiveDate::from_ymd_opt(y, month, day));
    if year < 1900 || born.is_none() {
        return false;
    }
    let sum: u32 = b[..17].iter().zip(WEIGHTS).map(|(&d, w)| u32::from(d - b'0') * w).sum();
    CHECK[(sum % 11) as usize] == b[17]
}

/// `text` with every resident identity number in it replaced by [`REDACTED`].
///
/// A number counts when it is a run of 18 characters `[0-9]{17}[0-9Xx]` not touching another
/// letter, digit or decimal point, that [`is_resident_id`] accepts once upper-cased. Error messages quote input values (an
/// unknown vocabulary word, a bad key), so every message the engine builds passes through here.
pub fn redact(text: &str) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    let mut out: Option<String> = None;
    let mut copied = 0;
    let mut i = 0;
    while i + 18 <= bytes.len() {
        let apart = |c: &u8| !c.is_ascii_alphanumeric() && *c != b'.';
        let boundary_before = i == 0 || apart(&bytes[i - 1]);
        let boundary_after = bytes.get(i + 18).is_none_or(apart);
        let candidate = &bytes[i..i + 18];
        if boundary_before
            && boundary_after
            && candidate[..17].iter().all(u8::is_ascii_digit)
            && is_resident_id(&String::from_utf8_lossy(candidate).to_ascii_uppercase())
        {
            let buffer = out.get_or_insert_with(|| String::with_capacity(text.len()));
            buffer.push_str(&text[copied..i]);
            buffer.push_str(REDACTED);
            copied = i + 18;
            i += 18;
        } else {
            i += 1;
        }
    }
    match out {
        None => Cow::Borrowed(text),
        Some(mut buffer) => {
            buffer.push_str(&text[copied..]);
            Cow::Owned(buffer)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A number made up for the tests (region 110101, born 1990-03-07), with its check digit.
    const ID: &str = "11010119900307109X";
    const SECRET: &[u8] = b"platform secret of 32 bytes ....";

    fn with_check(first17: &str) -> String {
        let sum: u32 = first17.bytes().zip(WEIGHTS).map(|(d, w)| u32::from(d - b'0') * w).sum();
        format!("{first17}{}", CHECK[(sum % 11) as usize] as char)
    }

    #[test]
    fn the_check_character_follows_gb_11643() {
        // The standard's own example: 11010519491231002X.
        assert!(is_resident_id("11010519491231002X"));
        assert!(!is_resident_id("110105194912310021"));
        assert_eq!(with_check("11010119900307109"), ID);
        assert!(!is_resident_id("11010119900307109x"), "only upper-case X is canonical");
        assert!(!is_resident_id("1101011990030712"));
        // An all-digit USCC whose check happens to fit: no birth date in it.
        assert!(!is_resident_id("914401004570695508"));
    }

    #[test]
    fn person_keys_are_stable_keyed_and_normalised() {
        let key = person_key(ID, SECRET).unwrap();
        assert!(key.starts_with(PERSON_KEY_PREFIX));
        assert_eq!(key.len(), PERSON_KEY_PREFIX.len() + 32);
        assert_eq!(person_key(" 11010119900307109x ", SECRET).unwrap(), key);
        assert_ne!(person_key(ID, b"another secret, 32 bytes long...").unwrap(), key);
        assert!(!key.contains("1101011990"));
    }

    #[test]
    fn bad_numbers_and_short_secrets_are_refused_without_echoing_the_number() {
        let e = person_key("110101199003071091", SECRET).unwrap_err();
        assert_eq!(e.kind(), "invalid_field");
        assert!(!e.to_string().contains("110101199003071091"));
        let e = person_key(ID, b"short").unwrap_err();
        assert_eq!(e.path(), Some("secret"));
    }

    #[test]
    fn redaction_finds_numbers_inside_text_only_when_they_check() {
        let text = format!("unknown variant `{ID}`, expected one of `a`");
        assert_eq!(redact(&text), format!("unknown variant `{REDACTED}`, expected one of `a`"));
        let lower = ID.to_ascii_lowercase();
        assert_eq!(redact(&lower), REDACTED);
        // A USCC and a number with a wrong check digit are left alone.
        assert_eq!(redact("91350900587527783P"), "91350900587527783P");
        assert_eq!(redact("110101199003071091"), "110101199003071091");
        // Part of a longer run of digits is not a number on its own.
        assert_eq!(redact(&format!("9{ID}")), format!("9{ID}"));
        assert!(matches!(redact("no numbers here"), Cow::Borrowed(_)));
        assert_eq!(redact("p = 0.041183184069848354"), "p = 0.041183184069848354");
        let two = format!("{ID} and {ID}");
        assert_eq!(redact(&two), format!("{REDACTED} and {REDACTED}"));
    }
}
