//! Consistent fake identities: a person and a document that agree with each other.
//!
//! Names come from `fake` in the person's locale where `fake` has it, English otherwise.
//! Dates are computed from [`REFERENCE_DATE`], never from the clock, so the same seed gives the
//! same identity on any day. Personal and document numbers come from [`crate::numbers`].
//!
//! An identity is made of structural choices (country, sex, age, document, issue date, and for
//! residence permits the nationality) and of names and numbers drawn from a random stream.
//! [`arb_identity`] draws the choices with proptest, so a failing case shrinks toward a young
//! Lithuanian man with a passport issued as early as it can be; the names follow a seed that
//! shrinks toward zero.

use chrono::{Datelike, Days, Months, NaiveDate};
use fake::Fake;
use fake::faker::address::raw::{BuildingNumber, ZipCode};
use fake::faker::name::raw::{FirstName, LastName};
use fake::locales::{DE_DE, EN, FR_FR, IT_IT, NL_NL, PT_BR, PT_PT, TR_TR};
use idenfy_model::{DocumentSex, DocumentType, Locale, Sex};
use proptest::prelude::{Strategy, any};
use rand::RngExt;
use serde::{Deserialize, Serialize};

use crate::numbers::{Holder, document_number, personal_number};
pub use crate::numbers::{lithuanian_check_digit, lithuanian_personal_code};
use crate::places::{City, Street};
use crate::seed::rng_from_seed;

/// The "today" every generated date is relative to: documents are valid on it, people are
/// adults on it. Fixed so fixtures do not change with the calendar.
pub const REFERENCE_DATE: NaiveDate = match NaiveDate::from_ymd_opt(2026, 1, 1) {
    Some(date) => date,
    None => panic!("valid date"),
};

/// A fake person and the document they verify with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Identity {
    /// Given name(s), as written (not upper-cased).
    pub first_name: String,
    /// Family name, as written.
    pub last_name: String,
    /// Sex.
    pub sex: Sex,
    /// Date of birth; 18 to 80 years before [`REFERENCE_DATE`].
    pub date_of_birth: NaiveDate,
    /// Nationality, ISO 3166-1 alpha-2 upper case; another country than the issuing one for a
    /// residence permit.
    pub nationality: String,
    /// Document-issuing country, ISO 3166-1 alpha-2 upper case.
    pub issuing_country: String,
    /// Document type.
    pub document_type: DocumentType,
    /// Document number, shaped like the issuing country's.
    pub document_number: String,
    /// Personal number in the issuing country's format, with its check digits (a Lithuanian
    /// personal code for `LT`).
    pub personal_number: String,
    /// Date of issue; after the 18th birthday and before [`REFERENCE_DATE`].
    pub date_of_issue: NaiveDate,
    /// Date of expiry; after [`REFERENCE_DATE`], so the document is valid on it.
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
    /// Whether addresses put the building number before the street (`221B Baker Street`).
    building_first: bool,
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
        building_first: false,
        city_label: "Lithuania",
    },
    Country {
        code: "DE",
        locale: Locale::De,
        names: NameLocale::DeDe,
        building_first: false,
        city_label: "Germany",
    },
    Country {
        code: "FR",
        locale: Locale::Fr,
        names: NameLocale::FrFr,
        building_first: false,
        city_label: "France",
    },
    Country {
        code: "IT",
        locale: Locale::It,
        names: NameLocale::ItIt,
        building_first: false,
        city_label: "Italy",
    },
    Country {
        code: "NL",
        locale: Locale::Nl,
        names: NameLocale::NlNl,
        building_first: false,
        city_label: "Netherlands",
    },
    Country {
        code: "PT",
        locale: Locale::Pt,
        names: NameLocale::PtPt,
        building_first: false,
        city_label: "Portugal",
    },
    Country {
        code: "BR",
        locale: Locale::Pt,
        names: NameLocale::PtBr,
        building_first: false,
        city_label: "Brazil",
    },
    Country {
        code: "TR",
        locale: Locale::Tr,
        names: NameLocale::TrTr,
        building_first: false,
        city_label: "Turkey",
    },
    Country {
        code: "GB",
        locale: Locale::En,
        names: NameLocale::En,
        building_first: true,
        city_label: "United Kingdom",
    },
    Country {
        code: "US",
        locale: Locale::En,
        names: NameLocale::En,
        building_first: true,
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

/// `$faker` of the `fake` locale `$names` draws a `$value` (`String`, or `&str` for the fakers
/// that pick a word from a list, which then need not be copied).
macro_rules! with_locale {
    ($names:expr, $faker:ident, $value:ty, $rng:expr) => {
        match $names {
            NameLocale::En => $faker(EN).fake_with_rng::<$value, _>($rng),
            NameLocale::DeDe => $faker(DE_DE).fake_with_rng::<$value, _>($rng),
            NameLocale::FrFr => $faker(FR_FR).fake_with_rng::<$value, _>($rng),
            NameLocale::ItIt => $faker(IT_IT).fake_with_rng::<$value, _>($rng),
            NameLocale::NlNl => $faker(NL_NL).fake_with_rng::<$value, _>($rng),
            NameLocale::PtPt => $faker(PT_PT).fake_with_rng::<$value, _>($rng),
            NameLocale::PtBr => $faker(PT_BR).fake_with_rng::<$value, _>($rng),
            NameLocale::TrTr => $faker(TR_TR).fake_with_rng::<$value, _>($rng),
        }
    };
}

/// Ages, in days on [`REFERENCE_DATE`], identities are drawn from: adults up to 80.
const AGE_DAYS: std::ops::Range<u64> = 18 * 366..80 * 365;

/// The structural choices behind an identity. Names, the address and numbers come from a
/// random stream, so these are what shrinking simplifies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Choices {
    /// Index into `COUNTRIES` of the issuing country.
    country: usize,
    female: bool,
    age_days: u64,
    /// Index into `DOCUMENTS`.
    document: usize,
    /// Where in the possible issue window the document was issued, `0` being the earliest day.
    issue_point: u32,
    /// For a residence permit: how many places after the issuing country the nationality is.
    nationality_offset: usize,
}

impl Choices {
    fn random<R: RngExt + ?Sized>(country: usize, rng: &mut R) -> Self {
        Self {
            country,
            female: rng.random_bool(0.5),
            age_days: rng.random_range(AGE_DAYS),
            document: rng.random_range(0..DOCUMENTS.len()),
            issue_point: rng.random(),
            nationality_offset: rng.random_range(1..COUNTRIES.len()),
        }
    }

    pub(crate) fn strategy() -> impl Strategy<Value = Self> + Clone {
        (
            0..COUNTRIES.len(),
            any::<bool>(),
            AGE_DAYS,
            0..DOCUMENTS.len(),
            any::<u32>(),
            1..COUNTRIES.len(),
        )
            .prop_map(
                |(country, female, age_days, document, issue_point, nationality_offset)| Self {
                    country,
                    female,
                    age_days,
                    document,
                    issue_point,
                    nationality_offset,
                },
            )
    }
}

/// Identities from every supported country, drawn so that they shrink: toward `LT`, a man,
/// the youngest adult age, a passport, the earliest possible issue date and the names of
/// seed 0.
pub fn arb_identity() -> impl Strategy<Value = Identity> + Clone {
    (Choices::strategy(), any::<u64>())
        .prop_map(|(choices, seed)| Identity::from_choices(choices, &mut rng_from_seed(seed)))
}

impl Identity {
    /// The ISO codes of the countries identities are drawn from.
    pub fn countries() -> impl Iterator<Item = &'static str> {
        COUNTRIES.iter().map(|country| country.code)
    }

    /// A random identity from any supported country.
    pub fn fake<R: RngExt + ?Sized>(rng: &mut R) -> Self {
        let country = rng.random_range(0..COUNTRIES.len());
        Self::from_choices(Choices::random(country, rng), rng)
    }

    /// A random identity whose document was issued by `country` (alpha-2, any case), or `None`
    /// if the generator does not know that country.
    pub fn fake_in<R: RngExt + ?Sized>(country: &str, rng: &mut R) -> Option<Self> {
        let country = COUNTRIES
            .iter()
            .position(|c| c.code.eq_ignore_ascii_case(country))?;
        Some(Self::from_choices(Choices::random(country, rng), rng))
    }

    /// The identity these choices describe, with names, address and numbers from `rng`.
    pub(crate) fn from_choices<R: RngExt + ?Sized>(choices: Choices, rng: &mut R) -> Self {
        let issuer = &COUNTRIES[choices.country];
        let (document_type, validity_years) = DOCUMENTS[choices.document].clone();
        // A residence permit is held by a foreigner: name and nationality from elsewhere.
        let national = if document_type == DocumentType::ResidencePermit {
            &COUNTRIES[(choices.country + choices.nationality_offset) % COUNTRIES.len()]
        } else {
            issuer
        };
        let sex = if choices.female {
            Sex::Female
        } else {
            Sex::Male
        };
        let first_name = plain_name(with_locale!(national.names, FirstName, &str, rng));
        let last_name = plain_name(with_locale!(national.names, LastName, &str, rng));
        let street = tidy(with_locale!(issuer.names, Street, String, rng));
        let building = tidy(with_locale!(issuer.names, BuildingNumber, String, rng));
        let zip = tidy(with_locale!(issuer.names, ZipCode, String, rng));
        let mut city = tidy(with_locale!(issuer.names, City, String, rng));

        let date_of_birth = REFERENCE_DATE - Days::new(choices.age_days);
        // Issued after the 18th birthday, and late enough that the document (which expires the
        // day before the anniversary of its issue) is still valid the day after REFERENCE_DATE.
        let adult_on = date_of_birth + Months::new(18 * 12);
        let earliest = (REFERENCE_DATE - Months::new(12 * validity_years) + Days::new(2))
            .max(adult_on + Days::new(1));
        let window = (REFERENCE_DATE - earliest).num_days().max(1) as u64;
        let offset = (window * u64::from(choices.issue_point)) >> 32;
        let date_of_issue = earliest + Days::new(offset);
        let date_of_expiry = date_of_issue + Months::new(12 * validity_years) - Days::new(1);

        let holder = Holder {
            first_name: &first_name,
            last_name: &last_name,
            sex: &sex,
            date_of_birth,
        };
        let personal_number = personal_number(issuer.code, &holder, rng);
        let document_number = document_number(issuer.code, &document_type, &holder, rng);
        let address = if issuer.building_first {
            [&*building, " ", &street, ", ", &city, " ", &zip].concat()
        } else {
            [&*street, " ", &building, ", ", &zip, " ", &city].concat()
        };
        city.push_str(", ");
        city.push_str(issuer.city_label);
        Self {
            first_name,
            last_name,
            sex,
            date_of_birth,
            nationality: national.code.to_owned(),
            issuing_country: issuer.code.to_owned(),
            document_type,
            document_number,
            personal_number,
            date_of_issue,
            date_of_expiry,
            address,
            city,
            locale: issuer.locale.clone(),
        }
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

/// `date` as `YYYY-MM-DD`, the text its `Display` gives, written without the formatting
/// machinery for the years identities have (0 to 9999).
pub(crate) fn iso_date(date: NaiveDate) -> String {
    let Ok(year @ 0..=9999) = u16::try_from(date.year()) else {
        return date.to_string();
    };
    let digit = |value: u32, unit: u32| b'0' + (value / unit % 10) as u8;
    let year = u32::from(year);
    let (month, day) = (date.month(), date.day());
    let text = [
        digit(year, 1000),
        digit(year, 100),
        digit(year, 10),
        digit(year, 1),
        b'-',
        digit(month, 10),
        digit(month, 1),
        b'-',
        digit(day, 10),
        digit(day, 1),
    ];
    text.iter().map(|&byte| char::from(byte)).collect()
}

/// The bytes the token API forbids in names, one bit each: ASCII digits and
/// [`NAME_FORBIDDEN`](idenfy_model::validation::NAME_FORBIDDEN) (all ASCII, or this would not
/// compile).
const FORBIDDEN_IN_NAMES: u128 = {
    let forbidden = idenfy_model::validation::NAME_FORBIDDEN.as_bytes();
    let mut mask = 0x3ff << b'0';
    let mut index = 0;
    while index < forbidden.len() {
        mask |= 1 << forbidden[index];
        index += 1;
    }
    mask
};

/// Removes characters the token API forbids in names (fake's lists hold a few apostrophes and
/// dots, which are allowed, but never digits; this keeps that guarantee explicit).
fn plain_name(name: &str) -> String {
    // Digits and the forbidden characters are all ASCII, so comparing bytes is exact.
    let forbidden = |byte: u8| byte < 128 && FORBIDDEN_IN_NAMES >> byte & 1 == 1;
    let name = tidy(name.to_owned());
    if name.bytes().any(forbidden) {
        let allowed = |c: &char| !c.is_ascii() || !forbidden(*c as u8);
        tidy(name.chars().filter(allowed).collect())
    } else {
        name
    }
}

/// `text` without the template placeholders `fake` sometimes leaves unfilled (its Dutch city
/// names end in `{River}`), with single spaces and no space at either end.
fn tidy(text: String) -> String {
    if is_tidy(&text) {
        return text;
    }
    let mut kept = String::with_capacity(text.len());
    let mut depth = 0usize;
    let mut space = false;
    for c in text.chars() {
        match c {
            '{' => depth += 1,
            '}' => depth = depth.saturating_sub(1),
            _ if depth > 0 => {}
            c if c.is_ascii_whitespace() => space = !kept.is_empty(),
            c => {
                if std::mem::take(&mut space) {
                    kept.push(' ');
                }
                kept.push(c);
            }
        }
    }
    kept
}

/// Whether `text` has no braces, no leading, trailing or repeated whitespace (one pass, as
/// nearly every value from `fake` is already tidy).
fn is_tidy(text: &str) -> bool {
    let mut after_space = true;
    for byte in text.bytes() {
        let space = byte.is_ascii_whitespace();
        if byte == b'{' || byte == b'}' || (space && after_space) {
            return false;
        }
        after_space = space;
    }
    !after_space || text.is_empty()
}

#[cfg(test)]
mod tests {
    use chrono::{Days, NaiveDate};

    use idenfy_model::{DocumentSex, Sex};

    use super::{Choices, FORBIDDEN_IN_NAMES, Identity, iso_date, plain_name, tidy};
    use crate::seed::rng_from_seed;

    fn date(year: i32, month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, month, day).unwrap()
    }

    /// A Lithuanian man `age_days` old with a passport issued at `issue_point` of its window.
    fn passport_holder(age_days: u64, issue_point: u32) -> Identity {
        let choices = Choices {
            country: 0,
            female: false,
            age_days,
            document: 0,
            issue_point,
            nationality_offset: 1,
        };
        Identity::from_choices(choices, &mut rng_from_seed(7))
    }

    #[test]
    fn issue_dates_span_the_window_from_the_earliest_valid_day_to_the_reference_date() {
        // An adult for decades: the earliest ten-year passport still valid the day after
        // 2026-01-01 was issued on 2016-01-03 and expires on 2026-01-02.
        let earliest = passport_holder(60 * 365, 0);
        assert_eq!(earliest.date_of_birth, date(1966, 1, 16));
        assert_eq!(earliest.date_of_issue, date(2016, 1, 3));
        assert_eq!(earliest.date_of_expiry, date(2026, 1, 2));
        let latest = passport_holder(60 * 365, u32::MAX);
        assert_eq!(latest.date_of_issue, date(2025, 12, 31));
        assert_eq!(latest.date_of_expiry, date(2035, 12, 30));
        // Just adult: issued no earlier than the day after the 18th birthday (2025-12-19).
        let young = passport_holder(18 * 366, 0);
        assert_eq!(young.date_of_birth, date(2007, 12, 19));
        assert_eq!(young.date_of_issue, date(2025, 12, 20));
        assert_eq!(
            passport_holder(18 * 366, u32::MAX).date_of_issue,
            date(2025, 12, 31)
        );
    }

    #[test]
    fn full_names_are_upper_cased_and_document_sex_follows_sex() {
        let mut identity = passport_holder(40 * 365, 0);
        identity.first_name = "Jonas".into();
        identity.last_name = "Petraitis".into();
        assert_eq!(identity.full_name(), "JONAS PETRAITIS");
        assert_eq!(identity.document_sex(), DocumentSex::Male);
        identity.sex = Sex::Female;
        assert_eq!(identity.document_sex(), DocumentSex::Female);
    }

    #[test]
    fn the_countries_are_the_ones_identities_come_from() {
        assert_eq!(
            Identity::countries().collect::<Vec<_>>(),
            ["LT", "DE", "FR", "IT", "NL", "PT", "BR", "TR", "GB", "US"]
        );
    }

    #[test]
    fn tidy_drops_placeholders_and_stray_spaces_and_keeps_tidy_text() {
        assert_eq!(tidy("Vilnius".into()), "Vilnius");
        assert_eq!(tidy("  Den {River}   Haag ".into()), "Den Haag");
        assert_eq!(tidy("a}b{c{d}e}f".into()), "abf");
        assert_eq!(tidy("\tRua  Augusta\n".into()), "Rua Augusta");
        // Untidy in one way only each, so the quick check must see every way.
        assert_eq!(tidy("Den Haag{River}".into()), "Den Haag");
        assert_eq!(tidy("Den}Haag".into()), "DenHaag");
        assert_eq!(tidy("Den  Haag".into()), "Den Haag");
        assert_eq!(tidy("Vilnius ".into()), "Vilnius");
        assert_eq!(tidy(" Vilnius".into()), "Vilnius");
        assert_eq!(tidy(String::new()), "");
    }

    #[test]
    fn plain_names_lose_digits_and_forbidden_characters_only() {
        assert_eq!(plain_name("O'Brien-Smith"), "O'Brien-Smith");
        assert_eq!(plain_name("Àlex Ünal"), "Àlex Ünal");
        assert_eq!(plain_name("Ann3 (Marie)"), "Ann Marie");
        assert_eq!(plain_name(" Jo  Ann "), "Jo Ann");
    }

    #[test]
    fn the_forbidden_mask_holds_digits_and_the_forbidden_characters() {
        for byte in 0..=u8::MAX {
            let forbidden = byte.is_ascii_digit()
                || idenfy_model::validation::NAME_FORBIDDEN
                    .as_bytes()
                    .contains(&byte);
            let masked = byte < 128 && FORBIDDEN_IN_NAMES >> byte & 1 == 1;
            assert_eq!(masked, forbidden, "{byte}");
        }
    }

    #[test]
    fn iso_dates_are_what_display_writes() {
        let mut date = NaiveDate::from_ymd_opt(1899, 12, 1).unwrap();
        while date.to_string() != "2101-01-01" {
            assert_eq!(iso_date(date), date.to_string());
            date = date + Days::new(1);
        }
        for (year, month, day) in [
            (0, 1, 1),
            (9, 2, 3),
            (9999, 12, 31),
            (-1, 6, 15),
            (10_000, 1, 1),
        ] {
            let date = NaiveDate::from_ymd_opt(year, month, day).unwrap();
            assert_eq!(iso_date(date), date.to_string());
        }
    }
}
