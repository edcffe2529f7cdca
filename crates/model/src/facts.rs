//! The facts about iDenfy's wire fields, once: per token-request field its type, whether it
//! is required or takes `null`, its limits and whether the 201 answer echoes it; per webhook
//! field whether it may be `null` although the schema says otherwise.
//!
//! Source: iDenfy's OpenAPI of the KYC API (`shared/reference/idenfy-kyc-openapi.yml`,
//! archived 2026-09-16, not copied here), generated from its Django REST framework
//! serializers by drf-spectacular: there `nullable: true` marks a field that takes `null`, and
//! a field without it answers 400 to `null`. Limits the OpenAPI does not give come from the
//! prose cited on each field ([`Field::limit_source`]). The validator
//! ([`crate::validation`]), the JSON Schema of [`TokenRequest`](crate::TokenRequest)
//! ([`crate::request_schema`]), the parser's `null` handling ([`crate::drf`]) and the
//! generators read these facts from here.

/// A request field's DRF field type, which decides the JSON values it takes
/// ([`crate::drf`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FieldType {
    /// `CharField` (and its `URLField`, `DateField`, `UUIDField`, `ChoiceField` kin): a string;
    /// a number is taken and turned into its string.
    String,
    /// `IntegerField`: an integer, a number with no fraction (`600.0`) or a string of one
    /// (`"600"`).
    Integer,
    /// `FloatField`: a number, a numeric string or a boolean.
    Number,
    /// `BooleanField`: `true`/`false`, `1`/`0` and DRF's truthy and falsy strings.
    Boolean,
    /// `ListField`: an array.
    Array,
    /// `JSONField` of an object.
    Object,
}

/// Where a field's existence and nullability come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FieldSource {
    /// Listed in iDenfy's OpenAPI request schema: `required` and `nullable` are the schema's.
    OpenApi,
    /// Not in the OpenAPI: the DEV-only `dummyStatus` (D-DUMMY). `null` is read as absent.
    DevOnly,
    /// Not in the OpenAPI: an older documented setting (reference section 2.2) that the
    /// current serializer may ignore as an unknown field, so `null` is read as absent.
    OlderDocs,
}

/// A string format a field's values must have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Format {
    /// `YYYY-MM-DD`, a real calendar day.
    Date,
    /// An absolute `http` or `https` URL with a host.
    Uri,
    /// A hyphenated UUID.
    Uuid,
}

/// The facts about one token-request field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    /// The wire name.
    pub name: &'static str,
    /// The DRF field type.
    pub kind: FieldType,
    /// Required by iDenfy's OpenAPI (`clientId`, `tokenType`).
    pub required: bool,
    /// Required by the OpenAPI, but optional in the prose, which gives a default: the
    /// simulator fills the default when the field is absent (`tokenType`).
    pub defaulted: bool,
    /// Takes `null` (as absent): the OpenAPI's `nullable: true`, or a field it does not list.
    pub nullable: bool,
    /// The 201 answer's schema lists it, so the simulator echoes it.
    pub echoed: bool,
    /// Fewest characters of a string.
    pub min_length: Option<usize>,
    /// Most characters of a string.
    pub max_length: Option<usize>,
    /// Smallest integer.
    pub minimum: Option<i64>,
    /// Largest integer.
    pub maximum: Option<i64>,
    /// The format a string must have.
    pub format: Option<Format>,
    /// Where the field's existence and nullability come from.
    pub source: FieldSource,
    /// Where the limits come from, when not all from the OpenAPI; empty otherwise.
    pub limit_source: &'static str,
}

impl Field {
    const fn new(name: &'static str, kind: FieldType) -> Self {
        Field {
            name,
            kind,
            required: false,
            defaulted: false,
            nullable: false,
            echoed: true,
            min_length: None,
            max_length: None,
            minimum: None,
            maximum: None,
            format: None,
            source: FieldSource::OpenApi,
            limit_source: "",
        }
    }

    const fn string(name: &'static str) -> Self {
        Self::new(name, FieldType::String)
    }

    const fn boolean(name: &'static str) -> Self {
        Self::new(name, FieldType::Boolean)
    }

    const fn integer(name: &'static str) -> Self {
        Self::new(name, FieldType::Integer)
    }

    const fn required(mut self) -> Self {
        self.required = true;
        self
    }

    const fn defaulted(mut self) -> Self {
        self.defaulted = true;
        self
    }

    const fn nullable(mut self) -> Self {
        self.nullable = true;
        self
    }

    const fn not_echoed(mut self) -> Self {
        self.echoed = false;
        self
    }

    const fn length(mut self, min: usize, max: usize, source: &'static str) -> Self {
        self.min_length = Some(min);
        self.max_length = Some(max);
        self.limit_source = source;
        self
    }

    const fn max_length(mut self, max: usize, source: &'static str) -> Self {
        self.max_length = Some(max);
        self.limit_source = source;
        self
    }

    const fn range(mut self, minimum: i64, maximum: i64, source: &'static str) -> Self {
        self.minimum = Some(minimum);
        self.maximum = Some(maximum);
        self.limit_source = source;
        self
    }

    const fn format(mut self, format: Format) -> Self {
        self.format = Some(format);
        self
    }

    const fn from(mut self, source: FieldSource) -> Self {
        self.source = source;
        self.nullable = true;
        self.echoed = false;
        self
    }

    /// The largest length as a `usize`, for the `const` limits of [`crate::validation`].
    const fn max(self) -> usize {
        match self.max_length {
            Some(max) => max,
            None => panic!("field without maxLength"),
        }
    }
}

/// `clientId`: required, not nullable, 1 to 100 characters (OAS maxLength 100; the
/// non-empty minimum is D-KGT's "required").
pub const CLIENT_ID: Field =
    Field::string("clientId")
        .required()
        .length(1, 100, "OAS maxLength 100; non-empty: D-KGT");
/// `firstName` and `lastName`: 1 to 100 characters (GH21 minimum, OAS maximum).
pub const FIRST_NAME: Field =
    Field::string("firstName")
        .nullable()
        .length(1, 100, "GH21 minimum 1; OAS maxLength 100");
/// See [`FIRST_NAME`].
pub const LAST_NAME: Field =
    Field::string("lastName")
        .nullable()
        .length(1, 100, "GH21 minimum 1; OAS maxLength 100");
/// Redirect and callback URLs: 5 to 2048 characters (D-KGT, GH21; OAS gives `format: uri`).
pub const SUCCESS_URL: Field = url("successUrl");
/// See [`SUCCESS_URL`].
pub const ERROR_URL: Field = url("errorUrl");
/// See [`SUCCESS_URL`].
pub const UNVERIFIED_URL: Field = url("unverifiedUrl");
/// See [`SUCCESS_URL`]; HTTPS (MID).
pub const CALLBACK_URL: Field = url("callbackUrl");
/// `expiryTime`: 0 to 2,592,000 seconds. The OpenAPI's `minimum: 0` is generated from the
/// serializer's `min_value`, so it is what the API enforces; the prose's "more than 0" is not.
pub const EXPIRY_TIME: Field = Field::integer("expiryTime").range(0, 2_592_000, "");
/// `sessionLength`: 60 to 3600 seconds (OAS).
pub const SESSION_LENGTH: Field = Field::integer("sessionLength").range(60, 3600, "");
/// `personalNumber` and `documentNumber`: 1 to 50 characters (GH21 minimum, OAS maximum).
pub const PERSONAL_NUMBER: Field =
    Field::string("personalNumber")
        .nullable()
        .length(1, 50, "GH21 minimum 1; OAS maxLength 50");
/// See [`PERSONAL_NUMBER`].
pub const DOCUMENT_NUMBER: Field =
    Field::string("documentNumber")
        .nullable()
        .length(1, 50, "GH21 minimum 1; OAS maxLength 50");
/// `address`: at most 255 characters (GH21; the OpenAPI gives no limit).
pub const ADDRESS: Field = Field::string("address")
    .nullable()
    .max_length(255, "GH21 maximum 255");
/// `externalRef`: at most 40 characters (OAS).
pub const EXTERNAL_REF: Field = Field::string("externalRef").nullable().max_length(40, "");
/// `tokenType`: required by the OpenAPI, optional with default `IDENTIFICATION` by the prose.
pub const TOKEN_TYPE: Field = Field::string("tokenType").required().defaulted();

const fn url(name: &'static str) -> Field {
    Field::string(name)
        .nullable()
        .length(5, 2048, "D-KGT and GH21: 5 to 2048")
        .format(Format::Uri)
}

const fn date(name: &'static str) -> Field {
    Field::string(name).nullable().format(Format::Date)
}

const fn older(name: &'static str, kind: FieldType) -> Field {
    Field::new(name, kind).from(FieldSource::OlderDocs)
}

/// Every field of `POST /api/v2/token`, in [`TokenRequest`](crate::TokenRequest)'s order.
pub const TOKEN_REQUEST: &[Field] = &[
    CLIENT_ID,
    FIRST_NAME,
    LAST_NAME,
    SUCCESS_URL,
    ERROR_URL,
    UNVERIFIED_URL,
    CALLBACK_URL,
    Field::string("locale").nullable().max_length(7, ""),
    Field::boolean("showInstructions"),
    EXPIRY_TIME,
    SESSION_LENGTH,
    Field::string("country").nullable(),
    Field::new("documents", FieldType::Array).nullable(),
    date("dateOfBirth"),
    date("dateOfExpiry"),
    // The OpenAPI gives no format; GH21 documents YYYY-MM-DD.
    date("dateOfIssue"),
    Field::string("nationality").nullable(),
    PERSONAL_NUMBER,
    DOCUMENT_NUMBER,
    Field::string("sex").nullable(),
    ADDRESS,
    Field::boolean("generateDigitString").not_echoed(),
    TOKEN_TYPE,
    older("videoCallQuestions", FieldType::Array),
    EXTERNAL_REF,
    Field::boolean("utilityBill").nullable(),
    Field::new("additionalSteps", FieldType::Object),
    Field::new("additionalData", FieldType::Object),
    Field::string("questionnaire").nullable(),
    Field::boolean("questionnaireRequired").not_echoed(),
    Field::string("riskAssessmentProfile")
        .nullable()
        .format(Format::Uuid),
    Field::string("theme").nullable().format(Format::Uuid),
    Field::new("registryCentersCountries", FieldType::Array).nullable(),
    Field::integer("ageLimit").not_echoed(),
    Field::integer("ageMax").not_echoed(),
    Field::string("dummyStatus").from(FieldSource::DevOnly),
    Field::boolean("reviewSuccessful"),
    Field::boolean("reviewFailed"),
    Field::boolean("verifyEmail"),
    Field::boolean("verifyPhone"),
    Field::boolean("verifyBank"),
    Field::boolean("verifyBankAccounts"),
    Field::boolean("verifyBankBalances"),
    Field::boolean("verifyBankTransactions"),
    Field::boolean("bankCardVerification"),
    Field::boolean("bankCardPdfUpload"),
    Field::boolean("verifyAddress"),
    Field::boolean("checkAml"),
    Field::boolean("checkCriminal"),
    Field::boolean("checkLiveness"),
    Field::boolean("checkFaceBlacklist"),
    Field::boolean("checkDocFaceBlacklist"),
    Field::boolean("checkPersonBlacklist"),
    Field::boolean("checkDuplicateFaces"),
    Field::boolean("checkDuplicateDocFaces"),
    Field::boolean("checkDuplicatePersonalData"),
    Field::boolean("checkDriverLicense"),
    Field::boolean("checkLid"),
    Field::boolean("checkIpProxy"),
    Field::boolean("allowBsnMasking"),
    Field::boolean("nfcRequired"),
    Field::boolean("nfcOptional").not_echoed(),
    Field::boolean("autoAmlMonitoring"),
    Field::boolean("driverLicenseBack"),
    Field::new("faceMatchingThresholdModifier", FieldType::Number),
    older("fraudServices", FieldType::Array),
    older("maxAttemptCount", FieldType::Integer),
    older("levenshteinTextMatchRatio", FieldType::Number),
    older("levenshteinMrzMatchRatio", FieldType::Number),
    older("checkUrjanet", FieldType::Boolean),
    older("detectionTypes", FieldType::Array),
];

/// The facts of the token-request field `name`.
pub fn token_request_field(name: &str) -> Option<&'static Field> {
    TOKEN_REQUEST.iter().find(|field| field.name == name)
}

/// Shortest URL.
pub const URL_MIN: usize = match SUCCESS_URL.min_length {
    Some(min) => min,
    None => panic!("URL fields have a minLength"),
};
/// Longest `clientId`.
pub const CLIENT_ID_MAX: usize = CLIENT_ID.max();
/// Longest first or last name.
pub const NAME_MAX: usize = FIRST_NAME.max();
/// Longest URL.
pub const URL_MAX: usize = SUCCESS_URL.max();
/// Longest personal or document number.
pub const NUMBER_MAX: usize = PERSONAL_NUMBER.max();
/// Longest address.
pub const ADDRESS_MAX: usize = ADDRESS.max();
/// Longest `externalRef`.
pub const EXTERNAL_REF_MAX: usize = EXTERNAL_REF.max();

/// A webhook field that iDenfy's OpenAPI marks required and not nullable, but that real
/// bodies carry as `null` (or leave out) in the situation described.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NullDespiteSchema {
    /// JSON path in the identification webhook, e.g. `status.manualFace`.
    pub path: &'static str,
    /// When it is `null`.
    pub when: &'static str,
    /// The source that shows it.
    pub source: &'static str,
}

/// Webhook fields that are `null` on an expired or unreviewed verification although
/// `IdentificationWebhook` says otherwise; the model types keep them as `Option`.
pub const WEBHOOK_NULL_DESPITE_SCHEMA: &[NullDespiteSchema] = &[
    NullDespiteSchema {
        path: "status.autoFace",
        when: "no selfie was analysed: EXPIRED, or a document-only flow",
        source: "GH20 and MID example bodies; D-VOC",
    },
    NullDespiteSchema {
        path: "status.manualFace",
        when: "before a manual review (the status API says \"Empty if not reviewed yet\")",
        source: "D-DATA; GH20",
    },
    NullDespiteSchema {
        path: "status.autoDocument",
        when: "no document was analysed: EXPIRED",
        source: "GH20 and MID example bodies; D-VOC",
    },
    NullDespiteSchema {
        path: "status.manualDocument",
        when: "before a manual review",
        source: "D-DATA; GH20",
    },
    NullDespiteSchema {
        path: "platform",
        when: "the user never opened the session: EXPIRED",
        source: "MID expired example",
    },
    NullDespiteSchema {
        path: "startTime",
        when: "the user never started the session: EXPIRED",
        source: "MID expired example",
    },
    NullDespiteSchema {
        path: "companyId",
        when: "always for plain KYC (a KYB link), absent from every example",
        source: "D-WHREF; reference section 4.4",
    },
    NullDespiteSchema {
        path: "beneficiaryId",
        when: "always for plain KYC (a KYB link)",
        source: "D-WHREF; reference section 4.4",
    },
];
