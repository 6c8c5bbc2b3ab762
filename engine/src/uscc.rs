//! The Unified Social Credit Code (统一社会信用代码, GB 32100-2015).
//!
//! Eighteen characters: registration authority, entity category, six-digit administrative
//! division, the nine-character organisation code (GB 11714, with its own check character) and a
//! mod-31 check character. [`Uscc::parse`] normalises (trim, drop spaces and hyphens, upper-case)
//! and checks everything; [`Uscc::parse_lenient`] also accepts the pilot-era codes that fail only
//! the mod-31 check, and says so.
//!
//! ```
//! use xinyong::Uscc;
//! let code = Uscc::parse(" 9135-0900-5875-2778-3p ")?;
//! assert_eq!(code.as_str(), "91350900587527783P");
//! assert_eq!(code.region(), "350900");
//! assert_eq!(code.category_name(), Some("enterprise"));
//! # Ok::<(), xinyong::UsccError>(())
//! ```

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The 31 symbols of GB 32100, in value order (I, O, S, V and Z never appear).
pub const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
/// Weights of the mod-31 check over positions 1-17: `3^(i-1) mod 31`.
const WEIGHTS: [u32; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
/// Weights of the GB 11714 organisation-code check over positions 9-16.
const ORG_WEIGHTS: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];
/// First characters that name a registration authority.
const AUTHORITIES: &[u8] = b"123456789AGJNQY";

/// Why a code is not a valid USCC. Positions are 1-based.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum UsccError {
    /// Nothing left after normalisation.
    #[error("the code is empty")]
    Empty,
    /// Not 18 characters after normalisation.
    #[error("the code has {found} characters, expected 18")]
    Length {
        /// Characters found after normalisation.
        found: usize,
    },
    /// A character outside the GB 32100 alphabet.
    #[error("character `{found}` at position {position} is not in the USCC alphabet")]
    Character {
        /// 1-based position.
        position: usize,
        /// The offending character.
        found: char,
    },
    /// The first character names no registration authority.
    #[error("`{found}` at position 1 is not a registration authority code")]
    Authority {
        /// The offending character.
        found: char,
    },
    /// Positions 3-8 (the administrative division) must be digits.
    #[error("character `{found}` at position {position} must be a digit (administrative division)")]
    Region {
        /// 1-based position.
        position: usize,
        /// The offending character.
        found: char,
    },
    /// The mod-31 check character (position 18) does not match.
    #[error("check character at position 18 is `{found}`, expected `{expected}`")]
    CheckCharacter {
        /// What the checksum gives.
        expected: char,
        /// What the code has.
        found: char,
    },
    /// The organisation-code check character (position 17) does not match.
    #[error("organisation-code check character at position 17 is `{found}`, expected `{expected}`")]
    OrganisationCheck {
        /// What the GB 11714 checksum gives.
        expected: char,
        /// What the code has.
        found: char,
    },
}

impl UsccError {
    /// Stable snake_case name of the reason.
    pub fn kind(&self) -> &'static str {
        match self {
            UsccError::Empty => "empty",
            UsccError::Length { .. } => "length",
            UsccError::Character { .. } => "character",
            UsccError::Authority { .. } => "authority",
            UsccError::Region { .. } => "region",
            UsccError::CheckCharacter { .. } => "check_character",
            UsccError::OrganisationCheck { .. } => "organisation_check",
        }
    }

    /// The 1-based position the error points at, if any.
    pub fn position(&self) -> Option<usize> {
        match self {
            UsccError::Empty | UsccError::Length { .. } => None,
            UsccError::Character { position, .. } | UsccError::Region { position, .. } => {
                Some(*position)
            }
            UsccError::Authority { .. } => Some(1),
            UsccError::CheckCharacter { .. } => Some(18),
            UsccError::OrganisationCheck { .. } => Some(17),
        }
    }
}

/// A validated Unified Social Credit Code, stored as its 18 normalised ASCII characters.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Uscc([u8; 18]);

/// A code accepted by [`Uscc::parse_lenient`], with what leniency was needed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LenientUscc {
    /// The code.
    pub uscc: Uscc,
    /// `Some(expected)` when the mod-31 check failed and the code was accepted only because its
    /// organisation-code check passed; `None` when the code is fully valid.
    pub check_character_expected: Option<char>,
}

impl Uscc {
    /// Normalises and validates a code strictly.
    pub fn parse(input: &str) -> Result<Uscc, UsccError> {
        let (code, org_ok) = Self::structure(input)?;
        let expected = check_character(&code);
        if expected != code[17] {
            return Err(UsccError::CheckCharacter {
                expected: char::from(expected),
                found: char::from(code[17]),
            });
        }
        org_ok.map(|()| Uscc(code))
    }

    /// Like [`Uscc::parse`], but accepts a failing mod-31 check when the organisation-code check
    /// passes (some Fujian pilot-era codes), reporting that it did so.
    pub fn parse_lenient(input: &str) -> Result<LenientUscc, UsccError> {
        let (code, org_ok) = Self::structure(input)?;
        org_ok?;
        let expected = check_character(&code);
        let check_character_expected = (expected != code[17]).then(|| char::from(expected));
        Ok(LenientUscc { uscc: Uscc(code), check_character_expected })
    }

    /// Normalises, checks length, alphabet, authority and division; returns the code and the
    /// outcome of the organisation-code check.
    fn structure(input: &str) -> Result<([u8; 18], Result<(), UsccError>), UsccError> {
        let mut code = [0u8; 18];
        let mut n = 0usize;
        for c in input.trim().chars().filter(|c| !matches!(c, ' ' | '-' | '\u{3000}')) {
            let c = c.to_ascii_uppercase();
            if n < 18 {
                if !in_alphabet(c) {
                    return Err(UsccError::Character { position: n + 1, found: c });
                }
                code[n] = c as u8;
            }
            n += 1;
        }
        match n {
            0 => return Err(UsccError::Empty),
            18 => {}
            found => return Err(UsccError::Length { found }),
        }
        if !AUTHORITIES.contains(&code[0]) {
            return Err(UsccError::Authority { found: char::from(code[0]) });
        }
        if let Some(i) = (2..8).find(|&i| !code[i].is_ascii_digit()) {
            return Err(UsccError::Region { position: i + 1, found: char::from(code[i]) });
        }
        let expected = organisation_check_character(&code);
        let org = if expected == code[16] {
            Ok(())
        } else {
            Err(UsccError::OrganisationCheck {
                expected: char::from(expected),
                found: char::from(code[16]),
            })
        };
        Ok((code, org))
    }

    /// Builds a valid code from its first 16 characters, computing both check characters.
    /// Returns `None` if the prefix is not 16 characters of the right shape.
    pub fn complete(prefix16: &str) -> Option<Uscc> {
        let bytes = prefix16.as_bytes();
        if bytes.len() != 16 {
            return None;
        }
        let mut code = [0u8; 18];
        code[..16].copy_from_slice(bytes);
        code[16] = organisation_check_character(&code);
        code[17] = check_character(&code);
        Uscc::parse(std::str::from_utf8(&code).ok()?).ok()
    }

    /// The normalised code.
    pub fn as_str(&self) -> &str {
        // Only ASCII from ALPHABET is ever stored.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }

    /// Position 1: the registration authority code.
    pub fn authority(&self) -> char {
        char::from(self.0[0])
    }

    /// The registration authority in words, e.g. `market regulation` for `9`.
    pub fn authority_name(&self) -> &'static str {
        match self.0[0] {
            b'1' => "organisation establishment (编办)",
            b'2' => "foreign affairs",
            b'3' => "judicial administration",
            b'4' => "culture",
            b'5' => "civil affairs",
            b'6' => "tourism",
            b'7' => "religious affairs",
            b'8' => "trade unions",
            b'9' => "market regulation",
            b'A' => "central military commission",
            b'G' => "agriculture",
            b'J' => "state archives",
            b'N' => "rural affairs",
            b'Q' => "public security",
            _ => "other",
        }
    }

    /// Position 2: the entity category within the authority.
    pub fn category(&self) -> char {
        char::from(self.0[1])
    }

    /// The entity category in words where the pair of positions 1-2 is a common one.
    pub fn category_name(&self) -> Option<&'static str> {
        Some(match (self.0[0], self.0[1]) {
            (b'9', b'1') => "enterprise",
            (b'9', b'2') => "individual business",
            (b'9', b'3') => "farmers' cooperative",
            (b'1', b'1') => "government body",
            (b'1', b'2') => "public institution",
            (b'5', b'1') => "social organisation",
            (b'5', b'2') => "private non-enterprise unit",
            (b'5', b'3') => "foundation",
            _ => return None,
        })
    }

    /// Positions 3-8: the administrative division code (GB/T 2260) of the registering authority.
    pub fn region(&self) -> &str {
        &self.as_str()[2..8]
    }

    /// Positions 9-17: the organisation code (GB 11714) including its check character.
    pub fn organisation_code(&self) -> &str {
        &self.as_str()[8..17]
    }
}

/// Marks a byte outside [`ALPHABET`] in [`VALUES31`].
const NOT_IN_ALPHABET: u8 = u8::MAX;

/// Each byte's position in [`ALPHABET`] (its value in the mod-31 check), or
/// [`NOT_IN_ALPHABET`]: one lookup per character where searching the alphabet took up to 31
/// comparisons, which made the code the dearest field of a short enterprise line.
const VALUES31: [u8; 256] = {
    let mut table = [NOT_IN_ALPHABET; 256];
    let mut i = 0;
    while i < ALPHABET.len() {
        table[ALPHABET[i] as usize] = i as u8;
        i += 1;
    }
    table
};

/// Whether `c` is one of the 31 characters a code is written in.
fn in_alphabet(c: char) -> bool {
    c.is_ascii() && VALUES31[c as usize] != NOT_IN_ALPHABET
}

fn value31(c: u8) -> u32 {
    match VALUES31[usize::from(c)] {
        NOT_IN_ALPHABET => 0,
        value => u32::from(value),
    }
}

fn check_character(code: &[u8; 18]) -> u8 {
    let sum: u32 = code[..17].iter().zip(WEIGHTS).map(|(&c, w)| value31(c) * w).sum();
    ALPHABET[((31 - sum % 31) % 31) as usize]
}

fn organisation_check_character(code: &[u8; 18]) -> u8 {
    let value = |c: u8| match c {
        b'0'..=b'9' => u32::from(c - b'0'),
        _ => u32::from(c.saturating_sub(b'A')) + 10,
    };
    let sum: u32 = code[8..16].iter().zip(ORG_WEIGHTS).map(|(&c, w)| value(c) * w).sum();
    match 11 - sum % 11 {
        10 => b'X',
        11 => b'0',
        d => b'0' + d as u8,
    }
}

impl fmt::Display for Uscc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Uscc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Uscc({})", self.as_str())
    }
}

impl FromStr for Uscc {
    type Err = UsccError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Uscc::parse(s)
    }
}

impl Serialize for Uscc {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Uscc {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        crate::num::read_str(d, "a Unified Social Credit Code", |text| {
            Uscc::parse(text).map_err(|e| e.to_string())
        })
    }
}

/// The verdict on one code as every surface reports it (`xinyong uscc`, Python's
/// `validate_uscc`, JavaScript's `validateUscc`): fields in this order, absent ones omitted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UsccCheck<'a> {
    /// The code as given.
    pub input: &'a str,
    /// Whether it is a valid code (leniently, when asked).
    pub valid: bool,
    /// The normalised code, when valid.
    pub normalized: Option<String>,
    /// Why it is not valid.
    pub error: Option<UsccCheckError>,
    /// Position 1, the registration authority, when valid.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authority: Option<String>,
    /// The category in words, when valid and known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<&'static str>,
    /// Positions 3-8, the administrative region, when valid.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// `true` when only the lenient rule accepted the code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lenient: Option<bool>,
    /// The check character the code should have had, when accepted leniently.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub check_character_expected: Option<String>,
}

/// Why a checked code is not valid: the [`UsccError`] kind, its 1-based position and message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UsccCheckError {
    /// [`UsccError::kind`].
    pub kind: &'static str,
    /// [`UsccError::position`].
    pub position: Option<usize>,
    /// The error in words.
    pub message: String,
}

/// Checks `input` strictly, or with `lenient` also accepting a failing mod-31 check when the
/// organisation-code check passes; never fails, the verdict is in the result.
pub fn check(input: &str, lenient: bool) -> UsccCheck<'_> {
    let parsed = if lenient {
        Uscc::parse_lenient(input).map(|l| (l.uscc, l.check_character_expected))
    } else {
        Uscc::parse(input).map(|u| (u, None))
    };
    match parsed {
        Ok((code, expected)) => UsccCheck {
            input,
            valid: true,
            normalized: Some(code.as_str().to_owned()),
            error: None,
            authority: Some(code.authority().to_string()),
            category: code.category_name(),
            region: Some(code.region().to_owned()),
            lenient: expected.map(|_| true),
            check_character_expected: expected.map(String::from),
        },
        Err(e) => UsccCheck {
            input,
            valid: false,
            normalized: None,
            error: Some(UsccCheckError {
                kind: e.kind(),
                position: e.position(),
                message: e.to_string(),
            }),
            authority: None,
            category: None,
            region: None,
            lenient: None,
            check_character_expected: None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_value_table_is_the_alphabet_searched() {
        for byte in 0..=u8::MAX {
            let position = ALPHABET.iter().position(|&a| a == byte);
            assert_eq!(value31(byte), position.map_or(0, |p| p as u32), "{byte}");
            assert_eq!(in_alphabet(char::from(byte)), byte.is_ascii() && position.is_some());
        }
        assert!(!in_alphabet('Ａ'));
        assert!(!in_alphabet('\u{100}'));
    }

    #[test]
    fn worked_example_of_the_standard() {
        // Weighted sum 1558, 1558 mod 31 = 8, 31 - 8 = 23 -> `P`.
        let code = Uscc::parse("91350900587527783P").unwrap();
        assert_eq!(code.authority(), '9');
        assert_eq!(code.authority_name(), "market regulation");
        assert_eq!(code.category(), '1');
        assert_eq!(code.organisation_code(), "587527783");
        let sum: u32 = code.0[..17].iter().zip(WEIGHTS).map(|(&c, w)| value31(c) * w).sum();
        assert_eq!(sum, 1558);
    }

    #[test]
    fn weights_are_powers_of_three_mod_31() {
        let mut w = 1u32;
        for expected in WEIGHTS {
            assert_eq!(w, expected);
            w = w * 3 % 31;
        }
    }

    #[test]
    fn normalises_spaces_hyphens_and_case() {
        let code = Uscc::parse(" 9135-0900 5875 2778 3p ").unwrap();
        assert_eq!(code.to_string(), "91350900587527783P");
    }

    #[test]
    fn errors_say_what_and_where() {
        let cases: &[(&str, &str, Option<usize>)] = &[
            ("", "empty", None),
            ("  - ", "empty", None),
            ("9135090058752778", "length", None),
            ("91350900587527783PP", "length", None),
            ("91350900587527783I", "character", Some(18)),
            ("9O350900587527783P", "character", Some(2)),
            ("中1350900587527783P", "character", Some(1)),
            ("B1350900587527783P", "authority", Some(1)),
            ("9135A900587527783P", "region", Some(5)),
            ("91350900587527783Q", "check_character", Some(18)),
        ];
        for &(input, kind, position) in cases {
            let err = Uscc::parse(input).unwrap_err();
            assert_eq!((err.kind(), err.position()), (kind, position), "{input}");
        }
        let err = Uscc::parse("91350900587527783Q").unwrap_err();
        assert_eq!(err, UsccError::CheckCharacter { expected: 'P', found: 'Q' });
    }

    #[test]
    fn organisation_check_is_enforced() {
        // Change position 17 and recompute position 18: mod-31 passes, GB 11714 fails.
        let mut code = *b"91350900587527784P";
        code[17] = check_character(&code);
        let text = std::str::from_utf8(&code).unwrap();
        let err = Uscc::parse(text).unwrap_err();
        assert_eq!(err, UsccError::OrganisationCheck { expected: '3', found: '4' });
        assert!(Uscc::parse_lenient(text).is_err());
    }

    #[test]
    fn lenient_mode_accepts_only_a_failing_mod31_check() {
        let lenient = Uscc::parse_lenient("91350900587527783Q").unwrap();
        assert_eq!(lenient.check_character_expected, Some('P'));
        assert_eq!(lenient.uscc.as_str(), "91350900587527783Q");
        let strict = Uscc::parse_lenient("91350900587527783P").unwrap();
        assert_eq!(strict.check_character_expected, None);
    }

    #[test]
    fn complete_builds_valid_codes() {
        let code = Uscc::complete("9133010075320134").unwrap();
        assert_eq!(Uscc::parse(code.as_str()), Ok(code));
        assert!(Uscc::complete("91330100").is_none());
    }

    #[test]
    fn serde_round_trip_and_refusal() {
        let code: Uscc = serde_json::from_str("\"91350900587527783P\"").unwrap();
        assert_eq!(serde_json::to_string(&code).unwrap(), "\"91350900587527783P\"");
        assert!(serde_json::from_str::<Uscc>("\"91350900587527783Q\"").is_err());
    }

    #[test]
    fn a_check_reports_every_surface_the_same_object() {
        let ok = serde_json::to_string(&check(" 91350900587527783p ", false)).unwrap_or_default();
        assert_eq!(
            ok,
            r#"{"input":" 91350900587527783p ","valid":true,"normalized":"91350900587527783P","error":null,"authority":"9","category":"enterprise","region":"350900"}"#
        );
        let bad = check("91350900587527783Q", false);
        assert!(!bad.valid && bad.normalized.is_none());
        let error = bad.error.unwrap_or_else(|| panic!("a bad code has an error"));
        assert_eq!((error.kind, error.position), ("check_character", Some(18)));
    }
}
