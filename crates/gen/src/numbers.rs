//! Personal and document numbers shaped like the issuing country's, with their real check
//! digits where the format has one.
//!
//! Personal numbers: Lithuanian asmens kodas, German Steuer-ID, French NIR, Italian codice
//! fiscale, Dutch BSN, Portuguese NIF, Brazilian CPF, Turkish T.C. Kimlik No, British National
//! Insurance number and US Social Security number. Document numbers follow the shape of each
//! country's passports, identity cards, driving licences and residence permits; their own check
//! digits (which live in the MRZ, not in the printed number) are not modelled.

use chrono::{Datelike, NaiveDate};
use idenfy_model::{DocumentType, Sex};
use rand::RngExt;

/// The person a number is issued to.
#[derive(Debug, Clone, Copy)]
pub struct Holder<'a> {
    /// Given name(s), as written.
    pub first_name: &'a str,
    /// Family name, as written.
    pub last_name: &'a str,
    /// Sex.
    pub sex: &'a Sex,
    /// Date of birth.
    pub date_of_birth: NaiveDate,
}

/// A personal number as `country` (alpha-2, upper case) issues it to `holder`; nine random
/// digits for a country without a modelled format.
pub fn personal_number<R: RngExt + ?Sized>(
    country: &str,
    holder: &Holder<'_>,
    rng: &mut R,
) -> String {
    match country {
        "LT" => {
            lithuanian_personal_code(holder.sex, holder.date_of_birth, rng.random_range(0..1000))
        }
        "DE" => german_tax_id(rng),
        "FR" => french_nir(holder, rng),
        "IT" => italian_fiscal_code(holder, rng),
        "NL" => dutch_bsn(rng),
        "PT" => portuguese_nif(rng),
        "BR" => brazilian_cpf(rng),
        "TR" => turkish_identity_number(rng),
        "GB" => british_national_insurance_number(rng),
        "US" => us_social_security_number(rng),
        _ => digits(rng, 9),
    }
}

/// A document number shaped like those `country` prints on `document`.
pub fn document_number<R: RngExt + ?Sized>(
    country: &str,
    document: &DocumentType,
    holder: &Holder<'_>,
    rng: &mut R,
) -> String {
    use DocumentType::{DriverLicense, IdCard, Passport, ResidencePermit};
    // Patterns, as `shaped` reads them.
    let pattern = match (country, document) {
        ("LT", _) => "########",
        ("DE", Passport) => "Cgggggggg",
        ("DE", DriverLicense) => "ggggggggggg",
        ("DE", _) => "lgggggggg",
        ("FR", Passport) => "##@@#####",
        ("FR", IdCard) => "*********",
        ("FR", _) => "############",
        ("IT", IdCard) => "CA#####@@",
        ("IT", DriverLicense) => "U1*******@",
        ("IT", _) => "@@#######",
        ("NL", _) => "nnmmmmmm#",
        ("PT", IdCard | ResidencePermit) => "#########@@#",
        ("PT", _) => "@######",
        ("BR", Passport) => "@@######",
        ("BR", _) => "###########",
        ("TR", Passport) => "U########",
        ("TR", _) => "@##@#####",
        ("GB", DriverLicense) => return british_driving_licence_number(holder, rng),
        ("GB", _) | ("US", Passport) => "#########",
        ("US", _) => "@#######",
        _ => "@@#######",
    };
    shaped(pattern, rng)
}

/// A Lithuanian personal code (asmens kodas): `G YYMMDD NNN K`, where `G` encodes sex and
/// century and `K` is the official two-pass mod-11 check digit.
pub fn lithuanian_personal_code(sex: &Sex, date_of_birth: NaiveDate, serial: u16) -> String {
    let century = date_of_birth.year() / 100;
    let male = matches!(sex, Sex::Male);
    let first = match (century, male) {
        (18, true) => 1,
        (18, false) => 2,
        (19, true) => 3,
        (19, false) => 4,
        (_, true) => 5,
        (_, false) => 6,
    };
    let body = format!(
        "{first}{:02}{:02}{:02}{:03}",
        date_of_birth.year() % 100,
        date_of_birth.month(),
        date_of_birth.day(),
        serial % 1000
    );
    let check = lithuanian_check_digit(&body);
    push_digit(body, check)
}

/// The check digit of the first ten digits of a Lithuanian personal code.
pub fn lithuanian_check_digit(first_ten: &str) -> u32 {
    let weighted = |weights: [u32; 10]| -> u32 {
        digit_values(first_ten)
            .zip(weights)
            .map(|(d, w)| d * w)
            .sum::<u32>()
            % 11
    };
    match weighted([1, 2, 3, 4, 5, 6, 7, 8, 9, 1]) {
        10 => match weighted([3, 4, 5, 6, 7, 8, 9, 1, 2, 3]) {
            10 => 0,
            check => check,
        },
        check => check,
    }
}

/// The ISO 7064 MOD 11,10 check digit of the first ten digits of a German tax ID.
pub fn german_tax_id_check_digit(first_ten: &str) -> u32 {
    let mut product = 10;
    for digit in digit_values(first_ten) {
        let sum = match (digit + product) % 10 {
            0 => 10,
            sum => sum,
        };
        product = (sum * 2) % 11;
    }
    (11 - product) % 10
}

/// The two-digit key of the first thirteen digits of a French NIR: `97 - (n mod 97)`.
pub fn french_nir_key(first_thirteen: &str) -> u64 {
    let number = digit_values(first_thirteen).fold(0u64, |n, d| n * 10 + u64::from(d));
    97 - number % 97
}

/// The check letter of the first fifteen characters of an Italian codice fiscale.
pub fn italian_fiscal_code_check(first_fifteen: &str) -> char {
    const ODD: [u32; 26] = [
        1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24,
        23,
    ];
    let sum: u32 = first_fifteen
        .bytes()
        .enumerate()
        .map(|(index, byte)| {
            let value = match byte {
                b'0'..=b'9' => u32::from(byte - b'0'),
                _ => u32::from(byte.to_ascii_uppercase() - b'A'),
            };
            // Positions count from one, so index 0 is an odd position.
            if index % 2 == 0 {
                ODD[value as usize]
            } else {
                value
            }
        })
        .sum();
    char::from(b'A' + (sum % 26) as u8)
}

/// The check digit of the first eight digits of a Dutch BSN (the "11-proof"), or `None` when
/// no digit satisfies it.
pub fn dutch_bsn_check_digit(first_eight: &str) -> Option<u32> {
    let sum: u32 = digit_values(first_eight)
        .zip((2..=9).rev())
        .map(|(d, w)| d * w)
        .sum();
    Some(sum % 11).filter(|check| *check < 10)
}

/// The check digit of the first eight digits of a Portuguese NIF.
pub fn portuguese_nif_check_digit(first_eight: &str) -> u32 {
    let sum: u32 = digit_values(first_eight)
        .zip((2..=9).rev())
        .map(|(d, w)| d * w)
        .sum();
    match sum % 11 {
        0 | 1 => 0,
        rest => 11 - rest,
    }
}

/// The two check digits of the first nine digits of a Brazilian CPF.
pub fn brazilian_cpf_check_digits(first_nine: &str) -> (u32, u32) {
    let mut digits: Vec<u32> = digit_values(first_nine).collect();
    let check = |digits: &[u32]| {
        let top = digits.len() as u32 + 1;
        let sum: u32 = digits.iter().zip((2..=top).rev()).map(|(d, w)| d * w).sum();
        sum * 10 % 11 % 10
    };
    let first = check(&digits);
    digits.push(first);
    (first, check(&digits))
}

/// The two check digits of the first nine digits of a Turkish T.C. Kimlik No.
pub fn turkish_identity_check_digits(first_nine: &str) -> (u32, u32) {
    let digits = digit_values(first_nine);
    let odd: i64 = digits.clone().step_by(2).map(i64::from).sum();
    let even: i64 = digits.clone().skip(1).step_by(2).map(i64::from).sum();
    let tenth = (odd * 7 - even).rem_euclid(10) as u32;
    let eleventh = (digits.sum::<u32>() + tenth) % 10;
    (tenth, eleventh)
}

/// Letters the Dutch leave out of document numbers (`O`, easily read as zero).
const DUTCH_LETTERS: &[u8] = b"ABCDEFGHIJKLMNPQRSTUVWXYZ";
const DUTCH_ALPHANUMERIC: &[u8] = b"ABCDEFGHIJKLMNPQRSTUVWXYZ0123456789";
/// The characters of German document numbers (no vowels, no look-alikes).
const GERMAN_ALPHABET: &[u8] = b"CFGHJKLMNPRTVWXYZ0123456789";
const ALPHANUMERIC: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/// Eleven digits: ten in which exactly one digit appears twice (and so one never appears), the
/// first not zero, then the MOD 11,10 check digit.
fn german_tax_id<R: RngExt + ?Sized>(rng: &mut R) -> String {
    let mut pool: Vec<u8> = (0..10).collect();
    for index in (1..pool.len()).rev() {
        pool.swap(index, rng.random_range(0..=index));
    }
    let mut body: Vec<u8> = pool[..9].to_vec();
    let repeated = body[rng.random_range(0..9)];
    body.insert(rng.random_range(0..=9), repeated);
    if body[0] == 0 {
        let swap = (1..10)
            .find(|&i| body[i] != 0)
            .expect("nine distinct digits");
        body.swap(0, swap);
    }
    let body: String = body.iter().map(|d| char::from(b'0' + d)).collect();
    let check = german_tax_id_check_digit(&body);
    push_digit(body, check)
}

/// `S YY MM DD CCC NNN KK`: sex, birth year and month, département, commune, birth order, key.
fn french_nir<R: RngExt + ?Sized>(holder: &Holder<'_>, rng: &mut R) -> String {
    let sex = if matches!(holder.sex, Sex::Female) {
        2
    } else {
        1
    };
    // Corsica (2A, 2B) is not numeric; skip département 20.
    let department = match rng.random_range(1..=94) {
        20 => 95,
        d => d,
    };
    let body = format!(
        "{sex}{:02}{:02}{department:02}{:03}{:03}",
        holder.date_of_birth.year() % 100,
        holder.date_of_birth.month(),
        rng.random_range(1..=999),
        rng.random_range(1..=999),
    );
    let key = french_nir_key(&body);
    let body = push_digit(body, (key / 10) as u32);
    push_digit(body, (key % 10) as u32)
}

/// Surname code, name code, birth year, month letter, day (plus 40 for women), the Belfiore
/// code of a large comune, check letter.
fn italian_fiscal_code<R: RngExt + ?Sized>(holder: &Holder<'_>, rng: &mut R) -> String {
    const MONTHS: &[u8; 12] = b"ABCDEHLMPRST";
    const COMUNI: &[&str] = &[
        "H501", "F205", "F839", "L219", "G273", "D612", "A944", "L736",
    ];
    let day = holder.date_of_birth.day()
        + if matches!(holder.sex, Sex::Female) {
            40
        } else {
            0
        };
    let body = format!(
        "{}{}{:02}{}{day:02}{}",
        fiscal_name_code(holder.last_name, false),
        fiscal_name_code(holder.first_name, true),
        holder.date_of_birth.year() % 100,
        char::from(MONTHS[holder.date_of_birth.month0() as usize]),
        COMUNI[rng.random_range(0..COMUNI.len())],
    );
    let check = italian_fiscal_code_check(&body);
    let mut code = body;
    code.push(check);
    code
}

/// Three letters of a name for the codice fiscale: consonants, then vowels, then `X`; a first
/// name with four or more consonants gives its first, third and fourth.
fn fiscal_name_code(name: &str, first_name: bool) -> String {
    let letters: Vec<char> = name
        .chars()
        .map(|c| c.to_ascii_uppercase())
        .filter(char::is_ascii_uppercase)
        .collect();
    let (vowels, consonants): (Vec<char>, Vec<char>) =
        letters.into_iter().partition(|c| "AEIOU".contains(*c));
    let consonants = if first_name && consonants.len() >= 4 {
        vec![consonants[0], consonants[2], consonants[3]]
    } else {
        consonants
    };
    consonants
        .into_iter()
        .chain(vowels)
        .chain(std::iter::repeat('X'))
        .take(3)
        .collect()
}

/// Nine digits passing the 11-proof, not starting with zero.
fn dutch_bsn<R: RngExt + ?Sized>(rng: &mut R) -> String {
    let mut body = shaped("%#######", rng);
    if dutch_bsn_check_digit(&body).is_none() {
        // Changing the last digit (weight 2) moves the sum off the one bad remainder.
        let last = body.pop().and_then(|c| c.to_digit(10)).unwrap_or(0);
        body = push_digit(body, (last + 1) % 10);
    }
    let check = dutch_bsn_check_digit(&body).unwrap_or(0);
    push_digit(body, check)
}

/// Nine digits: 1, 2 or 3 (a person), seven digits, the mod-11 check digit.
fn portuguese_nif<R: RngExt + ?Sized>(rng: &mut R) -> String {
    let mut body = from(rng, b"123", 1);
    push_from(&mut body, rng, DIGITS, 7);
    let check = portuguese_nif_check_digit(&body);
    push_digit(body, check)
}

/// Eleven digits: nine, then two check digits.
fn brazilian_cpf<R: RngExt + ?Sized>(rng: &mut R) -> String {
    let body = digits(rng, 9);
    let (first, second) = brazilian_cpf_check_digits(&body);
    push_digit(push_digit(body, first), second)
}

/// Eleven digits, the first not zero, the last two check digits.
fn turkish_identity_number<R: RngExt + ?Sized>(rng: &mut R) -> String {
    let body = shaped("%########", rng);
    let (tenth, eleventh) = turkish_identity_check_digits(&body);
    push_digit(push_digit(body, tenth), eleventh)
}

/// Two prefix letters (never D, F, I, Q, U or V; second never O), six digits, a suffix A to D.
fn british_national_insurance_number<R: RngExt + ?Sized>(rng: &mut R) -> String {
    const FIRST: &[u8] = b"ABCEGHJKLMNOPRSTWXYZ";
    const SECOND: &[u8] = b"ABCEGHJKLMNPRSTWXYZ";
    const DISALLOWED: &[&str] = &["BG", "GB", "KN", "NK", "NT", "TN", "ZZ"];
    let mut number = from(rng, FIRST, 1);
    push_from(&mut number, rng, SECOND, 1);
    if DISALLOWED.contains(&number.as_str()) {
        number = "AB".to_owned();
    }
    push_from(&mut number, rng, DIGITS, 6);
    push_from(&mut number, rng, b"ABCD", 1);
    number
}

/// `AAA-GG-SSSS`: area 001 to 899 but not 666, group 01 to 99, serial 0001 to 9999.
fn us_social_security_number<R: RngExt + ?Sized>(rng: &mut R) -> String {
    let area = match rng.random_range(1..=899) {
        666 => 667,
        area => area,
    };
    format!(
        "{area:03}-{:02}-{:04}",
        rng.random_range(1..=99),
        rng.random_range(1..=9999)
    )
}

/// The 16-character DVLA number: surname (five characters, padded with 9), decade, month
/// (plus 50 for women), day, year digit, initials, a digit and two check letters.
fn british_driving_licence_number<R: RngExt + ?Sized>(holder: &Holder<'_>, rng: &mut R) -> String {
    let surname: String = holder
        .last_name
        .chars()
        .map(|c| c.to_ascii_uppercase())
        .filter(char::is_ascii_uppercase)
        .chain(std::iter::repeat('9'))
        .take(5)
        .collect();
    let initial = holder
        .first_name
        .chars()
        .map(|c| c.to_ascii_uppercase())
        .find(char::is_ascii_uppercase)
        .unwrap_or('9');
    let born = holder.date_of_birth;
    let month = born.month()
        + if matches!(holder.sex, Sex::Female) {
            50
        } else {
            0
        };
    format!(
        "{surname}{}{month:02}{:02}{}{initial}9{}{}",
        born.year() / 10 % 10,
        born.day(),
        born.year() % 10,
        digits(rng, 1),
        letters(rng, 2),
    )
}

fn digit_values(text: &str) -> impl Iterator<Item = u32> + Clone + '_ {
    text.chars().filter_map(|c| c.to_digit(10))
}

/// `text` followed by the decimal digit `digit`.
fn push_digit(mut text: String, digit: u32) -> String {
    text.push(char::from_digit(digit % 10, 10).unwrap_or('0'));
    text
}

const DIGITS: &[u8] = b"0123456789";
const LETTERS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ";

/// A number drawn from `pattern`: `#` a digit, `@` a letter, `*` a letter or digit, `g` a
/// character of German document numbers, `l` the first letter of a German identity card
/// number, `n` a Dutch letter, `m` a Dutch letter or digit, `%` a digit other than zero; any
/// other character is copied.
fn shaped<R: RngExt + ?Sized>(pattern: &str, rng: &mut R) -> String {
    let mut number = String::with_capacity(pattern.len());
    for symbol in pattern.chars() {
        let alphabet = match symbol {
            '#' => DIGITS,
            '@' => LETTERS,
            '*' => ALPHANUMERIC,
            'g' => GERMAN_ALPHABET,
            'l' => b"LMNPRTVWXY",
            'n' => DUTCH_LETTERS,
            'm' => DUTCH_ALPHANUMERIC,
            '%' => &DIGITS[1..],
            literal => {
                number.push(literal);
                continue;
            }
        };
        number.push(char::from(alphabet[rng.random_range(0..alphabet.len())]));
    }
    number
}

fn digits<R: RngExt + ?Sized>(rng: &mut R, count: usize) -> String {
    from(rng, DIGITS, count)
}

fn letters<R: RngExt + ?Sized>(rng: &mut R, count: usize) -> String {
    from(rng, LETTERS, count)
}

/// `count` characters drawn from `alphabet`.
fn from<R: RngExt + ?Sized>(rng: &mut R, alphabet: &[u8], count: usize) -> String {
    let mut text = String::with_capacity(count);
    push_from(&mut text, rng, alphabet, count);
    text
}

/// Appends `count` characters drawn from `alphabet` to `text`.
fn push_from<R: RngExt + ?Sized>(text: &mut String, rng: &mut R, alphabet: &[u8], count: usize) {
    text.extend((0..count).map(|_| char::from(alphabet[rng.random_range(0..alphabet.len())])));
}
