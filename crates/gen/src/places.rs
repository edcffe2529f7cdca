//! Street and city names as `fake`'s `StreetName` and `CityName` draw them, filled into the
//! locale's template in one pass instead of chained `str::replace` calls (which set up a
//! substring searcher and allocate a string each).

use fake::faker::address::raw::{CityName, CityPrefix, CitySuffix, StreetSuffix};
use fake::faker::impls::address::CityNameGenFn;
use fake::faker::name::raw::{FirstName, LastName, Name};
use fake::locales::{DE_DE, Data, EN, FR_FR, IT_IT, NL_NL, PT_BR, PT_PT, TR_TR};
use fake::{Dummy, Fake, Faker};
use rand::RngExt;

/// `fake`'s `StreetName` faker for locale `L`: the same draws in the same order (a coin, a first
/// or last name, a street suffix) and the same text, with one allocation.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Street<L>(pub(crate) L);

/// `fake`'s `CityName` faker for locale `L`: the same draws in the same order and the same
/// text; [`CityLocale::DEFAULT_CITY`] says whether `fake` uses its default generator for `L`,
/// which this one fills in one pass, or one of its own, which this one calls.
#[derive(Debug, Clone, Copy)]
pub(crate) struct City<L>(pub(crate) L);

/// A `fake` locale identities draw city names from.
pub(crate) trait CityLocale: Data + Copy + CityNameGenFn {
    /// Whether `fake` draws this locale's city names with `CityNameGenFn`'s default generator.
    const DEFAULT_CITY: bool;
}

macro_rules! city_locales {
    ($default:expr => $($locale:ident),+) => {
        $(impl CityLocale for $locale {
            const DEFAULT_CITY: bool = $default;
        })+
    };
}
city_locales!(true => EN, FR_FR, IT_IT, PT_PT, PT_BR, TR_TR);
// German and Dutch city names have generators of their own (prefixes, rivers).
city_locales!(false => DE_DE, NL_NL);

impl<L: Data + Copy> Dummy<Street<L>> for String {
    fn dummy_with_rng<R: RngExt + ?Sized>(street: &Street<L>, rng: &mut R) -> Self {
        let name: &str = if Faker.fake_with_rng::<bool, _>(rng) {
            FirstName(street.0).fake_with_rng(rng)
        } else {
            LastName(street.0).fake_with_rng(rng)
        };
        let suffix: &str = StreetSuffix(street.0).fake_with_rng(rng);
        fill(
            L::ADDRESS_STREET_TPL,
            &[("{StreetName}", name), ("{StreetSuffix}", suffix)],
        )
    }
}

impl<L: CityLocale> Dummy<City<L>> for String {
    fn dummy_with_rng<R: RngExt + ?Sized>(city: &City<L>, rng: &mut R) -> Self {
        let locale = city.0;
        if !L::DEFAULT_CITY {
            return CityName(locale).fake_with_rng(rng);
        }
        // `CityNameGenFn::gen`: one in five cities has a prefix and a full name, the others a
        // first or last name; the suffix is drawn even where the template has no place for it.
        match (0..5).fake_with_rng::<u8, _>(rng) {
            0 => {
                let prefix: &str = CityPrefix(locale).fake_with_rng(rng);
                let name: String = Name(locale).fake_with_rng(rng);
                let suffix: &str = CitySuffix(locale).fake_with_rng(rng);
                let values = [
                    ("{CityPrefix}", prefix),
                    ("{CityName}", name.as_str()),
                    ("{CitySuffix}", suffix),
                ];
                fill(L::ADDRESS_CITY_WITH_PREFIX_TPL, &values)
            }
            choice => {
                let name: &str = if choice == 1 {
                    FirstName(locale).fake_with_rng(rng)
                } else {
                    LastName(locale).fake_with_rng(rng)
                };
                let suffix: &str = CitySuffix(locale).fake_with_rng(rng);
                fill(
                    L::ADDRESS_CITY_TPL,
                    &[("{CityName}", name), ("{CitySuffix}", suffix)],
                )
            }
        }
    }
}

/// `template` with every placeholder of `values` replaced by its value: what `fake`'s chained
/// `template.replace(placeholder, value)` calls give, since neither its templates nor the
/// words of its lists hold a brace that a later replacement could match across.
fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let length = values.iter().map(|(_, value)| value.len()).sum::<usize>();
    let mut text = String::with_capacity(template.len() + length);
    let mut rest = template;
    // Templates are short: a plain scan beats `memchr`'s set-up.
    while let Some(brace) = rest.bytes().position(|byte| byte == b'{') {
        text.push_str(&rest[..brace]);
        rest = &rest[brace..];
        let filled = values
            .iter()
            .find_map(|(placeholder, value)| Some((rest.strip_prefix(placeholder)?, *value)));
        match filled {
            Some((after, value)) => {
                text.push_str(value);
                rest = after;
            }
            None => {
                text.push('{');
                rest = &rest[1..];
            }
        }
    }
    text.push_str(rest);
    text
}

#[cfg(test)]
mod tests {
    use fake::Fake;
    use fake::faker::address::raw::{CityName, StreetName};
    use fake::locales::{DE_DE, EN, FR_FR, IT_IT, NL_NL, PT_BR, PT_PT, TR_TR};

    use super::{City, CityLocale, Street, fill};
    use crate::seed::rng_from_seed;

    /// Same text and same stream as `fake`'s `StreetName` and `CityName`.
    fn check<L: CityLocale>(locale: L) {
        let words = [
            L::NAME_FIRST_NAME,
            L::NAME_LAST_NAME,
            L::ADDRESS_STREET_SUFFIX,
            L::ADDRESS_CITY_PREFIX,
            L::ADDRESS_CITY_SUFFIX,
        ];
        let braces = |word: &&str| word.contains(['{', '}']);
        assert!(!words.concat().iter().any(braces));
        for seed in 0..3000 {
            let (mut ours, mut theirs) = (rng_from_seed(seed), rng_from_seed(seed));
            let expected: String = StreetName(locale).fake_with_rng(&mut theirs);
            assert_eq!(
                Street(locale).fake_with_rng::<String, _>(&mut ours),
                expected
            );
            let expected: String = CityName(locale).fake_with_rng(&mut theirs);
            assert_eq!(City(locale).fake_with_rng::<String, _>(&mut ours), expected);
            assert_eq!(ours.get_word_pos(), theirs.get_word_pos());
        }
    }

    #[test]
    fn streets_and_cities_match_fake() {
        check(EN);
        check(DE_DE);
        check(FR_FR);
        check(IT_IT);
        check(NL_NL);
        check(PT_PT);
        check(PT_BR);
        check(TR_TR);
    }

    #[test]
    fn fill_replaces_every_placeholder_and_keeps_other_braces() {
        let values = [("{StreetName}", "Elm"), ("{StreetSuffix}", "St")];
        let check = |template: &str| {
            let expected = template
                .replace("{StreetName}", "Elm")
                .replace("{StreetSuffix}", "St");
            assert_eq!(fill(template, &values), expected, "{template}");
        };
        check("{StreetName} {StreetSuffix}");
        check("{StreetSuffix} {StreetName}");
        check("{{StreetName}} {River} {StreetName}{StreetSuffix}{");
        check("");
    }
}
