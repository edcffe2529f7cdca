//! Smaller vocabularies: document types, locales, token types, sex, platform, age, proxy risk.
//!
//! Source: `idenfy-api.md` sections 2.3, 4.4 and 4.6 (OAS `KycDocumentTypeEnum`, `SexEnum`,
//! `DeviceTypeEnum`, `AgeGroupEnum`, the supported-languages page).

use crate::open_enum::open_enum;

open_enum! {
    /// Document type (`documents[]` in the token request, `docType` in webhooks).
    /// Source: OAS `KycDocumentTypeEnum` plus the legacy `INTERNATIONAL_PASSPORT`.
    pub enum DocumentType {
        /// National identity card.
        IdCard = "ID_CARD",
        /// Passport.
        Passport = "PASSPORT",
        /// Residence permit.
        ResidencePermit = "RESIDENCE_PERMIT",
        /// Driver licence.
        DriverLicense = "DRIVER_LICENSE",
        /// Indian PAN card.
        PanCard = "PAN_CARD",
        /// Indian Aadhaar card.
        Aadhaar = "AADHAAR",
        /// Visa.
        Visa = "VISA",
        /// National (internal) passport.
        NationalPassport = "NATIONAL_PASSPORT",
        /// Provisional driver licence.
        ProvisionalDriverLicense = "PROVISIONAL_DRIVER_LICENSE",
        /// Old-format identity card.
        OldIdCard = "OLD_ID_CARD",
        /// Military card.
        MilitaryCard = "MILITARY_CARD",
        /// Address card.
        AddressCard = "ADDRESS_CARD",
        /// Smart-ID.
        SmartId = "SMART_ID",
        /// CLEAR.
        Clear = "CLEAR",
        /// OneID.
        OneId = "ONE_ID",
        /// Swedish BankID.
        BankIdSe = "BANK_ID_SE",
        /// Norwegian BankID.
        BankIdNo = "BANK_ID_NO",
        /// Czech Bank iD.
        BankIdCz = "BANK_ID_CZ",
        /// Finnish Trust Network.
        Ftn = "FTN",
        /// Danish MitID.
        MitId = "MIT_ID",
        /// Verimi.
        Verimi = "VERIMI",
        /// Louisiana wallet.
        LaWallet = "LA_WALLET",
        /// Samsung wallet.
        SamsungWallet = "SAMSUNG_WALLET",
        /// Czech MojeID.
        MojeIdCz = "MOJE_ID_CZ",
        /// Yoti ID.
        YotiId = "YOTI_ID",
        /// Any other document.
        OtherDocument = "OTHER",
        /// Border crossing card.
        BorderCrossing = "BORDER_CROSSING",
        /// Asylum document.
        Asylum = "ASYLUM",
        /// Photo card.
        PhotoCard = "PHOTO_CARD",
        /// Proof-of-age card.
        ProofOfAgeCard = "PROOF_OF_AGE_CARD",
        /// Travel card.
        TravelCard = "TRAVEL_CARD",
        /// Social security card.
        SocialSecurityCard = "SOCIAL_SECURITY_CARD",
        /// Voter card.
        VoterCard = "VOTER_CARD",
        /// Diplomatic identity card.
        DiplomaticId = "DIPLOMATIC_ID",
        /// Work permit.
        WorkPermit = "WORK_PERMIT",
        /// International passport (older lists only).
        InternationalPassport = "INTERNATIONAL_PASSPORT",
    }
}

open_enum! {
    /// User-interface language (`locale`). Requests send lower case (`"en"`); the supported-languages
    /// page lists 34 codes. Validation compares case-insensitively.
    pub enum Locale {
        /// English.
        En = "en",
        /// Spanish.
        Es = "es",
        /// French.
        Fr = "fr",
        /// Russian.
        Ru = "ru",
        /// German.
        De = "de",
        /// Italian.
        It = "it",
        /// Polish.
        Pl = "pl",
        /// Lithuanian.
        Lt = "lt",
        /// Latvian.
        Lv = "lv",
        /// Estonian.
        Et = "et",
        /// Swedish.
        Sv = "sv",
        /// Czech.
        Cs = "cs",
        /// Romanian.
        Ro = "ro",
        /// Hungarian.
        Hu = "hu",
        /// Japanese.
        Ja = "ja",
        /// Bulgarian.
        Bg = "bg",
        /// Dutch.
        Nl = "nl",
        /// Portuguese.
        Pt = "pt",
        /// Ukrainian.
        Uk = "uk",
        /// Slovak.
        Sk = "sk",
        /// Slovenian (iDenfy's code is `si`).
        Si = "si",
        /// Vietnamese.
        Vi = "vi",
        /// Thai.
        Th = "th",
        /// Hindi.
        Hi = "hi",
        /// Indonesian.
        Id = "id",
        /// Croatian.
        Hr = "hr",
        /// Danish.
        Da = "da",
        /// Finnish.
        Fi = "fi",
        /// Greek.
        El = "el",
        /// Norwegian.
        No = "no",
        /// Turkish.
        Tr = "tr",
        /// Serbian.
        Sr = "sr",
        /// Chinese (simplified).
        Zh = "zh",
        /// Chinese (traditional, Taiwan).
        ZhTw = "zh_tw",
    }
}

open_enum! {
    /// Verification flow (`tokenType`). Source: OAS (`IDENTIFICATION`, `DOCUMENT`) and older docs
    /// (the video-call types).
    pub enum TokenType {
        /// Document scan and selfie (the default).
        Identification = "IDENTIFICATION",
        /// Document scan only.
        Document = "DOCUMENT",
        /// Video call.
        VideoCall = "VIDEO_CALL",
        /// Video call with photos.
        VideoCallPhotos = "VIDEO_CALL_PHOTOS",
        /// Video call with identification.
        VideoCallIdentification = "VIDEO_CALL_IDENTIFICATION",
    }
}

impl TokenType {
    /// The video-call flows, listed by older docs only; `videoCallQuestions` applies to them.
    pub const VIDEO_CALL: &'static [TokenType] = &[
        TokenType::VideoCall,
        TokenType::VideoCallPhotos,
        TokenType::VideoCallIdentification,
    ];
}

open_enum! {
    /// Sex in the token request (`sex`): `M` or `F`.
    pub enum Sex {
        /// Male.
        Male = "M",
        /// Female.
        Female = "F",
    }
}

open_enum! {
    /// Sex read from the document (`data.docSex`). Source: OAS `SexEnum`.
    pub enum DocumentSex {
        /// Male.
        Male = "MALE",
        /// Female.
        Female = "FEMALE",
        /// Not given on the document.
        Undefined = "UNDEFINED",
    }
}

open_enum! {
    /// Device the client used (`platform`). Source: OAS `DeviceTypeEnum`.
    pub enum Platform {
        /// Desktop browser.
        Pc = "PC",
        /// Mobile browser.
        Mobile = "MOBILE",
        /// Tablet browser.
        Tablet = "TABLET",
        /// Mobile app.
        MobileApp = "MOBILE_APP",
        /// Mobile SDK.
        MobileSdk = "MOBILE_SDK",
        /// Anything else.
        OtherDevice = "OTHER",
    }
}

open_enum! {
    /// Age estimated from the selfie (`data.ageEstimate`). Source: OAS `AgeGroupEnum`.
    pub enum AgeEstimate {
        /// Under 13.
        Under13 = "UNDER_13",
        /// Under 8.
        Under8 = "UNDER_8",
        /// Over 8.
        Over8 = "OVER_8",
        /// Over 13.
        Over13 = "OVER_13",
        /// Over 16.
        Over16 = "OVER_16",
        /// Over 18.
        Over18 = "OVER_18",
        /// Over 21.
        Over21 = "OVER_21",
        /// Over 22.
        Over22 = "OVER_22",
        /// Over 25.
        Over25 = "OVER_25",
        /// Over 30.
        Over30 = "OVER_30",
    }
}

open_enum! {
    /// Risk that the client's IP is a proxy (`data.clientIpProxyRiskLevel`).
    pub enum ProxyRiskLevel {
        /// Very low.
        VeryLow = "VERY_LOW",
        /// Low.
        Low = "LOW",
        /// Medium.
        Medium = "MEDIUM",
        /// High.
        High = "HIGH",
        /// Very high.
        VeryHigh = "VERY_HIGH",
        /// Not checked.
        NotChecked = "NOT_CHECKED",
    }
}
