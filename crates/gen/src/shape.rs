//! The shape of a generated token request: which of its optional fields it carries, one bit
//! per field, drawn so that shrinking removes fields one at a time.

use std::ops::RangeInclusive;

use proptest::bool::weighted;
use proptest::num::sample_uniform_incl;
use proptest::prelude::Strategy;
use proptest::strategy::{NewTree, ValueTree};
use proptest::test_runner::TestRunner;
use rand::RngExt;

/// Which optional fields a request carries.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Shape {
    common: u64,
    advanced: u32,
    /// One bit per feature override, in the order `token::apply_features` sets them.
    pub(crate) features: u64,
}

/// Optional fields most integrations send, one bit each in `Shape::common`.
#[derive(Clone, Copy)]
pub(crate) enum Common {
    FirstName,
    LastName,
    SuccessUrl,
    ErrorUrl,
    UnverifiedUrl,
    CallbackUrl,
    Locale,
    ShowInstructions,
    ExpiryTime,
    SessionLength,
    Country,
    Documents,
    DateOfBirth,
    DateOfExpiry,
    DateOfIssue,
    Nationality,
    PersonalNumber,
    DocumentNumber,
    Sex,
    Address,
    GenerateDigitString,
    ExternalRef,
    DummyStatus,
}

const COMMON_COUNT: u32 = Common::DummyStatus as u32 + 1;

/// Fields few integrations send, one bit each in `Shape::advanced`.
#[derive(Clone, Copy)]
pub(crate) enum Advanced {
    VideoCallQuestions,
    UtilityBill,
    AdditionalSteps,
    AdditionalData,
    Questionnaire,
    QuestionnaireRequired,
    RiskAssessmentProfile,
    Theme,
    RegistryCentersCountries,
    AgeLimit,
    AgeMax,
}

const ADVANCED_COUNT: usize = Advanced::AgeMax as usize + 1;

/// The feature overrides: 29 flags, then six valued settings.
const FEATURE_COUNT: usize = 35;

impl Shape {
    /// Whether the request carries the common field.
    pub(crate) fn has(self, field: Common) -> bool {
        self.common >> field as u32 & 1 == 1
    }

    /// Whether the request carries the advanced field.
    pub(crate) fn has_advanced(self, field: Advanced) -> bool {
        self.advanced >> field as u32 & 1 == 1
    }
}

/// Shapes: each common field present half of the time; in half of the requests one to three
/// advanced fields; in a quarter one to four feature overrides.
pub(crate) fn arb_shape() -> impl Strategy<Value = Shape> + Clone {
    // A weighted switch beside each sampled set: shrinking turns the switch off first, which
    // removes the whole group, then clears single bits.
    (
        HalfBits {
            width: COMMON_COUNT,
        },
        weighted(0.5),
        SampledBits {
            count: 1..=3,
            width: ADVANCED_COUNT,
        },
        weighted(0.25),
        SampledBits {
            count: 1..=4,
            width: FEATURE_COUNT,
        },
    )
        .prop_map(
            |(common, with_advanced, advanced, with_features, features)| Shape {
                common,
                // At most `ADVANCED_COUNT` low bits are set.
                advanced: if with_advanced { advanced as u32 } else { 0 },
                features: if with_features { features } else { 0 },
            },
        )
}

/// Sets of the low `width` bits, each bit set with probability one half: proptest's
/// `BitSetStrategy`, drawn with one random number instead of one per bit.
#[derive(Debug, Clone, Copy)]
struct HalfBits {
    width: u32,
}

/// Sets of `count` of the low `width` bits, chosen uniformly: proptest's
/// `bits::u64::sampled(count, 0..width)`, drawing the same numbers in the same order (the size,
/// then `rand`'s reservoir sampling over the bit indices) without allocating the reservoir.
#[derive(Debug, Clone)]
struct SampledBits {
    /// How many bits are set: at least one (with no minimum, proptest's tree would shrink an
    /// empty set differently from [`BitsTree`]), at most [`SampledBits::MAX_COUNT`].
    count: RangeInclusive<usize>,
    width: usize,
}

impl SampledBits {
    /// The most bits a set may hold (the reservoir's size).
    const MAX_COUNT: usize = 4;
}

/// Shrinks by clearing one set bit at a time, lowest first, down to `min_count` set bits: with
/// a minimum of one or more, exactly as proptest's `BitSetValueTree`.
#[derive(Debug, Clone, Copy)]
struct BitsTree {
    bits: u64,
    /// The lowest bit not yet tried.
    next: u32,
    /// The bit the last simplification cleared.
    cleared: Option<u32>,
    /// Fewest set bits simplification leaves; `0` clears them all.
    min_count: u32,
}

impl BitsTree {
    fn new(bits: u64, min_count: u32) -> Self {
        Self {
            bits,
            next: 0,
            cleared: None,
            min_count,
        }
    }
}

impl Strategy for HalfBits {
    type Tree = BitsTree;
    type Value = u64;

    fn new_tree(&self, runner: &mut TestRunner) -> NewTree<Self> {
        let mask = u64::MAX >> (64 - self.width.clamp(1, 64));
        Ok(BitsTree::new(runner.rng().random::<u64>() & mask, 0))
    }
}

impl Strategy for SampledBits {
    type Tree = BitsTree;
    type Value = u64;

    fn new_tree(&self, runner: &mut TestRunner) -> NewTree<Self> {
        let (min, max) = (*self.count.start(), *self.count.end());
        assert!(
            1 <= min && max <= Self::MAX_COUNT.min(self.width) && self.width <= 64,
            "one to {} of {} bits can be sampled",
            Self::MAX_COUNT,
            self.width
        );
        let count = sample_uniform_incl(runner, min, max);
        // `IteratorRandom::sample` over `0..width`: the first `count` indices, then each later
        // index replaces the slot a draw below `index + 1` names, if there is one.
        let mut reservoir: [usize; Self::MAX_COUNT] = std::array::from_fn(|slot| slot);
        let rng = runner.rng();
        for index in count..self.width {
            let slot = rng.random_range(..index + 1);
            if slot < count {
                reservoir[slot] = index;
            }
        }
        let bits = reservoir[..count]
            .iter()
            .fold(0u64, |bits, &index| bits | 1 << index);
        Ok(BitsTree::new(bits, min as u32))
    }
}

impl ValueTree for BitsTree {
    type Value = u64;

    fn current(&self) -> u64 {
        self.bits
    }

    fn simplify(&mut self) -> bool {
        // With no minimum, an empty set still goes on to forget the last cleared bit below.
        if self.min_count > 0 && self.bits.count_ones() <= self.min_count {
            return false;
        }
        while self.next < 64 && self.bits >> self.next & 1 == 0 {
            self.next += 1;
        }
        if self.next == 64 {
            self.cleared = None;
            return false;
        }
        self.bits &= !(1 << self.next);
        self.cleared = Some(self.next);
        self.next += 1;
        true
    }

    fn complicate(&mut self) -> bool {
        match self.cleared.take() {
            Some(bit) => {
                self.bits |= 1 << bit;
                true
            }
            None => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::bits;
    use proptest::strategy::{Strategy, ValueTree};
    use rand::RngExt;

    use super::SampledBits;
    use crate::seed::{rng_from_seed, runner_from_seed};

    /// `SampledBits` draws what proptest's sampled bit sets draw, leaves the runner's stream
    /// where they leave it, and shrinks through the same values.
    #[test]
    fn sampled_bits_match_proptest() {
        let cases = [(1..=3, 11), (1..=4, 35), (1..=4, 4), (2..=2, 64)];
        for (count, width) in cases {
            let ours = SampledBits {
                count: count.clone(),
                width,
            };
            let theirs = bits::u64::sampled(count, 0..width);
            for seed in 0..500 {
                let (mut runner, mut reference) = (runner_from_seed(seed), runner_from_seed(seed));
                let mut tree = ours.new_tree(&mut runner).unwrap();
                let mut expected = theirs.new_tree(&mut reference).unwrap();
                let next =
                    |runner: &mut proptest::test_runner::TestRunner| runner.rng().random::<u64>();
                assert_eq!(
                    next(&mut runner),
                    next(&mut reference),
                    "stream, seed {seed}"
                );
                let steps = &mut rng_from_seed(seed);
                for _ in 0..80 {
                    assert_eq!(tree.current(), expected.current(), "seed {seed}");
                    if steps.random_bool(0.7) {
                        assert_eq!(tree.simplify(), expected.simplify(), "seed {seed}");
                    } else {
                        assert_eq!(tree.complicate(), expected.complicate(), "seed {seed}");
                    }
                }
            }
        }
    }
}
