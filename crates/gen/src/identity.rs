//! Consistent fake identities: a person and a document that agree with each other.
//!
//! Names come from `fake` in the person's locale where `fake` has it, English otherwise.
//! Dates are computed from [`REFERENCE_DATE`], never from the clock, so the same seed gives the
//! same identity on any day.

use chrono::{Datelike, Days, Months, NaiveDate};
use fake::Fake;
use fake::faker::address::raw::{BuildingNumber, CityName, StreetName, ZipCode};
use fake::faker::name::raw::{FirstName, LastName};
use fake::locales::{DE_DE, EN, FR_FR, IT_IT, NL_NL, PT_BR, PT_PT, TR_TR};
use idenfy_model::{DocumentSex, DocumentType, Locale, Sex};
use rand::RngExt;

/// The "today" every generated date is relative to: documents are valid on it, people are
/// adults on it. Fixed so fixtures do not change with the calendar.
pub const REFERENCE_DATE: NaiveDate = match NaiveDate::from_ymd_opt(2026, 1, 1) {
    Some(date) => date,
    None => panic!("valid date"),
};

/// A fake person and the document they verify with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// Given name(s), as written (not upper-cased).
    pub first_name: String,
    /// Family name, as written.
    pub last_name: String,
    /// Sex.
    pub sex: Sex,
    /// Date of birth; 18 to 80 years before [`REFERENCE_DATE`].
    pub date_of_birth: NaiveDate,
    /// Nationality, ISO 3166-1 alpha-2 upper case.
    pub nationality: String,
    /// Document-issuing country, ISO 3166-1 alpha-2 upper case.
    pub issuing_country: String,
    /// Document type.
    pub document_type: DocumentType,
    /// Document number, shaped like the issuing country's.
    pub document_number: String,
    /// Personal number; a real Lithuanian personal code with its check digit for `LT`.
    pub personal_number: String,
    /// Date of issue; on or after the 18th birthday and before [`REFERENCE_DATE`].
    pub date_of_issue: NaiveDate,
    /// Date of expiry; after [`REFERENCE_DATE`], so the document is valid.
    pub date_of_expiry: NaiveDate,
    /// Street address.
    pub address: String,
    /// City, used for the webhook's `clientLocation`.
    pub city: String,
    /// UI language matching the country.
    pub locale: Locale,
}

/// A country the generator knows how to make people for.
struct Country {
    code: &'static str,
    locale: Locale,
    names: NameLocale,
    city_label: &'static str,
}

/// Which `fake` locale supplies names and addresses.
#[derive(Clone, Copy)]
enum NameLocale {
    En,
    DeDe,
    FrFr,
    ItIt,
    NlNl,
    PtPt,
    PtBr,
    TrTr,
}

const COUNTRIES: &[Country] = &[
    Country {
        code: "LT",
        locale: Locale::Lt,
        names: NameLocale::En,
        city_label: "Lithuania",
    },
    Country {
        code: "DE",
        locale: Locale::De,
        names: NameLocale::DeDe,
        city_label: "Germany",
    },
    Country {
        code: "FR",
        locale: Locale::Fr,
        names: NameLocale::FrFr,
        city_label: "France",
    },
    Country {
        code: "IT",
        locale: Locale::It,
        names: NameLocale::ItIt,
        city_label: "Italy",
    },
    Country {
        code: "NL",
        locale: Locale::Nl,
        names: NameLocale::NlNl,
        city_label: "Netherlands",
    },
    Country {
        code: "PT",
        locale: Locale::Pt,
        names: NameLocale::PtPt,
        city_label: "Portugal",
    },
    Country {
        code: "BR",
        locale: Locale::Pt,
        names: NameLocale::PtBr,
        city_label: "Brazil",
    },
    Country {
        code: "TR",
        locale: Locale::Tr,
        names: NameLocale::TrTr,
        city_label: "Turkey",
    },
    Country {
        code: "GB",
        locale: Locale::En,
        names: NameLocale::En,
        city_label: "United Kingdom",
    },
    Country {
        code: "US",
        locale: Locale::En,
        names: NameLocale::En,
        city_label: "United States",
    },
];

/// Document types an identity may carry, with their validity in years.
const DOCUMENTS: &[(DocumentType, u32)] = &[
    (DocumentType::Passport, 10),
    (DocumentType::IdCard, 10),
    (DocumentType::DriverLicense, 15),
    (DocumentType::ResidencePermit, 5),
];

macro_rules! with_locale {
    ($names:expr, $faker:ident, $rng:expr) => {
        match $names {
            NameLocale::En => $faker(EN).fake_with_rng::<String, _>($rng),
            NameLocale::DeDe => $faker(DE_DE).fake_with_rng::<String, _>($rng),
            NameLocale::FrFr => $faker(FR_FR).fake_with_rng::<String, _>($rng),
            NameLocale::ItIt => $faker(IT_IT).fake_with_rng::<String, _>($rng),
            NameLocale::NlNl => $faker(NL_NL).fake_with_rng::<String, _>($rng),
            NameLocale::PtPt => $faker(PT_PT).fake_with_rng::<String, _>($rng),
            NameLocale::PtBr => $faker(PT_BR).fake_with_rng::<String, _>($rng),
            NameLocale::TrTr => $faker(TR_TR).fake_with_rng::<String, _>($rng),
        }
    };
}

impl Identity {
    /// The ISO codes of the countries identities are drawn from.
    pub fn countries() -> impl Iterator<Item = &'static str> {
        COUNTRIES.iter().map(|country| country.code)
    }

    /// A random identity from any supported country.
    pub fn fake<R: RngExt + ?Sized>(rng: &mut R) -> Self {
        let index = rng.random_range(0..COUNTRIES.len());
        Self::fake_in(COUNTRIES[index].code, rng).expect("listed country")
    }

    /// A random identity from `country` (alpha-2, any case), or `None` if the generator does
    /// not know that country.
    pub fn fake_in<R: RngExt + ?Sized>(country: &str, rng: &mut R) -> Option<Self> {
        let country = COUNTRIES
            .iter()
            .find(|c| c.code.eq_ignore_ascii_case(country))?;
        let sex = if rng.random_bool(0.5) {
            Sex::Male
        } else {
            Sex::Female
        };
        let first_name = plain_name(&with_locale!(country.names, FirstName, rng));
        let last_name = plain_name(&with_locale!(country.names, LastName, rng));
        let street = with_locale!(country.names, StreetName, rng);
        let building = with_locale!(country.names, BuildingNumber, rng);
        let zip = with_locale!(country.names, ZipCode, rng);
        let city = with_locale!(country.names, CityName, rng);

        let age_days = rng.random_range(18 * 366..80 * 365);
        let date_of_birth = REFERENCE_DATE - Days::new(age_days);
        let (document_type, validity_years) =
            DOCUMENTS[rng.random_range(0..DOCUMENTS.len())].clone();
        // Issued within the validity period before REFERENCE_DATE, and after the 18th birthday.
        let adult_on = date_of_birth + Months::new(18 * 12);
        let earliest =
            (REFERENCE_DATE - Months::new(12 * validity_years) + Days::new(1)).max(adult_on);
        let span = (REFERENCE_DATE - earliest).num_days().max(1) as u64;
        let date_of_issue = earliest + Days::new(rng.random_range(0..span));
        let date_of_expiry = date_of_issue + Months::new(12 * validity_years) - Days::new(1);

        let personal_number = match country.code {
            "LT" => lithuanian_personal_code(&sex, date_of_birth, rng.random_range(0..1000)),
            _ => digits(rng, 9),
        };
        let document_number = document_number(country.code, &document_type, rng);
        Some(Self {
            first_name,
            last_name,
            sex,
            date_of_birth,
            nationality: country.code.to_owned(),
            issuing_country: country.code.to_owned(),
            document_type,
            document_number,
            personal_number,
            date_of_issue,
            date_of_expiry,
            address: format!("{street} {building}, {zip} {city}"),
            city: format!("{city}, {}", country.city_label),
            locale: country.locale.clone(),
        })
    }

    /// `FIRST LAST`, upper-cased as iDenfy echoes and reads names.
    pub fn full_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name).to_uppercase()
    }

    /// The document's sex field.
    pub fn document_sex(&self) -> DocumentSex {
        match self.sex {
            Sex::Male => DocumentSex::Male,
            Sex::Female => DocumentSex::Female,
            _ => DocumentSex::Undefined,
        }
    }
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
    format!("{body}{}", lithuanian_check_digit(&body))
}

/// The check digit of the first ten digits of a Lithuanian personal code.
pub fn lithuanian_check_digit(first_ten: &str) -> u32 {
    let digits: Vec<u32> = first_ten.chars().filter_map(|c| c.to_digit(10)).collect();
    let weighted = |weights: [u32; 10]| -> u32 {
        digits.iter().zip(weights).map(|(d, w)| d * w).sum::<u32>() % 11
    };
    match weighted([1, 2, 3, 4, 5, 6, 7, 8, 9, 1]) {
        10 => match weighted([3, 4, 5, 6, 7, 8, 9, 1, 2, 3]) {
            10 => 0,
            check => check,
        },
        check => check,
    }
}

/// A document number shaped like the issuing country's: Lithuanian passports and ID cards
/// have 8 digits, German ones a letter and 8 characters, Italian two letters and seven digits,
/// the rest two letters and seven digits.
fn document_number<R: RngExt + ?Sized>(
    country: &str,
    document: &DocumentType,
    rng: &mut R,
) -> String {
    match (country, document) {
        ("LT", DocumentType::Passport | DocumentType::IdCard) => digits(rng, 8),
        ("DE", _) => format!("{}{}", letters(rng, 1), alphanumerics(rng, 8)),
        ("US", DocumentType::Passport) => digits(rng, 9),
        _ => format!("{}{}", letters(rng, 2), digits(rng, 7)),
    }
}

/// Removes characters the token API forbids in names (fake's lists hold a few apostrophes and
/// dots, which are allowed, but never digits; this keeps that guarantee explicit).
fn plain_name(name: &str) -> String {
    name.chars()
        .filter(|c| !c.is_ascii_digit() && !idenfy_model::validation::NAME_FORBIDDEN.contains(*c))
        .collect::<String>()
        .trim()
        .to_owned()
}

fn digits<R: RngExt + ?Sized>(rng: &mut R, count: usize) -> String {
    (0..count)
        .map(|_| char::from(b'0' + rng.random_range(0..10u8)))
        .collect()
}

fn letters<R: RngExt + ?Sized>(rng: &mut R, count: usize) -> String {
    (0..count)
        .map(|_| char::from(b'A' + rng.random_range(0..26u8)))
        .collect()
}

fn alphanumerics<R: RngExt + ?Sized>(rng: &mut R, count: usize) -> String {
    const ALPHABET: &[u8] = b"CFGHJKLMNPRTVWXYZ0123456789";
    (0..count)
        .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
        .collect()
}
