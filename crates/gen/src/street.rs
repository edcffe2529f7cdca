//! Street names as `fake`'s `StreetName` draws them, filled into the locale's template in one
//! pass instead of two `str::replace` calls (which set up a substring searcher and allocate a
//! string each).

use fake::faker::address::raw::StreetSuffix;
use fake::faker::name::raw::{FirstName, LastName};
use fake::locales::Data;
use fake::{Dummy, Fake, Faker};
use rand::RngExt;

/// `fake`'s `StreetName` faker for locale `L`: the same draws in the same order (a coin, a first
/// or last name, a street suffix) and the same text, with one allocation.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Street<L>(pub(crate) L);

impl<L: Data + Copy> Dummy<Street<L>> for String {
    fn dummy_with_rng<R: RngExt + ?Sized>(street: &Street<L>, rng: &mut R) -> Self {
        let name: &str = if Faker.fake_with_rng::<bool, _>(rng) {
            FirstName(street.0).fake_with_rng(rng)
        } else {
            LastName(street.0).fake_with_rng(rng)
        };
        let suffix: &str = StreetSuffix(street.0).fake_with_rng(rng);
        fill(L::ADDRESS_STREET_TPL, name, suffix)
    }
}

/// `template` with every `{StreetName}` replaced by `name` and every `{StreetSuffix}` by
/// `suffix`: what `fake`'s `template.replace(..name).replace(..suffix)` gives, since no name of
/// its lists holds a brace that the second replacement could match.
fn fill(template: &str, name: &str, suffix: &str) -> String {
    let mut text = String::with_capacity(template.len() + name.len() + suffix.len());
    let mut rest = template;
    while let Some(brace) = rest.find('{') {
        text.push_str(&rest[..brace]);
        rest = &rest[brace..];
        if let Some(after) = rest.strip_prefix("{StreetName}") {
            text.push_str(name);
            rest = after;
        } else if let Some(after) = rest.strip_prefix("{StreetSuffix}") {
            text.push_str(suffix);
            rest = after;
        } else {
            text.push('{');
            rest = &rest[1..];
        }
    }
    text.push_str(rest);
    text
}

#[cfg(test)]
mod tests {
    use fake::Fake;
    use fake::faker::address::raw::StreetName;
    use fake::locales::{DE_DE, Data, EN, FR_FR, IT_IT, NL_NL, PT_BR, PT_PT, TR_TR};

    use super::{Street, fill};
    use crate::seed::rng_from_seed;

    /// Same text and same stream as `fake`'s `StreetName`, in every locale identities use.
    fn check<L: Data + Copy>(locale: L) {
        let words = [
            L::NAME_FIRST_NAME,
            L::NAME_LAST_NAME,
            L::ADDRESS_STREET_SUFFIX,
        ];
        assert!(words.concat().iter().all(|word| !word.contains('{')));
        for seed in 0..2000 {
            let (mut ours, mut theirs) = (rng_from_seed(seed), rng_from_seed(seed));
            let expected: String = StreetName(locale).fake_with_rng(&mut theirs);
            assert_eq!(
                Street(locale).fake_with_rng::<String, _>(&mut ours),
                expected
            );
            assert_eq!(ours.get_word_pos(), theirs.get_word_pos());
        }
    }

    #[test]
    fn streets_match_fake() {
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
        let check = |template: &str| {
            let expected = template
                .replace("{StreetName}", "Elm")
                .replace("{StreetSuffix}", "St");
            assert_eq!(fill(template, "Elm", "St"), expected, "{template}");
        };
        check("{StreetName} {StreetSuffix}");
        check("{StreetSuffix} {StreetName}");
        check("{{StreetName}} {River} {StreetName}{StreetSuffix}{");
        check("");
    }
}
