//! Personal and document numbers: check digits against published examples, and every generated
//! number passing its own country's check.

use chrono::{Datelike, NaiveDate};
use idenfy_gen::numbers::{
    brazilian_cpf_check_digits, dutch_bsn_check_digit, french_nir_key, german_tax_id_check_digit,
    italian_fiscal_code_check, lithuanian_check_digit, lithuanian_personal_code,
    portuguese_nif_check_digit, turkish_identity_check_digits,
};
use idenfy_gen::{Identity, arb_identity};
use idenfy_model::{DocumentType, Sex};
use proptest::prelude::*;

#[test]
fn check_digits_match_published_examples() {
    // The reference's Lithuanian example, and well-known valid test numbers of the others.
    assert_eq!(lithuanian_check_digit("3330924006"), 4);
    let born = NaiveDate::from_ymd_opt(1933, 9, 24).unwrap();
    assert_eq!(lithuanian_personal_code(&Sex::Male, born, 6), "33309240064");
    assert_eq!(german_tax_id_check_digit("8609574271"), 9);
    assert_eq!(french_nir_key("1841276451089"), 46);
    assert_eq!(italian_fiscal_code_check("RSSMRA85T10A562"), 'S');
    assert_eq!(dutch_bsn_check_digit("11122233"), Some(3));
    assert_eq!(portuguese_nif_check_digit("12345678"), 9);
    assert_eq!(brazilian_cpf_check_digits("529982247"), (2, 5));
    assert_eq!(turkish_identity_check_digits("100000001"), (4, 6));
}

#[test]
fn the_lithuanian_check_digit_falls_back_to_the_second_weights() {
    // Find a body whose first weighted sum is 10 mod 11, where the second weights apply.
    let body = (0..10_000_000u32)
        .map(|n| format!("4{n:09}"))
        .find(|body| {
            let digits: Vec<u32> = body.chars().map(|c| c.to_digit(10).unwrap()).collect();
            let first: u32 = digits
                .iter()
                .zip([1, 2, 3, 4, 5, 6, 7, 8, 9, 1])
                .map(|(d, w)| d * w)
                .sum();
            first % 11 == 10
        })
        .unwrap();
    let digits: Vec<u32> = body.chars().map(|c| c.to_digit(10).unwrap()).collect();
    let second: u32 = digits
        .iter()
        .zip([3, 4, 5, 6, 7, 8, 9, 1, 2, 3])
        .map(|(d, w)| d * w)
        .sum();
    let expected = match second % 11 {
        10 => 0,
        check => check,
    };
    assert_eq!(lithuanian_check_digit(&body), expected);
}

fn digits(text: &str) -> String {
    text.chars().filter(char::is_ascii_digit).collect()
}

fn last_digit(text: &str) -> u32 {
    text.chars().last().and_then(|c| c.to_digit(10)).unwrap()
}

/// Whether `identity`'s personal number passes its issuing country's check.
fn personal_number_checks(identity: &Identity) -> Result<(), String> {
    let number = &identity.personal_number;
    let ok = match identity.issuing_country.as_str() {
        "LT" => number.len() == 11 && lithuanian_check_digit(&number[..10]) == last_digit(number),
        "DE" => {
            let body = &number[..10];
            let distinct = body
                .chars()
                .collect::<std::collections::BTreeSet<_>>()
                .len();
            number.len() == 11
                && !body.starts_with('0')
                && distinct == 9
                && german_tax_id_check_digit(body) == last_digit(number)
        }
        "FR" => {
            number.len() == 15
                && number[13..].parse::<u64>().ok() == Some(french_nir_key(&number[..13]))
                && number[3..5] == format!("{:02}", identity.date_of_birth.month())
        }
        "IT" => {
            let day =
                identity.date_of_birth.day() + if identity.sex == Sex::Female { 40 } else { 0 };
            number.len() == 16
                && italian_fiscal_code_check(&number[..15]) == number.chars().last().unwrap()
                && number[9..11] == format!("{day:02}")
        }
        "NL" => {
            number.len() == 9 && dutch_bsn_check_digit(&number[..8]) == Some(last_digit(number))
        }
        "PT" => number.len() == 9 && portuguese_nif_check_digit(&number[..8]) == last_digit(number),
        "BR" => {
            let (first, second) = brazilian_cpf_check_digits(&number[..9]);
            number.len() == 11 && number[9..] == format!("{first}{second}")
        }
        "TR" => {
            let (tenth, eleventh) = turkish_identity_check_digits(&number[..9]);
            number.len() == 11
                && !number.starts_with('0')
                && number[9..] == format!("{tenth}{eleventh}")
        }
        "GB" => {
            let bytes = number.as_bytes();
            number.len() == 9
                && bytes[..2].iter().all(u8::is_ascii_uppercase)
                && bytes[2..8].iter().all(u8::is_ascii_digit)
                && b"ABCD".contains(&bytes[8])
        }
        "US" => {
            let parts: Vec<&str> = number.split('-').collect();
            parts.iter().map(|p| p.len()).collect::<Vec<_>>() == [3, 2, 4]
                && !["000", "666"].contains(&parts[0])
                && parts[1] != "00"
                && parts[2] != "0000"
                && digits(number).len() == 9
        }
        other => return Err(format!("no check for {other}")),
    };
    if ok {
        Ok(())
    } else {
        Err(format!(
            "{number:?} fails the {} check",
            identity.issuing_country
        ))
    }
}

/// Whether `identity`'s document number has its country's shape.
fn document_number_shaped(identity: &Identity) -> bool {
    let number = identity.document_number.as_str();
    let all = |text: &str, allowed: fn(&u8) -> bool| text.as_bytes().iter().all(allowed);
    let upper_or_digit = |b: &u8| b.is_ascii_uppercase() || b.is_ascii_digit();
    match (identity.issuing_country.as_str(), &identity.document_type) {
        ("LT", _) => number.len() == 8 && all(number, u8::is_ascii_digit),
        ("DE", DocumentType::Passport) => number.len() == 9 && number.starts_with('C'),
        ("DE", DocumentType::DriverLicense) => number.len() == 11 && all(number, upper_or_digit),
        ("DE", _) => number.len() == 9 && "LMNPRTVWXY".contains(&number[..1]),
        ("GB", DocumentType::DriverLicense) => {
            let surname: String = identity
                .last_name
                .to_ascii_uppercase()
                .chars()
                .filter(char::is_ascii_uppercase)
                .chain(std::iter::repeat('9'))
                .take(5)
                .collect();
            number.len() == 16 && number.starts_with(&surname)
        }
        ("GB", _) | ("US", DocumentType::Passport) => {
            number.len() == 9 && all(number, u8::is_ascii_digit)
        }
        _ => (7..=12).contains(&number.len()) && all(number, upper_or_digit),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn personal_numbers_pass_their_country_check(identity in arb_identity()) {
        if let Err(reason) = personal_number_checks(&identity) {
            return Err(TestCaseError::fail(reason));
        }
    }

    #[test]
    fn document_numbers_have_their_country_shape(identity in arb_identity()) {
        prop_assert!(document_number_shaped(&identity), "{:?} {:?} {}",
            identity.issuing_country, identity.document_type, identity.document_number);
    }
}
